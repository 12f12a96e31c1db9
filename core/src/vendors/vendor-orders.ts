import type { SqlTx } from "../platform/db/connect.ts";
import type { VendorContext } from "../platform/use-case.ts";
import { orderOnHoldSql } from "../orders/order-hold.ts";

/**
 * Gift orders as a brand sees them: only the orders holding at least one of its gifts
 * (fulfillment units), and within them only its own units. Lists are single raw queries
 * (the Orders page can hold thousands of recipients), run as the brand (`ctx.db`): row-level
 * security shows them only its units, offers and variants, and of the orders and buyers only
 * those of orders holding its gifts, so the queries do not name the brand.
 */
export const UNIT_STATUSES = ["issued", "sent", "redeemed", "pushed", "shipped", "delivered", "expired", "canceled"] as const;
export type UnitStatus = (typeof UNIT_STATUSES)[number];

export interface OrderFilters {
  /** Orders with at least one unit in one of these statuses. */
  statuses?: UnitStatus[];
  /** Matches recipient name or email, buyer name or reference, or an order id prefix. */
  query?: string;
  page?: number;
  pageSize?: number;
}

export interface VendorOrderRow {
  id: string;
  createdAt: Date;
  orderStatus: string;
  buyerName: string;
  buyerReference: string | null;
  currency: string;
  /** This vendor's gifts in the order. */
  units: number;
  /**
   * The brand's share of its gifts in the order, net of the platform's commission (minor units;
   * frozen on each unit at payment, see payouts/money-model.ts; a unit paid before the money
   * model counts its full amount).
   */
  amount: number;
  statusCounts: Partial<Record<UnitStatus, number>>;
}

export interface Page<T> {
  rows: T[];
  total: number;
  page: number;
  pageSize: number;
  hasNext: boolean;
}

function likePattern(q: string | undefined): string | null {
  const t = q?.trim();
  if (!t) return null;
  return `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function cleanStatuses(s: readonly string[] | undefined): UnitStatus[] | null {
  const ok = (s ?? []).filter((x): x is UnitStatus => (UNIT_STATUSES as readonly string[]).includes(x));
  return ok.length ? ok : null;
}

/** Pages past this are empty anyway; it keeps the offset a number PostgreSQL takes. */
const MAX_PAGE = 100_000;

/** `v` as a whole number in [min, max]; NaN (a page "abc") is the default, ±Infinity the bound. */
function clampInt(v: number | undefined, fallback: number, min: number, max: number): number {
  if (v === undefined || Number.isNaN(v)) return fallback;
  return Math.min(Math.max(Math.trunc(v), min), max);
}

function paging(f: { page?: number; pageSize?: number }) {
  const pageSize = clampInt(f.pageSize, 25, 1, 100);
  const page = clampInt(f.page, 1, 1, MAX_PAGE);
  return { page, pageSize, offset: (page - 1) * pageSize };
}

export async function listVendorOrders(ctx: VendorContext, filters: OrderFilters = {}): Promise<Page<VendorOrderRow>> {
  return ctx.db.transaction((tx) => ordersPage(tx, filters));
}

async function ordersPage(tx: SqlTx, filters: OrderFilters): Promise<Page<VendorOrderRow>> {
  const { page, pageSize, offset } = paging(filters);
  const like = likePattern(filters.query);
  const rows = await tx.query<{
    id: string;
    created_at: string | Date;
    status: string;
    buyer_name: string;
    buyer_reference: string | null;
    currency: string;
    units: number;
    amount: string | number;
    status_counts: Record<string, number> | null;
    total: number;
  }>(
    `WITH matching AS (
       SELECT u.order_id
         FROM fulfillment_unit u
         JOIN gift_order o ON o.id = u.order_id
         JOIN buyer_org b ON b.id = o.buyer_org_id
        WHERE ($1::text[] IS NULL OR u.status::text = ANY($1::text[]))
          AND ($2::text IS NULL OR u.recipient_name ILIKE $2 OR u.recipient_email ILIKE $2
               OR b.name ILIKE $2 OR o.buyer_reference ILIKE $2 OR o.id::text LIKE lower(trim(both '%' from $2)) || '%')
        GROUP BY u.order_id
     ), page AS (
       SELECT o.id, o.created_at, o.status::text AS status, b.name AS buyer_name, o.buyer_reference, o.currency,
              count(*) OVER ()::int AS total
         FROM matching m
         JOIN gift_order o ON o.id = m.order_id
         JOIN buyer_org b ON b.id = o.buyer_org_id
        ORDER BY o.created_at DESC, o.id DESC
        LIMIT $3 OFFSET $4
     )
     SELECT p.id::text AS id, p.created_at, p.status, p.buyer_name, p.buyer_reference, p.currency, p.total,
            s.units, s.amount, s.status_counts
       FROM page p
       CROSS JOIN LATERAL (
         SELECT sum(n)::int AS units, sum(amount)::bigint AS amount, jsonb_object_agg(status, n) AS status_counts
           FROM (SELECT status::text AS status, count(*)::int AS n, sum(coalesce(brand_share_amount, amount)) AS amount
                   FROM fulfillment_unit WHERE order_id = p.id GROUP BY status) g
       ) s
      ORDER BY p.created_at DESC, p.id DESC`,
    [cleanStatuses(filters.statuses), like, pageSize, offset],
  );
  // A page past the end is empty: the first page says how many there are.
  const total = rows[0]?.total ?? (page > 1 ? (await ordersPage(tx, { ...filters, page: 1, pageSize: 1 })).total : 0);
  return {
    rows: rows.map((r) => ({
      id: r.id,
      createdAt: new Date(r.created_at),
      orderStatus: r.status,
      buyerName: r.buyer_name,
      buyerReference: r.buyer_reference,
      currency: r.currency,
      units: r.units,
      amount: Number(r.amount),
      statusCounts: (r.status_counts ?? {}) as Partial<Record<UnitStatus, number>>,
    })),
    total,
    page,
    pageSize,
    hasNext: offset + rows.length < total,
  };
}

export interface VendorUnitRow {
  id: string;
  recipientName: string;
  recipientEmail: string;
  offerName: string;
  status: UnitStatus;
  amount: number;
  currency: string;
  sentAt: Date | null;
  redeemedAt: Date | null;
  shippedAt: Date | null;
  expiresAt: Date;
  trackingNumber: string | null;
  pushError: string | null;
}

export interface VendorOrderDetail {
  /** `onHold`: the buyer's payment is disputed, so nothing of the order moves (orders/order-hold.ts). */
  order: Omit<VendorOrderRow, "statusCounts" | "units" | "amount"> & { recipientCount: number; senderName: string | null; onHold: boolean };
  /** Counts over all of this vendor's units in the order (not only the page). */
  statusCounts: Partial<Record<UnitStatus, number>>;
  units: Page<VendorUnitRow>;
}

/** One order's header and this vendor's units in it; undefined when the vendor has none there. */
export async function vendorOrder(ctx: VendorContext, orderId: string, filters: OrderFilters = {}): Promise<VendorOrderDetail | undefined> {
  if (!UUID.test(orderId)) return undefined;
  return ctx.db.transaction((tx) => orderDetail(tx, orderId, filters));
}

async function orderDetail(tx: SqlTx, orderId: string, filters: OrderFilters): Promise<VendorOrderDetail | undefined> {
  const { page, pageSize, offset } = paging({ pageSize: 50, ...filters });
  const [head] = await tx.query<{
    id: string;
    created_at: string | Date;
    status: string;
    buyer_name: string;
    buyer_reference: string | null;
    currency: string;
    recipient_count: number;
    sender_name: string | null;
    on_hold: boolean;
    status_counts: Record<string, number> | null;
  }>(
    `SELECT o.id::text AS id, o.created_at, o.status::text AS status, b.name AS buyer_name, o.buyer_reference,
            o.currency, o.recipient_count, o.sender_name, ${orderOnHoldSql("o")} AS on_hold,
            (SELECT jsonb_object_agg(status, n) FROM (
               SELECT status::text AS status, count(*)::int AS n FROM fulfillment_unit
                WHERE order_id = o.id GROUP BY status) g) AS status_counts
       FROM gift_order o JOIN buyer_org b ON b.id = o.buyer_org_id
      WHERE o.id = $1::uuid`,
    [orderId],
  );
  if (!head) return undefined;
  const like = likePattern(filters.query);
  const units = await tx.query<UnitSqlRow & { total: number }>(
    `SELECT ${UNIT_COLUMNS}, count(*) OVER ()::int AS total
       FROM fulfillment_unit u JOIN gift_offer f ON f.id = u.offer_id
      WHERE u.order_id = $1::uuid
        AND ($2::text[] IS NULL OR u.status::text = ANY($2::text[]))
        AND ($3::text IS NULL OR u.recipient_name ILIKE $3 OR u.recipient_email ILIKE $3)
      ORDER BY u.recipient_name, u.id
      LIMIT $4 OFFSET $5`,
    [orderId, cleanStatuses(filters.statuses), like, pageSize, offset],
  );
  const total = units[0]?.total ?? 0;
  return {
    order: {
      id: head.id,
      createdAt: new Date(head.created_at),
      orderStatus: head.status,
      buyerName: head.buyer_name,
      buyerReference: head.buyer_reference,
      currency: head.currency,
      recipientCount: head.recipient_count,
      senderName: head.sender_name,
      onHold: head.on_hold,
    },
    statusCounts: (head.status_counts ?? {}) as Partial<Record<UnitStatus, number>>,
    units: { rows: units.map(unitRow), total, page, pageSize, hasNext: offset + units.length < total },
  };
}

export interface VendorUnitDetail extends VendorUnitRow {
  orderId: string;
  buyerName: string;
  message: string | null;
  recipientPhone: string | null;
  shippingMethod: string;
  shippingAddress: Record<string, unknown> | null;
  chosen: { productTitle: string; variantTitle: string; sku: string | null; imageUrl: string | null } | null;
  shopifyOrderId: string | null;
  trackingCarrier: string | null;
  trackingUrl: string | null;
  deliveredAt: Date | null;
  operatorFlag: string | null;
  history: Array<{ from: string; to: string; at: Date; actor: string; reason: string | null }>;
}

/** One of this vendor's units with its recipient, choice, shipping and history. */
export async function vendorUnit(ctx: VendorContext, unitId: string): Promise<VendorUnitDetail | undefined> {
  if (!UUID.test(unitId)) return undefined;
  const [r] = await ctx.db.sql.query<
    UnitSqlRow & {
      order_id: string;
      buyer_name: string;
      message: string | null;
      recipient_phone: string | null;
      shipping_method: string;
      shipping_address: Record<string, unknown> | null;
      shopify_order_id: string | null;
      tracking_carrier: string | null;
      tracking_url: string | null;
      delivered_at: string | Date | null;
      operator_flag: string | null;
      product_title: string | null;
      variant_title: string | null;
      sku: string | null;
      image_url: string | null;
      history: Array<{ from: string; to: string; at: string; actor: string; reason: string | null }> | null;
    }
  >(
    `SELECT ${UNIT_COLUMNS}, u.order_id::text AS order_id, b.name AS buyer_name, u.message, u.recipient_phone,
            u.shipping_method, u.shipping_address, u.shopify_order_id, u.tracking_carrier, u.tracking_url,
            u.delivered_at, u.operator_flag,
            p.title AS product_title, v.title AS variant_title, v.sku,
            coalesce(v.image_url, (SELECT url FROM product_image WHERE product_id = p.id ORDER BY position LIMIT 1)) AS image_url,
            (SELECT jsonb_agg(jsonb_build_object('from', from_state, 'to', to_state, 'at', at, 'actor', actor, 'reason', reason) ORDER BY at, version)
               FROM state_transition WHERE entity = 'fulfillment_unit' AND entity_id = u.id) AS history
       FROM fulfillment_unit u
       JOIN gift_offer f ON f.id = u.offer_id
       JOIN gift_order o ON o.id = u.order_id
       JOIN buyer_org b ON b.id = o.buyer_org_id
       LEFT JOIN variant v ON v.id = u.chosen_variant_id
       LEFT JOIN product p ON p.id = v.product_id
      WHERE u.id = $1::uuid`,
    [unitId],
  );
  if (!r) return undefined;
  return {
    ...unitRow(r),
    orderId: r.order_id,
    buyerName: r.buyer_name,
    message: r.message,
    recipientPhone: r.recipient_phone,
    shippingMethod: r.shipping_method,
    shippingAddress: r.shipping_address,
    chosen: r.product_title
      ? { productTitle: r.product_title, variantTitle: r.variant_title ?? "", sku: r.sku, imageUrl: r.image_url }
      : null,
    shopifyOrderId: r.shopify_order_id,
    trackingCarrier: r.tracking_carrier,
    trackingUrl: r.tracking_url,
    deliveredAt: date(r.delivered_at),
    operatorFlag: r.operator_flag,
    history: (r.history ?? []).map((h) => ({ ...h, at: new Date(h.at) })),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const UNIT_COLUMNS = `u.id::text AS id, u.recipient_name, u.recipient_email, f.name AS offer_name, u.status::text AS status,
  coalesce(u.brand_share_amount, u.amount) AS amount, u.currency, u.sent_at, u.redeemed_at, u.shipped_at, u.expires_at, u.tracking_number, u.push_error`;

interface UnitSqlRow {
  id: string;
  recipient_name: string;
  recipient_email: string;
  offer_name: string;
  status: UnitStatus;
  amount: number;
  currency: string;
  sent_at: string | Date | null;
  redeemed_at: string | Date | null;
  shipped_at: string | Date | null;
  expires_at: string | Date;
  tracking_number: string | null;
  push_error: string | null;
}

function date(v: string | Date | null): Date | null {
  return v === null ? null : new Date(v);
}

function unitRow(r: UnitSqlRow): VendorUnitRow {
  return {
    id: r.id,
    recipientName: r.recipient_name,
    recipientEmail: r.recipient_email,
    offerName: r.offer_name,
    status: r.status,
    amount: Number(r.amount),
    currency: r.currency,
    sentAt: date(r.sent_at),
    redeemedAt: date(r.redeemed_at),
    shippedAt: date(r.shipped_at),
    expiresAt: new Date(r.expires_at),
    trackingNumber: r.tracking_number,
    pushError: r.push_error,
  };
}
