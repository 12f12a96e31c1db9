import type { Deps } from "../platform/deps.ts";
import type { VendorContext } from "../platform/use-case.ts";
import type { ImportError } from "./catalog.import.ts";

/**
 * Read side of the catalog for the admin Catalog page. Every statement is bound to the
 * vendor: another vendor's product ids simply match nothing.
 */

export interface CatalogProduct {
  id: string;
  shopifyId: string;
  title: string;
  handle: string;
  productType: string;
  brand: string;
  status: string;
  tags: string[];
  giftable: boolean;
  imageUrl: string | null;
  variantCount: number;
  /** Units available to gift: on hand minus reserved, over tracked variants (untracked count as in stock). */
  stock: number;
  inStock: boolean;
  minPrice: number | null;
  maxPrice: number | null;
  currency: string | null;
}

/** Which of the brand's products: the Catalog page's search and filters. */
export interface ProductFilter {
  /** Matches title or handle (case-insensitive substring). */
  query?: string | undefined;
  giftable?: boolean | undefined;
  inStock?: boolean | undefined;
  productType?: string | undefined;
}

export interface ListProductsOptions extends ProductFilter {
  cursor?: string | null;
  /** Page size, 1..100 (default 50). */
  limit?: number;
}

export interface ProductPage {
  items: CatalogProduct[];
  nextCursor: string | null;
  /** Products matching the filters (all pages). */
  total: number;
}

export class CatalogQueryError extends Error {
  override name = "CatalogQueryError";
  constructor(
    readonly code: "invalid_cursor" | "invalid_limit",
    message: string,
  ) {
    super(message);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function decodeCursor(cursor: string): { t: string; id: string } {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { t?: unknown; id?: unknown };
    if (typeof v.t === "string" && typeof v.id === "string" && UUID.test(v.id)) return { t: v.t, id: v.id };
  } catch {
    /* fall through */
  }
  throw new CatalogQueryError("invalid_cursor", "cursor is not one this API returned");
}

/** The WHERE clause (over `product p`) and its parameters ($1 = the vendor) of a catalog filter. */
function productFilter(vendorId: string, opts: ProductFilter): { where: string; params: unknown[] } {
  const where: string[] = ["p.vendor_id = $1", "p.deleted_at IS NULL"];
  const params: unknown[] = [vendorId];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replaceAll("?", `$${params.length}`));
  };
  if (opts.query?.trim()) add("(p.title ILIKE ? OR p.handle ILIKE ?)", `%${opts.query.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (opts.giftable !== undefined) add("p.giftable = ?", opts.giftable);
  if (opts.productType) add("p.product_type = ?", opts.productType);
  // In stock: some live variant is untracked or has units left (an EXISTS, so neither the
  // count nor the page aggregates variants of products that are not shown).
  if (opts.inStock !== undefined) {
    where.push(
      `${opts.inStock ? "" : "NOT "}EXISTS (SELECT 1 FROM variant v WHERE v.product_id = p.id AND v.deleted_at IS NULL AND (NOT v.inventory_tracked OR v.inventory_quantity - v.inventory_reserved > 0))`,
    );
  }
  return { where: where.join(" AND "), params };
}

/**
 * A page of the brand's catalog. Read with the process's handle, the statements naming the
 * brand themselves: the page's search (ILIKE) and keyset (`lower(title)`) are not leakproof,
 * so under the tenant role's row-level security PostgreSQL may not use them in index scans
 * ahead of the policy (`admin.page_data.catalog.p95` in `npm run bench -- catalog`).
 */
export async function listProducts(ctx: VendorContext, deps: Pick<Deps, "db">, opts: ListProductsOptions = {}): Promise<ProductPage> {
  const limit = opts.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new CatalogQueryError("invalid_limit", "limit must be between 1 and 100");
  const { where: filtered, params } = productFilter(ctx.tenant.vendorId, opts);
  const stats = `
    LEFT JOIN LATERAL (
      SELECT count(*)::int AS variant_count,
             COALESCE(sum(GREATEST(v.inventory_quantity - v.inventory_reserved, 0)) FILTER (WHERE v.inventory_tracked), 0)::int AS stock,
             bool_or(NOT v.inventory_tracked OR v.inventory_quantity - v.inventory_reserved > 0) AS in_stock,
             min(v.price_amount) AS min_price, max(v.price_amount) AS max_price, min(v.currency) AS currency
      FROM variant v WHERE v.product_id = p.id AND v.deleted_at IS NULL
    ) s ON true`;
  const pageParams = [...params];
  let keyset = "";
  if (opts.cursor) {
    const c = decodeCursor(opts.cursor);
    pageParams.push(c.t, c.id);
    keyset = ` AND (lower(p.title), p.id) > ($${pageParams.length - 1}, $${pageParams.length}::uuid)`;
  }
  pageParams.push(limit + 1);
  const countRows = await deps.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM product p WHERE ${filtered}`, params);
  const rows = await deps.db.sql.query<{
    id: string;
    shopify_id: string;
    title: string;
    handle: string;
    product_type: string;
    brand: string;
    status: string;
    tags: string[];
    giftable: boolean;
    image_url: string | null;
    variant_count: number;
    stock: number;
    in_stock: boolean | null;
    min_price: number | null;
    max_price: number | null;
    currency: string | null;
    sort_title: string;
  }>(
    `SELECT p.id::text AS id, p.shopify_id, p.title, p.handle, p.product_type, p.brand, p.status, p.tags, p.giftable,
            (SELECT i.url FROM product_image i WHERE i.product_id = p.id ORDER BY i.position LIMIT 1) AS image_url,
            COALESCE(s.variant_count, 0) AS variant_count, COALESCE(s.stock, 0) AS stock, s.in_stock,
            s.min_price, s.max_price, s.currency, lower(p.title) AS sort_title
     FROM (SELECT p.* FROM product p WHERE ${filtered}${keyset} ORDER BY lower(p.title), p.id LIMIT $${pageParams.length}) p ${stats}
     ORDER BY lower(p.title), p.id`,
    pageParams,
  );
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    total: countRows[0]?.n ?? 0,
    nextCursor: more && last ? Buffer.from(JSON.stringify({ t: last.sort_title, id: last.id })).toString("base64url") : null,
    items: page.map((r) => ({
      id: r.id,
      shopifyId: r.shopify_id,
      title: r.title,
      handle: r.handle,
      productType: r.product_type,
      brand: r.brand,
      status: r.status,
      tags: r.tags,
      giftable: r.giftable,
      imageUrl: r.image_url,
      variantCount: r.variant_count,
      stock: r.stock,
      inStock: r.in_stock === true,
      minPrice: r.min_price,
      maxPrice: r.max_price,
      currency: r.currency ? r.currency.trim() : null,
    })),
  };
}

/** Marks the brand's products giftable or not; ids of other brands (or unknown) are ignored. Answers how many changed. */
export async function setProductsGiftable(ctx: VendorContext, productIds: string[], giftable: boolean): Promise<{ updated: number }> {
  const { vendorId } = ctx.tenant;
  const ids = [...new Set(productIds)].filter((id) => UUID.test(id));
  if (!ids.length) return { updated: 0 };
  const updated = await ctx.db.transaction((tx) =>
    tx.execute(
      `UPDATE product SET giftable = $3, updated_at = now() WHERE vendor_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL AND giftable <> $3`,
      [vendorId, ids, giftable],
    ),
  );
  return { updated };
}

/**
 * Marks every product of the vendor matching `filter` giftable or not (the Catalog page's
 * "select all products in this filter"), in one statement. Returns how many changed.
 */
export async function setGiftableMatching(ctx: VendorContext, filter: ProductFilter, giftable: boolean): Promise<{ updated: number }> {
  const { where, params } = productFilter(ctx.tenant.vendorId, filter);
  const updated = await ctx.db.transaction((tx) =>
    tx.execute(`UPDATE product p SET giftable = $${params.length + 1}, updated_at = now() WHERE ${where} AND p.giftable <> $${params.length + 1}`, [...params, giftable]),
  );
  return { updated };
}

/** A product as the offer form shows it: how to tell it apart, and its variants to choose from. */
export interface OfferableProduct {
  id: string;
  shopifyId: string;
  title: string;
  handle: string;
  /** Shopify's product "vendor" field. */
  brand: string;
  imageUrl: string | null;
  giftable: boolean;
  variants: Array<{ id: string; shopifyId: string; title: string; giftable: boolean; available: number | null }>;
}

/**
 * The vendor's products by our ids or by Shopify's (what App Bridge's resource picker
 * returns), with their live variants in Shopify's order; unknown and deleted ones are left
 * out.
 */
export async function offerableProducts(ctx: VendorContext, by: { ids?: string[]; shopifyIds?: string[] }): Promise<OfferableProduct[]> {
  const ids = (by.ids ?? []).filter((id) => UUID.test(id));
  const shopifyIds = (by.shopifyIds ?? []).filter((id) => /^gid:\/\/shopify\/Product\/\d+$/.test(id));
  if (!ids.length && !shopifyIds.length) return [];
  const rows = await ctx.db.sql.query<{
    id: string;
    shopify_id: string;
    title: string;
    handle: string;
    brand: string;
    giftable: boolean;
    image_url: string | null;
    variants: OfferableProduct["variants"];
  }>(
    `SELECT p.id::text AS id, p.shopify_id, p.title, p.handle, p.brand, p.giftable,
            (SELECT i.url FROM product_image i WHERE i.product_id = p.id ORDER BY i.position LIMIT 1) AS image_url,
            COALESCE((SELECT jsonb_agg(jsonb_build_object(
                       'id', v.id::text, 'shopifyId', v.shopify_id, 'title', v.title, 'giftable', v.giftable,
                       'available', CASE WHEN v.inventory_tracked THEN GREATEST(v.inventory_quantity - v.inventory_reserved, 0) END)
                     ORDER BY v.created_at, v.title)
                      FROM variant v WHERE v.product_id = p.id AND v.deleted_at IS NULL), '[]'::jsonb) AS variants
     FROM product p
     WHERE p.vendor_id = $1::uuid AND p.deleted_at IS NULL AND (p.id = ANY($2::uuid[]) OR p.shopify_id = ANY($3::text[]))
     ORDER BY lower(p.title), p.id`,
    [ctx.tenant.vendorId, ids, shopifyIds],
  );
  return rows.map((r) => ({ id: r.id, shopifyId: r.shopify_id, title: r.title, handle: r.handle, brand: r.brand, imageUrl: r.image_url, giftable: r.giftable, variants: r.variants }));
}

export interface CatalogSyncView {
  id: string;
  status: "pending" | "running" | "completed" | "failed";
  startedAt: Date;
  finishedAt: Date | null;
  /** Objects in Shopify's bulk result (products, variants and images); 0 until it is known. */
  objectCount: number;
  productsSynced: number;
  variantsSynced: number;
  /** 0..1 for a progress bar. */
  progress: number;
  errors: ImportError[];
  errorMessage: string | null;
}

/** The vendor's most recent sync, or null before the first. */
export async function latestSync(ctx: VendorContext): Promise<CatalogSyncView | null> {
  const s = await ctx.db.prisma.catalogSync.findFirst({ orderBy: { startedAt: "desc" } });
  if (!s) return null;
  const imported = s.productsSynced + s.variantsSynced;
  const progress = s.status === "completed" ? 1 : s.objectCount > 0 ? Math.min(0.99, imported / s.objectCount) : 0;
  return {
    id: s.id,
    status: s.status,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    objectCount: s.objectCount,
    productsSynced: s.productsSynced,
    variantsSynced: s.variantsSynced,
    progress,
    errors: (s.errors ?? []) as unknown as ImportError[],
    errorMessage: s.errorMessage,
  };
}
