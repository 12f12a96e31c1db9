import type { SqlTx } from "../platform/db/connect.ts";

/**
 * Writes to the catalog mirror (product, variant, product_option, product_image) in a few
 * multi-row statements per batch, for both the bulk import and webhooks. Shopify's
 * `updatedAt` decides: a product whose stored `shopify_updated_at` is newer than the incoming
 * one is left alone (a stale webhook or an old snapshot changes nothing), and so are its
 * variants, options and images. The brand's `giftable` choices and inventory reservations
 * are never overwritten.
 */

export interface ProductRecord {
  shopifyId: string;
  title: string;
  handle: string;
  descriptionHtml: string;
  productType: string;
  brand: string;
  status: string;
  tags: string[];
  updatedAt: string;
  options: Array<{ name: string; position: number; values: string[] }>;
  images: Array<{ shopifyId: string | null; url: string; altText: string | null; width: number | null; height: number | null }>;
  variants: VariantRecord[];
}

export interface VariantRecord {
  shopifyId: string;
  title: string;
  sku: string | null;
  priceAmount: number;
  selectedOptions: Array<{ name: string; value: string }>;
  imageUrl: string | null;
  inventoryItemId: string | null;
  inventoryTracked: boolean;
  inventoryQuantity: number;
  updatedAt: string;
}

export interface UpsertResult {
  /** shopifyId -> mirror id, for the products that were written (not stale). */
  written: Map<string, string>;
  variants: number;
}

/**
 * Upserts products with their variants, options and images. `strict`: the incoming product
 * must be strictly newer than the stored one (webhooks: a redelivery with the same
 * timestamp changes nothing); otherwise newer or equal (a full sync refreshes).
 * `replaceVariants`: variants of a written product that are not in the record are soft-deleted
 * (webhooks carry the whole product; the bulk import does this once at the end instead).
 */
export async function upsertProducts(
  tx: SqlTx,
  vendorId: string,
  currency: string,
  products: ProductRecord[],
  opts: { strict: boolean; replaceVariants: boolean },
): Promise<UpsertResult> {
  const written = new Map<string, string>();
  if (products.length === 0) return { written, variants: 0 };
  const cmp = opts.strict ? "<" : "<=";
  const rows = await tx.query<{ id: string; shopify_id: string }>(
    `INSERT INTO product (id, vendor_id, shopify_id, title, handle, description_html, product_type, brand, status, tags, shopify_updated_at, deleted_at, created_at, updated_at)
     SELECT gen_random_uuid(), $1::uuid, s.shopify_id, s.title, s.handle, s.description_html, s.product_type, s.brand, s.status,
            ARRAY(SELECT jsonb_array_elements_text(s.tags)), s.shopify_updated_at, NULL, now(), now()
     FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[], $10::timestamptz[])
          AS s(shopify_id, title, handle, description_html, product_type, brand, status, tags, shopify_updated_at)
     ON CONFLICT (vendor_id, shopify_id) DO UPDATE SET
       title = EXCLUDED.title, handle = EXCLUDED.handle, description_html = EXCLUDED.description_html,
       product_type = EXCLUDED.product_type, brand = EXCLUDED.brand, status = EXCLUDED.status, tags = EXCLUDED.tags,
       shopify_updated_at = EXCLUDED.shopify_updated_at, deleted_at = NULL, updated_at = now()
     WHERE product.shopify_updated_at IS NULL OR product.shopify_updated_at ${cmp} EXCLUDED.shopify_updated_at
     RETURNING id::text AS id, shopify_id`,
    [
      vendorId,
      products.map((p) => p.shopifyId),
      products.map((p) => p.title),
      products.map((p) => p.handle),
      products.map((p) => p.descriptionHtml),
      products.map((p) => p.productType),
      products.map((p) => p.brand),
      products.map((p) => p.status),
      products.map((p) => JSON.stringify(p.tags)),
      products.map((p) => p.updatedAt),
    ],
  );
  for (const r of rows) written.set(r.shopify_id, r.id);
  if (written.size === 0) return { written, variants: 0 };
  const fresh = products.filter((p) => written.has(p.shopifyId));
  const productIds = fresh.map((p) => written.get(p.shopifyId)!);

  // Options and images: replaced as a whole for each written product.
  await tx.execute(`DELETE FROM product_option WHERE product_id = ANY($1::uuid[])`, [productIds]);
  await tx.execute(`DELETE FROM product_image WHERE product_id = ANY($1::uuid[])`, [productIds]);
  const opt = fresh.flatMap((p) => p.options.map((o) => ({ pid: written.get(p.shopifyId)!, ...o })));
  if (opt.length) {
    await tx.execute(
      `INSERT INTO product_option (id, product_id, name, position, "values")
       SELECT gen_random_uuid(), s.pid, s.name, s.position, ARRAY(SELECT jsonb_array_elements_text(s.vals))
       FROM unnest($1::uuid[], $2::text[], $3::int[], $4::jsonb[]) AS s(pid, name, position, vals)
       ON CONFLICT (product_id, name) DO NOTHING`,
      [opt.map((o) => o.pid), opt.map((o) => o.name), opt.map((o) => o.position), opt.map((o) => JSON.stringify(o.values))],
    );
  }
  const img = fresh.flatMap((p) => p.images.map((i, n) => ({ pid: written.get(p.shopifyId)!, position: n + 1, ...i })));
  if (img.length) {
    await tx.execute(
      `INSERT INTO product_image (id, product_id, shopify_id, url, alt_text, width, height, position)
       SELECT gen_random_uuid(), s.pid, s.shopify_id, s.url, s.alt_text, s.width, s.height, s.position
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::int[]) AS s(pid, shopify_id, url, alt_text, width, height, position)`,
      [
        img.map((i) => i.pid),
        img.map((i) => i.shopifyId),
        img.map((i) => i.url),
        img.map((i) => i.altText),
        img.map((i) => i.width),
        img.map((i) => i.height),
        img.map((i) => i.position),
      ],
    );
  }

  const vs = fresh.flatMap((p) => p.variants.map((v) => ({ pid: written.get(p.shopifyId)!, ...v })));
  await upsertVariants(tx, vendorId, currency, vs);
  if (opts.replaceVariants) {
    await tx.execute(
      `UPDATE variant v SET deleted_at = now(), updated_at = now()
       FROM unnest($2::uuid[]) AS p(id)
       WHERE v.vendor_id = $1 AND v.product_id = p.id AND v.deleted_at IS NULL AND NOT (v.shopify_id = ANY($3::text[]))`,
      [vendorId, productIds, vs.map((v) => v.shopifyId)],
    );
  }
  return { written, variants: vs.length };
}

/** Inserts or refreshes variants (each with its product's mirror id) in one statement. */
export async function upsertVariants(tx: SqlTx, vendorId: string, currency: string, vs: Array<VariantRecord & { pid: string }>): Promise<void> {
  if (vs.length === 0) return;
  await tx.execute(
    `INSERT INTO variant (id, vendor_id, product_id, shopify_id, inventory_item_id, title, sku, price_amount, currency, selected_options,
                          image_url, inventory_tracked, inventory_quantity, shopify_updated_at, deleted_at, created_at, updated_at)
     SELECT gen_random_uuid(), $1::uuid, s.pid, s.shopify_id, s.inventory_item_id, s.title, s.sku, s.price, $2, s.selected_options,
            s.image_url, s.tracked, s.qty, s.shopify_updated_at, NULL, now(), now()
     FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::jsonb[], $10::text[], $11::bool[], $12::int[], $13::timestamptz[])
          AS s(pid, shopify_id, inventory_item_id, title, sku, price, selected_options, image_url, tracked, qty, shopify_updated_at)
     ON CONFLICT (vendor_id, shopify_id) DO UPDATE SET
       product_id = EXCLUDED.product_id, inventory_item_id = EXCLUDED.inventory_item_id, title = EXCLUDED.title, sku = EXCLUDED.sku,
       price_amount = EXCLUDED.price_amount, currency = EXCLUDED.currency, selected_options = EXCLUDED.selected_options,
       image_url = EXCLUDED.image_url, inventory_tracked = EXCLUDED.inventory_tracked, inventory_quantity = EXCLUDED.inventory_quantity,
       shopify_updated_at = EXCLUDED.shopify_updated_at, deleted_at = NULL, updated_at = now()`,
    [
      vendorId,
      currency,
      vs.map((v) => v.pid),
      vs.map((v) => v.shopifyId),
      vs.map((v) => v.inventoryItemId),
      vs.map((v) => v.title),
      vs.map((v) => v.sku),
      vs.map((v) => v.priceAmount),
      vs.map((v) => JSON.stringify(v.selectedOptions)),
      vs.map((v) => v.imageUrl),
      vs.map((v) => v.inventoryTracked),
      vs.map((v) => v.inventoryQuantity),
      vs.map((v) => v.updatedAt),
    ],
  );
}
