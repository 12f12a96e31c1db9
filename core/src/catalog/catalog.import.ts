import type { Deps } from "../platform/deps.ts";
import { upsertProducts, upsertVariants, type ProductRecord, type VariantRecord } from "./catalog.mirror.ts";
import { decimalToMinor } from "../platform/money.ts";

/**
 * Imports a bulk query result (see CATALOG_BULK_QUERY) into the mirror, streaming: lines are
 * parsed one by one and written in batches of products (a few multi-row statements each).
 * A line that is not valid JSON, or lacks what the mirror needs, is skipped and reported as
 * `{ line, reason }`; every good line is kept. Progress is written to the sync row after each
 * batch. Children may come after their parent at any distance (Shopify only promises
 * "after"), so a child whose product was written in an earlier batch still finds it.
 */

export interface ImportError {
  line: number;
  reason: string;
}

export interface ImportOutcome {
  products: number;
  variants: number;
  errors: ImportError[];
  /** Shopify ids seen in the file (also from broken lines whose id could be read). */
  seenProducts: Set<string>;
  seenVariants: Set<string>;
  /** Broken lines whose object could not be identified: a full-sync delete would be unsafe. */
  unidentified: number;
}

const MAX_REPORTED_ERRORS = 500;
const BATCH_PRODUCTS = 1000;

type Json = Record<string, unknown>;

export async function importBulkLines(
  deps: Pick<Deps, "db">,
  args: { vendorId: string; currency: string; syncId: string },
  lines: AsyncIterable<{ line: number; text: string }>,
): Promise<ImportOutcome> {
  const out: ImportOutcome = { products: 0, variants: 0, errors: [], seenProducts: new Set(), seenVariants: new Set(), unidentified: 0 };
  let errorCount = 0;
  const fail = (line: number, reason: string) => {
    errorCount++;
    if (out.errors.length < MAX_REPORTED_ERRORS) out.errors.push({ line, reason });
  };
  /** Products in the current batch, by Shopify id. */
  let batch = new Map<string, ProductRecord>();
  /** Products already written: Shopify id -> mirror id (or null when the stored row was newer). */
  const done = new Map<string, string | null>();
  /** Children whose product was written in an earlier batch. */
  let late: Array<{ parent: string; variant?: VariantRecord; image?: ProductRecord["images"][number] }> = [];

  async function flush(): Promise<void> {
    const products = [...batch.values()];
    const lateVariants = late.filter((l) => l.variant);
    const lateImages = late.filter((l) => l.image);
    batch = new Map();
    late = [];
    if (!products.length && !lateVariants.length && !lateImages.length) return;
    await deps.db.transaction(async (tx) => {
      const r = await upsertProducts(tx, args.vendorId, args.currency, products, { strict: false, replaceVariants: false });
      for (const p of products) done.set(p.shopifyId, r.written.get(p.shopifyId) ?? null);
      out.products += r.written.size;
      out.variants += r.variants;
      if (lateVariants.length || lateImages.length) {
        // Children of products from earlier batches: append to those products.
        const extra = new Map<string, ProductRecord>();
        for (const l of [...lateVariants, ...lateImages]) {
          const id = done.get(l.parent);
          if (!id) continue; // stale product: leave its children alone
          const p: Pick<ProductRecord, "shopifyId" | "variants" | "images"> = extra.get(l.parent) ?? { shopifyId: l.parent, variants: [], images: [] };
          if (l.variant) p.variants.push(l.variant);
          if (l.image) p.images.push(l.image);
          extra.set(l.parent, p as ProductRecord);
        }
        out.variants += await appendChildren(tx, args, extra, done);
      }
      await tx.execute(`UPDATE catalog_sync SET products_synced = $2, variants_synced = $3 WHERE id = $1`, [args.syncId, out.products, out.variants]);
    });
  }

  for await (const { line, text } of lines) {
    let obj: Json;
    try {
      obj = JSON.parse(text) as Json;
      if (!obj || typeof obj !== "object" || Array.isArray(obj)) throw new Error("not an object");
    } catch (e) {
      const id = /"id"\s*:\s*"(gid:\/\/shopify\/(Product|ProductVariant|MediaImage)\/\d+)"/.exec(text);
      if (id?.[2] === "Product") out.seenProducts.add(id[1]!);
      else if (id?.[2] === "ProductVariant") out.seenVariants.add(id[1]!);
      else if (!id) out.unidentified++;
      fail(line, `invalid JSON: ${(e as Error).message}`);
      continue;
    }
    const id = typeof obj.id === "string" ? obj.id : "";
    const type = /^gid:\/\/shopify\/([A-Za-z]+)\//.exec(id)?.[1];
    try {
      if (type === "Product") {
        if (batch.size >= BATCH_PRODUCTS) await flush();
        const rec = productRecord(obj);
        out.seenProducts.add(id);
        batch.set(id, rec);
      } else if (type === "ProductVariant") {
        const parent = String(obj.__parentId ?? "");
        out.seenVariants.add(id);
        const v = variantRecord(obj, args.currency);
        const p = batch.get(parent);
        if (p) p.variants.push(v);
        else if (done.has(parent)) late.push({ parent, variant: v });
        else fail(line, `variant ${id} has no product ${parent || "(no __parentId)"} before it in the file`);
      } else if (type === "MediaImage" || type === "ProductImage") {
        const parent = String(obj.__parentId ?? "");
        const image = imageRecord(obj);
        if (!image) continue; // media that is not an image (video, 3D): not mirrored
        const p = batch.get(parent);
        if (p) p.images.push(image);
        else if (done.has(parent)) late.push({ parent, image });
        else fail(line, `image ${id} has no product ${parent || "(no __parentId)"} before it in the file`);
      } else {
        fail(line, id ? `unexpected object ${id}` : "object without an id");
      }
    } catch (e) {
      fail(line, (e as Error).message);
    }
  }
  await flush();
  if (errorCount > out.errors.length) out.errors.push({ line: 0, reason: `${errorCount - out.errors.length} more lines were skipped` });
  return out;
}

/** Adds variants/images found after their product's batch was written. */
async function appendChildren(
  tx: Parameters<Parameters<Deps["db"]["transaction"]>[0]>[0],
  args: { vendorId: string; currency: string },
  extra: Map<string, ProductRecord>,
  done: Map<string, string | null>,
): Promise<number> {
  const vs = [...extra.values()].flatMap((p) => p.variants.map((v) => ({ pid: done.get(p.shopifyId)!, ...v })));
  await upsertVariants(tx, args.vendorId, args.currency, vs);
  const imgs = [...extra.values()].flatMap((p) => p.images.map((i) => ({ pid: done.get(p.shopifyId)!, ...i })));
  if (imgs.length) {
    await tx.execute(
      `INSERT INTO product_image (id, product_id, shopify_id, url, alt_text, width, height, position)
       SELECT gen_random_uuid(), s.pid, s.shopify_id, s.url, s.alt_text, s.width, s.height,
              (SELECT COALESCE(max(position), 0) FROM product_image WHERE product_id = s.pid) + s.n
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::int[]) AS s(pid, shopify_id, url, alt_text, width, height, n)`,
      [imgs.map((i) => i.pid), imgs.map((i) => i.shopifyId), imgs.map((i) => i.url), imgs.map((i) => i.altText), imgs.map((i) => i.width), imgs.map((i) => i.height), imgs.map((_, n) => n + 1)],
    );
  }
  return vs.length;
}

function str(o: Json, key: string, required = true): string {
  const v = o[key];
  if (typeof v === "string") return v;
  if (v == null && !required) return "";
  throw new Error(`${String(o.id ?? "object")}: ${key} is missing or not a string`);
}

function productRecord(o: Json): ProductRecord {
  const options = Array.isArray(o.options) ? (o.options as Json[]) : [];
  return {
    shopifyId: str(o, "id"),
    title: str(o, "title"),
    handle: str(o, "handle"),
    descriptionHtml: str(o, "descriptionHtml", false),
    productType: str(o, "productType", false),
    brand: str(o, "vendor", false),
    status: str(o, "status", false).toLowerCase() || "active",
    tags: Array.isArray(o.tags) ? o.tags.map(String) : [],
    updatedAt: isoDate(o.updatedAt, "updatedAt"),
    options: options.map((x, i) => ({ name: String(x.name), position: Number(x.position ?? i + 1), values: Array.isArray(x.values) ? x.values.map(String) : [] })),
    images: [],
    variants: [],
  };
}

function variantRecord(o: Json, currency: string): VariantRecord {
  const item = (o.inventoryItem ?? null) as Json | null;
  const image = (o.image ?? null) as Json | null;
  if (typeof o.price !== "string") throw new Error(`${String(o.id)}: price is missing`);
  return {
    shopifyId: str(o, "id"),
    title: str(o, "title"),
    sku: typeof o.sku === "string" && o.sku ? o.sku : null,
    priceAmount: decimalToMinor(o.price, currency),
    selectedOptions: Array.isArray(o.selectedOptions) ? (o.selectedOptions as Json[]).map((s) => ({ name: String(s.name), value: String(s.value) })) : [],
    imageUrl: image && typeof image.url === "string" ? image.url : null,
    inventoryItemId: item && typeof item.id === "string" ? item.id : null,
    inventoryTracked: item ? item.tracked !== false : true,
    inventoryQuantity: Number.isInteger(o.inventoryQuantity) ? (o.inventoryQuantity as number) : 0,
    updatedAt: isoDate(o.updatedAt, "updatedAt"),
  };
}

function imageRecord(o: Json): ProductRecord["images"][number] | undefined {
  const image = (o.image ?? (typeof o.url === "string" ? o : null)) as Json | null;
  if (!image || typeof image.url !== "string") return undefined;
  return {
    shopifyId: typeof o.id === "string" ? o.id : null,
    url: image.url,
    altText: typeof image.altText === "string" ? image.altText : typeof o.alt === "string" ? o.alt : null,
    width: Number.isInteger(image.width) ? (image.width as number) : null,
    height: Number.isInteger(image.height) ? (image.height as number) : null,
  };
}

function isoDate(v: unknown, key: string): string {
  if (typeof v !== "string" || Number.isNaN(Date.parse(v))) throw new Error(`${key} is missing or not a date`);
  return v;
}
