import type { Database } from "../platform/db/connect.ts";
import { toCsv } from "../platform/csv.ts";
import type { VendorContext } from "../platform/use-case.ts";
import { payableUnitsSql, SHIPPED_STATUSES } from "./settlement.ts";
import { vendorSettings } from "./settings.ts";
import type { PayoutStatus } from "./payout-lifecycle.ts";

/**
 * What a brand sees of its payouts (the embedded app's Payouts page and `/v1/vendor/payouts`).
 * Every read goes through `ctx.db`, bound to the brand: row-level security shows its SQL only
 * the brand's units, orders' gifts, payouts, adjustments and settings, so the queries name no
 * brand, and another brand's payout reads as unknown. Amounts are the brand's shares
 * (item + shipping − commission), per currency.
 */

export interface CurrencySummary {
  currency: string;
  /** Gifts redeemed and waiting for the brand to ship. */
  pendingMinor: number;
  /** Shipped, inside the settlement window (or on hold for a dispute). */
  settlingMinor: number;
  /** Settled and not yet paid (including payouts on their way), less adjustments owed back. */
  payableMinor: number;
  /** In paid payouts, less reversals. */
  paidMinor: number;
  /** The platform's commission on the gifts above. */
  commissionMinor: number;
  nextPayoutAt: string;
  earningsByWeek: Array<{ weekStart: string; shareMinor: number }>;
}

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** When the next scheduled run starts: the scheduler's periods are multiples of the schedule since the epoch. */
export function nextScheduledRun(scheduleDays: number, now: Date): Date {
  const every = scheduleDays * 24 * 60 * 60 * 1000;
  return new Date((Math.floor(now.getTime() / every) + 1) * every);
}

export async function payoutSummary(ctx: VendorContext, now = new Date()): Promise<{ currencies: CurrencySummary[] }> {
  const { settings, rows, weeks } = await ctx.db.transaction(async (tx) => {
    const settings = await vendorSettings(ctx, tx);
    const rows = await tx.query<{ currency: string; pending: string; settling: string; payable: string; paid: string; commission: string }>(
      `WITH pay AS (${payableUnitsSql({ asOf: "$1::timestamptz", days: "$2::int" })}),
       units AS (
         SELECT u.currency, u.status::text AS status, u.brand_share_amount AS share, u.commission_amount AS commission,
                pl.id IS NOT NULL AS in_payout, p.status::text AS payout_status, pay.id IS NOT NULL AS payable
         FROM fulfillment_unit u
         LEFT JOIN payout_line pl ON pl.unit_id = u.id
         LEFT JOIN payout p ON p.id = pl.payout_id
         LEFT JOIN pay ON pay.id = u.id
         WHERE u.brand_share_amount IS NOT NULL
           AND (u.status IN ('redeemed', 'pushed') OR u.status IN ${SHIPPED_STATUSES} OR pl.id IS NOT NULL)
           AND (pl.id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM refund rf WHERE rf.unit_id = u.id AND rf.status IN ('pending', 'succeeded')))
       ), adj AS (
         SELECT a.currency,
                sum(a.amount) FILTER (WHERE a.status IN ('pending', 'carried')) AS owed,
                sum(a.amount) FILTER (WHERE a.status = 'reversed' OR (a.status = 'applied' AND ap.status = 'paid')) AS taken,
                sum(a.amount) FILTER (WHERE a.status = 'applied' AND ap.status <> 'paid') AS applying
         FROM payout_adjustment a LEFT JOIN payout ap ON ap.id = a.applied_payout_id
         GROUP BY a.currency
       ), per AS (
         SELECT currency,
                coalesce(sum(share) FILTER (WHERE status IN ('redeemed', 'pushed') AND NOT in_payout), 0) AS pending,
                coalesce(sum(share) FILTER (WHERE status IN ${SHIPPED_STATUSES} AND NOT in_payout AND NOT payable), 0) AS settling,
                coalesce(sum(share) FILTER (WHERE payable OR (in_payout AND payout_status <> 'paid')), 0) AS payable,
                coalesce(sum(share) FILTER (WHERE in_payout AND payout_status = 'paid'), 0) AS paid,
                coalesce(sum(commission), 0) AS commission
         FROM units GROUP BY currency
       )
       SELECT coalesce(per.currency, adj.currency) AS currency,
              coalesce(per.pending, 0)::text AS pending, coalesce(per.settling, 0)::text AS settling,
              (coalesce(per.payable, 0) + coalesce(adj.owed, 0) + coalesce(adj.applying, 0))::text AS payable,
              (coalesce(per.paid, 0) + coalesce(adj.taken, 0))::text AS paid,
              coalesce(per.commission, 0)::text AS commission
       FROM per FULL JOIN adj ON adj.currency = per.currency
       ORDER BY 1`,
      [now.toISOString(), settings.settlementDays],
    );
    const weeks = await tx.query<{ currency: string; week: Date | string; share: string }>(
      `SELECT u.currency, date_trunc('week', u.shipped_at AT TIME ZONE 'UTC') AS week, sum(u.brand_share_amount)::text AS share
       FROM fulfillment_unit u
       WHERE u.status IN ${SHIPPED_STATUSES} AND u.brand_share_amount IS NOT NULL
         AND u.shipped_at >= $1::timestamptz
         AND NOT EXISTS (SELECT 1 FROM refund rf WHERE rf.unit_id = u.id AND rf.status IN ('pending', 'succeeded'))
       GROUP BY 1, 2 ORDER BY 2`,
      [new Date(now.getTime() - 26 * WEEK_MS).toISOString()],
    );
    return { settings, rows, weeks };
  });
  const next = nextScheduledRun(settings.scheduleDays, now).toISOString();
  return {
    currencies: rows.map((r) => ({
      currency: r.currency,
      pendingMinor: Number(r.pending),
      settlingMinor: Number(r.settling),
      payableMinor: Number(r.payable),
      paidMinor: Number(r.paid),
      commissionMinor: Number(r.commission),
      nextPayoutAt: next,
      earningsByWeek: weeks
        .filter((w) => w.currency === r.currency)
        .map((w) => ({ weekStart: `${isoDate(w.week)}`, shareMinor: Number(w.share) })),
    })),
  };
}

function isoDate(d: Date | string): string {
  // `timestamp without time zone` comes back as a local-time Date from pg and as UTC from PGlite.
  if (typeof d === "string") return d.slice(0, 10);
  const local = new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 10);
}

export interface PayoutListItem {
  id: string;
  status: PayoutStatus;
  currency: string;
  amountMinor: number;
  lineCount: number;
  createdAt: string;
  paidAt: string | null;
  failureReason: string | null;
}

export class PayoutCursorError extends Error {
  override name = "PayoutCursorError";
}

const PAGE = 50;
const encodeCursor = (t: string, id: string) => Buffer.from(JSON.stringify({ t, id })).toString("base64url");
function decodeCursor(cursor: string): { t: string; id: string } {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { t?: unknown; id?: unknown };
    if (typeof v.t === "string" && !Number.isNaN(Date.parse(v.t)) && typeof v.id === "string" && /^[0-9a-f-]{36}$/.test(v.id)) return { t: v.t, id: v.id };
  } catch {
    // falls through
  }
  throw new PayoutCursorError("cursor is not one this API returned");
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** The brand's payouts, newest first, 50 a page. */
export async function listVendorPayouts(ctx: VendorContext, cursor?: string | null): Promise<{ payouts: PayoutListItem[]; nextCursor: string | null }> {
  const c = cursor ? decodeCursor(cursor) : null;
  const rows = await ctx.db.sql.query<{
    id: string; status: PayoutStatus; currency: string; amount: number; line_count: number; created_at: Date; paid_at: Date | null; failure_reason: string | null;
  }>(
    `SELECT id::text, status::text AS status, currency, amount, line_count, created_at, paid_at, failure_reason
     FROM payout ${c ? "WHERE (created_at, id) < ($1::timestamptz, $2::uuid)" : ""}
     ORDER BY created_at DESC, id DESC LIMIT ${PAGE + 1}`,
    c ? [c.t, c.id] : [],
  );
  const page = rows.slice(0, PAGE);
  const last = page[page.length - 1];
  return {
    payouts: page.map((r) => ({
      id: r.id,
      status: r.status,
      currency: r.currency,
      amountMinor: r.amount,
      lineCount: r.line_count,
      createdAt: iso(r.created_at)!,
      paidAt: iso(r.paid_at),
      failureReason: r.failure_reason,
    })),
    nextCursor: rows.length > PAGE && last ? encodeCursor(iso(last.created_at)!, last.id) : null,
  };
}

export interface PayoutDetail {
  id: string;
  status: PayoutStatus;
  currency: string;
  amountMinor: number;
  lines: Array<{
    unitId: string;
    orderId: string;
    orderNumber: string | null;
    recipientFirstName: string;
    itemTitle: string | null;
    variantTitle: string | null;
    sku: string | null;
    shareMinor: number;
    commissionMinor: number;
  }>;
  transfers: Array<{ orderId: string; stripeTransferId: string | null; amountMinor: number; status: string }>;
  adjustments: Array<{ id: string; amountMinor: number; reason: string; createdAt: string; status: string }>;
  transitions: Array<{ from: string; to: string; at: string; actor: string; reason: string | null }>;
}

export const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? "";

/** One payout of the brand with its lines, transfers, adjustments and history; undefined when it is not the brand's. */
export function getVendorPayout(ctx: VendorContext, payoutId: string): Promise<PayoutDetail | undefined> {
  return payoutDetail(ctx.db, payoutId);
}

/**
 * A payout's detail as `db` sees it, in one transaction: through a brand's bound handle
 * (`getVendorPayout`) another brand's payout is not found; platform staff pass the process
 * handle, which sees every brand's (operator-payouts.ts).
 */
export async function payoutDetail(db: Pick<Database, "transaction">, payoutId: string): Promise<PayoutDetail | undefined> {
  const read = await db.transaction(async (tx) => {
    const [p] = await tx.query<{ id: string; vendor_id: string; status: PayoutStatus; currency: string; amount: number }>(
      "SELECT id::text, vendor_id::text, status::text AS status, currency, amount FROM payout WHERE id = $1::uuid",
      [payoutId],
    );
    if (!p) return undefined;
    const lines = await tx.query<{
      unit_id: string; order_id: string; shopify_order_id: string | null; recipient_name: string; item_title: string | null;
      variant_title: string | null; sku: string | null; share_amount: number; commission_amount: number;
    }>(
      `SELECT l.unit_id::text, l.order_id::text, u.shopify_order_id, u.recipient_name, pr.title AS item_title, v.title AS variant_title, v.sku,
              l.share_amount, l.commission_amount
       FROM payout_line l
       JOIN fulfillment_unit u ON u.id = l.unit_id
       LEFT JOIN variant v ON v.id = u.chosen_variant_id AND v.vendor_id = u.vendor_id
       LEFT JOIN product pr ON pr.id = v.product_id
       WHERE l.payout_id = $1::uuid ORDER BY l.order_id, u.recipient_name, l.unit_id`,
      [payoutId],
    );
    const transfers = await tx.query<{ order_id: string; stripe_transfer_id: string | null; amount: number; status: string }>(
      "SELECT order_id::text, stripe_transfer_id, amount, status FROM payout_transfer WHERE payout_id = $1::uuid ORDER BY created_at, order_id",
      [payoutId],
    );
    // The payout's brand is named for the plan: payout_id has no index, and (vendor_id, status)
    // narrows the search to the brand's adjustments (row-level security adds the same
    // condition through a brand's handle, nothing does through the process handle).
    const adjustments = await tx.query<{ id: string; amount: number; reason: string; created_at: Date; status: string }>(
      `SELECT id::text, amount, reason, created_at, status FROM payout_adjustment
       WHERE vendor_id = $2::uuid AND (applied_payout_id = $1::uuid OR payout_id = $1::uuid) ORDER BY created_at, id`,
      [payoutId, p.vendor_id],
    );
    const transitions = await tx.query<{ from_state: string; to_state: string; at: Date; actor: string; reason: string | null }>(
      "SELECT from_state, to_state, at, actor, reason FROM state_transition WHERE entity = 'payout' AND entity_id = $1::uuid ORDER BY at, version",
      [payoutId],
    );
    return { p, lines, transfers, adjustments, transitions };
  });
  if (!read) return undefined;
  const { p, lines, transfers, adjustments, transitions } = read;
  return {
    id: p.id,
    status: p.status,
    currency: p.currency,
    amountMinor: p.amount,
    lines: lines.map((l) => ({
      unitId: l.unit_id,
      orderId: l.order_id,
      orderNumber: l.shopify_order_id ? (/(\d+)$/.exec(l.shopify_order_id)?.[1] ?? null) : null,
      recipientFirstName: firstName(l.recipient_name),
      itemTitle: l.item_title,
      variantTitle: l.variant_title,
      sku: l.sku,
      shareMinor: l.share_amount,
      commissionMinor: l.commission_amount,
    })),
    transfers: transfers.map((t) => ({ orderId: t.order_id, stripeTransferId: t.stripe_transfer_id, amountMinor: t.amount, status: t.status })),
    adjustments: adjustments.map((a) => ({ id: a.id, amountMinor: a.amount, reason: a.reason, createdAt: iso(a.created_at)!, status: a.status })),
    transitions: transitions.map((t) => ({ from: t.from_state, to: t.to_state, at: iso(t.at)!, actor: t.actor, reason: t.reason })),
  };
}

/** The payout's lines as CSV (the one CSV writer); undefined when it is not the brand's. */
export async function vendorPayoutLinesCsv(ctx: VendorContext, payoutId: string): Promise<string | undefined> {
  const p = await getVendorPayout(ctx, payoutId);
  if (!p) return undefined;
  return toCsv(
    ["payout_id", "currency", "unit_id", "order_id", "shopify_order", "recipient_first_name", "item", "variant", "sku", "share_minor", "commission_minor"],
    p.lines.map((l) => [p.id, p.currency, l.unitId, l.orderId, l.orderNumber, l.recipientFirstName, l.itemTitle, l.variantTitle, l.sku, l.shareMinor, l.commissionMinor]),
  );
}
