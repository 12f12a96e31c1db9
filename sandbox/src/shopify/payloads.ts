import { decimal, type SProduct, type SVariant } from "./catalog.ts";
import { gid, type BulkOperation, type ShopState } from "./state.ts";

// Webhook payloads in Shopify's REST-style JSON (webhooks keep the REST resource shape even
// for GraphQL apps): snake_case, numeric ids plus admin_graphql_api_id, money as decimal
// strings, tags as one comma-separated string.

function variantPayload(p: SProduct, v: SVariant) {
  const opt = (i: number) => v.selectedOptions[i]?.value ?? null;
  return {
    admin_graphql_api_id: gid("ProductVariant", v.id),
    id: v.id,
    product_id: p.id,
    title: v.title,
    price: decimal(v.price),
    compare_at_price: v.compareAtPrice === null ? null : decimal(v.compareAtPrice),
    sku: v.sku,
    position: v.position,
    inventory_policy: "deny",
    option1: opt(0),
    option2: opt(1),
    option3: opt(2),
    created_at: v.createdAt.toISOString(),
    updated_at: v.updatedAt.toISOString(),
    taxable: true,
    barcode: null,
    fulfillment_service: "manual",
    inventory_management: v.tracked ? "shopify" : null,
    requires_shipping: true,
    inventory_item_id: v.inventoryItemId,
    inventory_quantity: v.inventoryQuantity,
    old_inventory_quantity: v.inventoryQuantity,
    image_id: v.imageId,
  };
}

export function productPayload(p: SProduct, baseUrl: string) {
  const images = p.images.map((img, i) => ({
    id: img.id,
    alt: img.altText,
    position: i + 1,
    product_id: p.id,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
    admin_graphql_api_id: gid("ProductImage", img.id),
    width: img.width,
    height: img.height,
    src: `${baseUrl}${img.path}`,
    variant_ids: p.variants.filter((v) => v.imageId === img.id).map((v) => v.id),
  }));
  return {
    admin_graphql_api_id: gid("Product", p.id),
    body_html: p.descriptionHtml,
    created_at: p.createdAt.toISOString(),
    handle: p.handle,
    id: p.id,
    product_type: p.productType,
    published_at: p.status === "ACTIVE" ? p.createdAt.toISOString() : null,
    template_suffix: null,
    title: p.title,
    updated_at: p.updatedAt.toISOString(),
    vendor: p.vendor,
    status: p.status.toLowerCase(),
    published_scope: "global",
    tags: p.tags.join(", "),
    variants: p.variants.map((v) => variantPayload(p, v)),
    options: p.options.map((o) => ({ name: o.name, id: o.id, product_id: p.id, position: o.position, values: o.values })),
    images,
    image: images[0] ?? null,
    media: images.map((i) => ({ id: i.id, product_id: p.id, position: i.position, alt: i.alt, media_content_type: "IMAGE" })),
    variant_gids: p.variants.map((v) => ({ admin_graphql_api_id: gid("ProductVariant", v.id), updated_at: v.updatedAt.toISOString() })),
  };
}

export function productDeletePayload(id: number) {
  return { id };
}

export function inventoryLevelPayload(shop: ShopState, v: SVariant) {
  return {
    inventory_item_id: v.inventoryItemId,
    location_id: shop.locationId,
    available: v.inventoryQuantity,
    updated_at: v.updatedAt.toISOString(),
    admin_graphql_api_id: `gid://shopify/InventoryLevel/${shop.locationId}?inventory_item_id=${v.inventoryItemId}`,
  };
}

export function bulkFinishPayload(op: BulkOperation) {
  return {
    admin_graphql_api_id: gid("BulkOperation", op.id),
    completed_at: op.completedAt?.toISOString() ?? null,
    created_at: op.createdAt.toISOString(),
    error_code: op.errorCode?.toLowerCase() ?? null,
    status: op.status.toLowerCase(),
    type: "query",
  };
}
