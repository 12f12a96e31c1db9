// A merchant's changes to a shop's catalog (the sandbox controls and the stand-in's API), each
// followed by the webhook Shopify sends for it.
import { parseDecimal, slug, type SProduct, type SVariant } from "./catalog.ts";
import { publish, shopOf, type StandInContext } from "./context.ts";
import { HttpError } from "./http-error.ts";
import { inventoryLevelPayload, productDeletePayload, productPayload } from "./payloads.ts";
import { imagePathPrefix } from "./shops.ts";
import { indexShop } from "./state.ts";
import type { ProductPatch } from "./types.ts";

/** Moves the product's updatedAt forward (strictly, so every change is seen as newer). */
function touch(p: SProduct): Date {
  const now = new Date(Math.max(Date.now(), p.updatedAt.getTime() + 1));
  p.updatedAt = now;
  return now;
}

function applyPatch(p: SProduct, patch: ProductPatch): void {
  if (patch.title !== undefined) p.title = patch.title;
  if (patch.productType !== undefined) p.productType = patch.productType;
  if (patch.vendor !== undefined) p.vendor = patch.vendor;
  if (patch.tags !== undefined) p.tags = patch.tags;
  if (patch.status !== undefined) p.status = patch.status;
  if (patch.descriptionHtml !== undefined) p.descriptionHtml = patch.descriptionHtml;
  const now = touch(p);
  if (patch.price !== undefined) {
    const price = parseDecimal(patch.price);
    for (const v of p.variants) {
      v.price = price;
      v.updatedAt = now;
    }
  }
  for (const vp of patch.variants ?? []) {
    const v = p.variants.find((x) => x.id === vp.id);
    if (!v) throw new HttpError(422, { errors: { variants: [`variant ${vp.id} is not in product ${p.id}`] } });
    if (vp.price !== undefined) v.price = parseDecimal(vp.price);
    if (vp.inventoryQuantity !== undefined) v.inventoryQuantity = vp.inventoryQuantity;
    if (vp.sku !== undefined) v.sku = vp.sku;
    v.updatedAt = now;
  }
}

/** A product with one default variant (ten in stock) and one generated image. */
function newProduct(id: number, patch: ProductPatch & { title: string }, vendor: string, prefix: string): SProduct {
  const now = new Date();
  const handle = slug(patch.title) || `product-${id}`;
  return {
    id,
    title: patch.title,
    handle,
    descriptionHtml: patch.descriptionHtml ?? "",
    productType: patch.productType ?? "",
    vendor: patch.vendor ?? vendor,
    status: patch.status ?? "ACTIVE",
    tags: patch.tags ?? [],
    options: [{ id: id * 10 + 1, name: "Title", position: 1, values: ["Default Title"] }],
    variants: [
      {
        id: id * 2,
        productId: id,
        title: "Default Title",
        sku: `${handle}`.toUpperCase(),
        price: patch.price ? parseDecimal(patch.price) : 2500,
        compareAtPrice: null,
        position: 1,
        selectedOptions: [{ name: "Title", value: "Default Title" }],
        inventoryItemId: id * 4,
        tracked: true,
        inventoryQuantity: 10,
        imageId: id * 3,
        createdAt: now,
        updatedAt: now,
      },
    ],
    images: [{ id: id * 3, path: `${prefix}/${id}-1.svg`, altText: patch.title, width: 800, height: 800 }],
    createdAt: now,
    updatedAt: now,
  };
}

export function createProduct(ctx: StandInContext, domain: string, patch: ProductPatch & { title: string }): SProduct {
  const shop = shopOf(ctx, domain);
  const id = Math.max(7_000_000_000, ...shop.products.keys()) + 1;
  const p = newProduct(id, patch, shop.name, imagePathPrefix(domain));
  shop.products.set(id, p);
  indexShop(shop);
  publish(ctx, shop, "products/create", productPayload(p, ctx.baseUrl));
  return p;
}

/** Puts whole products into the shop, without webhooks (seeding). */
export function putProducts(ctx: StandInContext, domain: string, products: SProduct[]): void {
  const shop = shopOf(ctx, domain);
  for (const p of products) shop.products.set(p.id, p);
  indexShop(shop);
}

export function updateProduct(ctx: StandInContext, domain: string, id: number, patch: ProductPatch): SProduct {
  const shop = shopOf(ctx, domain);
  const p = shop.products.get(id);
  if (!p) throw new HttpError(404, { errors: "Not Found" });
  applyPatch(p, patch);
  publish(ctx, shop, "products/update", productPayload(p, ctx.baseUrl));
  return p;
}

export function deleteProduct(ctx: StandInContext, domain: string, id: number): void {
  const shop = shopOf(ctx, domain);
  if (!shop.products.delete(id)) throw new HttpError(404, { errors: "Not Found" });
  indexShop(shop);
  publish(ctx, shop, "products/delete", productDeletePayload(id));
}

export function setInventory(ctx: StandInContext, domain: string, inventoryItemId: number, available: number): SVariant {
  const shop = shopOf(ctx, domain);
  const v = shop.byInventoryItem.get(inventoryItemId);
  if (!v) throw new HttpError(404, { errors: "Not Found" });
  v.inventoryQuantity = available;
  v.updatedAt = new Date();
  publish(ctx, shop, "inventory_levels/update", inventoryLevelPayload(shop, v));
  return v;
}
