/**
 * The sandbox admin's resource picker (App Bridge `shopify.resourcePicker`): the shop's
 * products as Shopify's picker returns them, read from the Shopify stand-in. The admin page
 * (client/admin.js) lists them and hands the selection (each product with the variants
 * picked) to the app. `PickerProduct` is checked against App Bridge's own `Product` type
 * (@shopify/app-bridge-types, which needs the DOM library) by
 * shopify-app/server/app-bridge-shapes.ts, so the stand-in cannot drift from the real shape.
 */

/** App Bridge's `ProductVariant` as the picker fills it. */
export interface PickerVariant {
  id: string;
  availableForSale: boolean;
  barcode: string | null;
  compareAtPrice: string | null;
  createdAt: string;
  displayName: string;
  image: PickerImage | null;
  inventoryItem: { id: string };
  inventoryManagement: "SHOPIFY" | "NOT_MANAGED";
  inventoryPolicy: "DENY";
  inventoryQuantity: number;
  position: number;
  price: string;
  product: { id: string };
  requiresShipping: boolean;
  selectedOptions: Array<{ value: string }>;
  sku: string;
  taxable: boolean;
  title: string;
  weight: number;
  weightUnit: "KILOGRAMS";
  updatedAt: string;
}

interface PickerImage {
  id: string;
  altText: string;
  originalSrc: string;
}

/** App Bridge's `Product`. */
export interface PickerProduct {
  id: string;
  availablePublicationCount: number;
  createdAt: string;
  descriptionHtml: string;
  handle: string;
  hasOnlyDefaultVariant: boolean;
  images: PickerImage[];
  options: Array<{ id: string; name: string; position: number; values: string[] }>;
  productType: string;
  publishedAt: string | null;
  tags: string[];
  templateSuffix: string | null;
  title: string;
  totalInventory: number;
  totalVariants: number;
  tracksInventory: boolean;
  variants: PickerVariant[];
  vendor: string;
  updatedAt: string;
  status: "ACTIVE" | "DRAFT" | "ARCHIVED";
}

/** A product as the Shopify stand-in's `GET /_sandbox/shops/{shop}/products` lists it. */
export interface StandInProduct {
  id: number;
  title: string;
  handle: string;
  descriptionHtml: string;
  productType: string;
  vendor: string;
  status: "ACTIVE" | "DRAFT" | "ARCHIVED";
  tags: string[];
  options: Array<{ id: number; name: string; position: number; values: string[] }>;
  variants: Array<{
    id: number;
    title: string;
    sku: string;
    price: number;
    compareAtPrice: number | null;
    position: number;
    selectedOptions: Array<{ name: string; value: string }>;
    inventoryItemId: number;
    tracked: boolean;
    inventoryQuantity: number;
    imageId: number | null;
    createdAt: string;
    updatedAt: string;
  }>;
  images: Array<{ id: number; url: string; altText: string | null }>;
  createdAt: string;
  updatedAt: string;
}

const money = (minor: number) => (minor / 100).toFixed(2);
const gid = (type: string, id: number) => `gid://shopify/${type}/${id}`;

/** A stand-in product in the shape App Bridge's resource picker returns (every variant; the picker keeps the selected ones). */
export function pickerProduct(p: StandInProduct): PickerProduct {
  const images = p.images.map((i) => ({ id: gid("ProductImage", i.id), altText: i.altText ?? p.title, originalSrc: i.url }));
  const onlyDefault = p.variants.length === 1 && p.variants[0]!.title === "Default Title";
  const product: PickerProduct = {
    id: gid("Product", p.id),
    availablePublicationCount: p.status === "ACTIVE" ? 1 : 0,
    createdAt: p.createdAt,
    descriptionHtml: p.descriptionHtml,
    handle: p.handle,
    hasOnlyDefaultVariant: onlyDefault,
    images,
    options: p.options.map((o) => ({ id: gid("ProductOption", o.id), name: o.name, position: o.position, values: o.values })),
    productType: p.productType,
    publishedAt: p.status === "ACTIVE" ? p.createdAt : null,
    tags: p.tags,
    templateSuffix: null,
    title: p.title,
    totalInventory: p.variants.reduce((n, v) => n + (v.tracked ? v.inventoryQuantity : 0), 0),
    totalVariants: p.variants.length,
    tracksInventory: p.variants.some((v) => v.tracked),
    variants: [],
    vendor: p.vendor,
    updatedAt: p.updatedAt,
    status: p.status,
  };
  product.variants = p.variants.map((v): PickerVariant => {
    const image = images.find((i) => i.id === gid("ProductImage", v.imageId ?? -1)) ?? null;
    return {
      id: gid("ProductVariant", v.id),
      availableForSale: !v.tracked || v.inventoryQuantity > 0,
      barcode: null,
      compareAtPrice: v.compareAtPrice === null ? null : money(v.compareAtPrice),
      createdAt: v.createdAt,
      displayName: `${p.title} - ${v.title}`,
      image,
      inventoryItem: { id: gid("InventoryItem", v.inventoryItemId) },
      inventoryManagement: v.tracked ? "SHOPIFY" : "NOT_MANAGED",
      inventoryPolicy: "DENY",
      inventoryQuantity: v.inventoryQuantity,
      position: v.position,
      price: money(v.price),
      product: { id: product.id },
      requiresShipping: true,
      selectedOptions: v.selectedOptions.map((o) => ({ value: o.value })),
      sku: v.sku,
      taxable: true,
      title: v.title,
      weight: 0,
      weightUnit: "KILOGRAMS",
      updatedAt: v.updatedAt,
    };
  });
  return product;
}

/** The shop's products matching `query`, in the picker's shape; `total` counts every match. */
export async function pickerProducts(shopifyUrl: string, shop: string, query: string, limit = 50): Promise<{ total: number; products: PickerProduct[] }> {
  const u = new URL(`/_sandbox/shops/${encodeURIComponent(shop)}/products`, shopifyUrl);
  u.searchParams.set("query", query);
  u.searchParams.set("limit", String(limit));
  const res = await fetch(u);
  if (!res.ok) throw new Error(`the Shopify stand-in answered ${res.status} for the shop's products`);
  const body = (await res.json()) as { total: number; products: StandInProduct[] };
  return { total: body.total, products: body.products.map(pickerProduct) };
}
