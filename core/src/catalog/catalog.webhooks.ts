import type { Deps } from "../platform/deps.ts";
import type { ShopifyTopicHandler } from "../webhooks/shopify-topic-registry.ts";
import { upsertProducts, type ProductRecord } from "./catalog.mirror.ts";
import { onBulkOperationFinished } from "./catalog.sync.ts";
import { decimalToMinor } from "../platform/money.ts";

/**
 * Webhooks that keep the mirror current after the first sync. Payloads are Shopify's REST
 * resource shapes. A products/update older than what the mirror holds (Shopify does not
 * order deliveries) changes nothing; so does a redelivery.
 */

type Json = Record<string, unknown>;

async function vendorOf(deps: Pick<Deps, "db">, shop: string): Promise<{ id: string; currency: string } | undefined> {
  const rows = await deps.db.sql.query<{ id: string; currency: string }>(
    `SELECT id::text AS id, currency FROM vendor WHERE shop_domain = $1 AND uninstalled_at IS NULL`,
    [shop],
  );
  return rows[0];
}

const gid = (type: string, v: unknown) => (typeof v === "string" && v.startsWith("gid://") ? v : `gid://shopify/${type}/${String(v)}`);

/** The mirror's record of a REST product payload. */
export function productFromRest(p: Json, currency: string): ProductRecord {
  if (p.id == null || typeof p.title !== "string" || typeof p.updated_at !== "string") throw new Error("products webhook without id, title or updated_at");
  const options = (Array.isArray(p.options) ? p.options : []) as Json[];
  const images = (Array.isArray(p.images) ? p.images : []) as Json[];
  const imageById = new Map(images.map((i) => [String(i.id), String(i.src)]));
  const variants = (Array.isArray(p.variants) ? p.variants : []) as Json[];
  const productGid = gid("Product", p.admin_graphql_api_id ?? p.id);
  return {
    shopifyId: productGid,
    title: p.title,
    handle: String(p.handle ?? ""),
    descriptionHtml: String(p.body_html ?? ""),
    productType: String(p.product_type ?? ""),
    brand: String(p.vendor ?? ""),
    status: String(p.status ?? "active").toLowerCase(),
    tags: typeof p.tags === "string" ? p.tags.split(",").map((t) => t.trim()).filter(Boolean) : Array.isArray(p.tags) ? p.tags.map(String) : [],
    updatedAt: p.updated_at,
    options: options.map((o, i) => ({ name: String(o.name), position: Number(o.position ?? i + 1), values: Array.isArray(o.values) ? o.values.map(String) : [] })),
    images: images.map((i) => ({
      shopifyId: gid("ProductImage", i.admin_graphql_api_id ?? i.id),
      url: String(i.src),
      altText: typeof i.alt === "string" ? i.alt : null,
      width: Number.isInteger(i.width) ? (i.width as number) : null,
      height: Number.isInteger(i.height) ? (i.height as number) : null,
    })),
    variants: variants.map((v) => ({
      shopifyId: gid("ProductVariant", v.admin_graphql_api_id ?? v.id),
      title: String(v.title ?? ""),
      sku: typeof v.sku === "string" && v.sku ? v.sku : null,
      priceAmount: decimalToMinor(String(v.price), currency),
      selectedOptions: [v.option1, v.option2, v.option3]
        .map((value, i) => (value == null ? undefined : { name: String(options[i]?.name ?? `Option${i + 1}`), value: String(value) }))
        .filter((x): x is { name: string; value: string } => x !== undefined),
      imageUrl: v.image_id != null ? (imageById.get(String(v.image_id)) ?? null) : null,
      inventoryItemId: v.inventory_item_id != null ? gid("InventoryItem", v.inventory_item_id) : null,
      inventoryTracked: v.inventory_management != null,
      inventoryQuantity: Number.isInteger(v.inventory_quantity) ? (v.inventory_quantity as number) : 0,
      updatedAt: typeof v.updated_at === "string" ? v.updated_at : (p.updated_at as string),
    })),
  };
}

const productChanged: ShopifyTopicHandler = async (deps, event, { log }) => {
  const vendor = await vendorOf(deps, event.shop);
  if (!vendor) return log.info({ shop: event.shop, topic: event.topic }, "products webhook for a shop without an installed vendor; ignored");
  const record = productFromRest(event.payload as Json, vendor.currency);
  const r = await deps.db.transaction((tx) => upsertProducts(tx, vendor.id, vendor.currency, [record], { strict: true, replaceVariants: true }));
  if (r.written.size === 0) log.debug({ product: record.shopifyId, updatedAt: record.updatedAt }, "stale products webhook; mirror unchanged");
};

const productDeleted: ShopifyTopicHandler = async (deps, event) => {
  const vendor = await vendorOf(deps, event.shop);
  const id = (event.payload as Json).id;
  if (!vendor || id == null) return;
  const shopifyId = gid("Product", id);
  await deps.db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string }>(
      `UPDATE product SET deleted_at = now(), updated_at = now() WHERE vendor_id = $1 AND shopify_id = $2 AND deleted_at IS NULL RETURNING id::text AS id`,
      [vendor.id, shopifyId],
    );
    if (rows[0]) await tx.execute(`UPDATE variant SET deleted_at = now(), updated_at = now() WHERE product_id = $1 AND deleted_at IS NULL`, [rows[0].id]);
  });
};

/**
 * Stock per inventory item. The mirror keeps one quantity per variant (the shop's single
 * fulfilment location, as in the sandbox); `available` replaces it.
 */
const inventoryLevelChanged: ShopifyTopicHandler = async (deps, event) => {
  const vendor = await vendorOf(deps, event.shop);
  const p = event.payload as Json;
  if (!vendor || p.inventory_item_id == null || !Number.isInteger(p.available)) return;
  await deps.db.sql.query(
    `UPDATE variant SET inventory_quantity = $3, updated_at = now() WHERE vendor_id = $1 AND inventory_item_id = $2 AND inventory_quantity IS DISTINCT FROM $3`,
    [vendor.id, gid("InventoryItem", p.inventory_item_id), p.available],
  );
};

const bulkFinished: ShopifyTopicHandler = async (deps, event) => {
  await onBulkOperationFinished(deps, event.shop, event.payload as { admin_graphql_api_id?: string; status?: string; error_code?: string | null });
};

export const catalogWebhookHandlers: Record<string, ShopifyTopicHandler> = {
  "products/create": productChanged,
  "products/update": productChanged,
  "products/delete": productDeleted,
  "inventory_levels/update": inventoryLevelChanged,
  "bulk_operations/finish": bulkFinished,
};
