import type { Deps } from "../platform/deps.ts";
import type { PlatformContext } from "../platform/use-case.ts";
import type { Difference } from "./reconcile.ts";

/** An accounting record as the finance console and API list it. */
export interface AccountingRecordRow {
  id: string;
  kind: string;
  sourceId: string;
  day: string;
  currency: string;
  amount: number;
  status: "pending" | "booked" | "needs_attention" | "parked";
  attempts: number;
  message: string | null;
  parkedReason: string | null;
  parkedUntil: Date | null;
  xeroDocumentId: string | null;
  xeroDocumentNumber: string | null;
  xeroPaymentId: string | null;
  stripeRef: string | null;
  bookedAt: Date | null;
  updatedAt: Date;
}

/** Reads for the finance console and API. */
export async function listRecords(ctx: PlatformContext, q: { status?: string; kind?: string; limit: number }): Promise<AccountingRecordRow[]> {
  return ctx.db.sql.query<AccountingRecordRow>(
    `SELECT id::text, kind, source_id AS "sourceId", to_char(day, 'YYYY-MM-DD') AS day, currency, amount, status::text, attempts, message,
            parked_reason AS "parkedReason", parked_until AS "parkedUntil", xero_document_id AS "xeroDocumentId", xero_document_number AS "xeroDocumentNumber",
            xero_payment_id AS "xeroPaymentId", stripe_ref AS "stripeRef", booked_at AS "bookedAt", updated_at AS "updatedAt"
     FROM accounting_record
     WHERE ($1::text IS NULL OR status::text = $1) AND ($2::text IS NULL OR kind = $2)
     ORDER BY updated_at DESC LIMIT $3`,
    [q.status ?? null, q.kind ?? null, q.limit],
  );
}

export interface ReconciliationDayRow {
  day: string;
  currency: string;
  reconciled: boolean;
  stripeNet: number;
  ledgerNet: number;
  xeroNet: number;
  differences: Difference[];
  runAt: string;
}

export async function listReconciliationDays(ctx: PlatformContext, q: { from?: string | undefined; to?: string | undefined }): Promise<ReconciliationDayRow[]> {
  return ctx.db.sql.query<ReconciliationDayRow>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, currency, reconciled, stripe_net AS "stripeNet", ledger_net AS "ledgerNet", xero_net AS "xeroNet", differences, run_at AS "runAt"
     FROM reconciliation_day WHERE ($1::date IS NULL OR day >= $1::date) AND ($2::date IS NULL OR day <= $2::date)
     ORDER BY day DESC, currency LIMIT 400`,
    [q.from ?? null, q.to ?? null],
  );
}

export interface FinanceOverview {
  currency: string;
  moneyIn: number;
  refunds: number;
  fees: number;
  owedToBrands: number;
  paidToBrands: number;
  commission: number;
  bookings: Record<string, number>;
  weeks: Array<{ week: string; moneyIn: number; refunds: number; paidToBrands: number }>;
}

/** Units whose commission the platform keeps: paid orders, not canceled, not refunded. */
const KEPT_UNIT = `u.currency = $1 AND u.status <> 'canceled'
  AND EXISTS (SELECT 1 FROM gift_order o WHERE o.id = u.order_id AND o.paid_at IS NOT NULL AND o.status NOT IN ('refunded', 'charged_back', 'canceled'))
  AND NOT EXISTS (SELECT 1 FROM refund f WHERE f.unit_id = u.id AND f.status = 'succeeded')`;
/** Units a brand has earned and not been paid for: shipped or delivered, in no paid payout. */
const OWED_UNIT = `u.currency = $1 AND u.status IN ('shipped', 'delivered')
  AND NOT EXISTS (SELECT 1 FROM payout_line l JOIN payout p ON p.id = l.payout_id WHERE l.unit_id = u.id AND p.status = 'paid')`;

/**
 * The overview's figures in the platform currency: money in (paid orders), refunds, Stripe's
 * fees, the commission frozen on kept units (paid, not canceled or refunded), what brands are
 * owed (the shares of shipped or delivered units in no paid payout), what they were paid (paid
 * payouts), and the last 8 weeks.
 */
export async function financeOverview(ctx: PlatformContext, deps: Pick<Deps, "config">): Promise<FinanceOverview> {
  const currency = deps.config.PLATFORM_CURRENCY;
  // Across every brand and buyer on purpose: the platform's totals.
  const [totals] = await ctx.db.sql.query<{ money_in: number; refunds: number; fees: number; paid: number; owed: number; commission: number }>(
    `SELECT
       COALESCE((SELECT sum(total_amount) FROM gift_order WHERE paid_at IS NOT NULL AND currency = $1), 0)::bigint AS money_in,
       COALESCE((SELECT sum(amount) FROM refund WHERE status = 'succeeded' AND currency = $1), 0)::bigint AS refunds,
       COALESCE((SELECT sum(amount) FROM accounting_record WHERE kind = 'stripe_fees' AND currency = $1), 0)::bigint AS fees,
       COALESCE((SELECT sum(amount) FROM payout WHERE status = 'paid' AND currency = $1), 0)::bigint AS paid,
       COALESCE((SELECT sum(COALESCE(u.brand_share_amount, 0)) FROM fulfillment_unit u WHERE ${OWED_UNIT}), 0)::bigint AS owed,
       COALESCE((SELECT sum(COALESCE(u.commission_amount, 0)) FROM fulfillment_unit u WHERE ${KEPT_UNIT}), 0)::bigint AS commission`,
    [currency],
  );
  const weeks = await ctx.db.sql.query<{ week: string; money_in: number; refunds: number; paid: number }>(
    `WITH w AS (SELECT generate_series(date_trunc('week', now()) - interval '7 weeks', date_trunc('week', now()), interval '1 week') AS week)
     SELECT to_char(w.week, 'YYYY-MM-DD') AS week,
       COALESCE((SELECT sum(total_amount) FROM gift_order o WHERE o.paid_at >= w.week AND o.paid_at < w.week + interval '1 week' AND o.currency = $1), 0)::bigint AS money_in,
       COALESCE((SELECT sum(amount) FROM refund f WHERE f.status = 'succeeded' AND f.updated_at >= w.week AND f.updated_at < w.week + interval '1 week' AND f.currency = $1), 0)::bigint AS refunds,
       COALESCE((SELECT sum(amount) FROM payout p WHERE p.status = 'paid' AND p.paid_at >= w.week AND p.paid_at < w.week + interval '1 week' AND p.currency = $1), 0)::bigint AS paid
     FROM w ORDER BY w.week`,
    [currency],
  );
  const counts = await ctx.db.sql.query<{ status: string; n: number }>(`SELECT status::text, count(*)::int AS n FROM accounting_record GROUP BY status`);
  const t = totals ?? { money_in: 0, refunds: 0, fees: 0, paid: 0, owed: 0, commission: 0 };
  const nonNegative = (n: unknown) => Math.max(0, Number(n));
  return {
    currency,
    moneyIn: nonNegative(t.money_in),
    refunds: nonNegative(t.refunds),
    fees: nonNegative(t.fees),
    owedToBrands: nonNegative(t.owed),
    paidToBrands: nonNegative(t.paid),
    commission: nonNegative(t.commission),
    bookings: Object.fromEntries(counts.map((c) => [c.status, c.n])),
    weeks: weeks.map((w) => ({ week: w.week, moneyIn: nonNegative(w.money_in), refunds: nonNegative(w.refunds), paidToBrands: nonNegative(w.paid) })),
  };
}

/** Payouts as booked in Xero, with the links to Stripe's transfers and Xero's bill. */
export async function listPayoutBookings(ctx: PlatformContext) {
  const rows = await ctx.db.sql.query<{ id: string; source_id: string; day: string; currency: string; amount: number; status: AccountingRecordRow["status"]; message: string | null; xero_document_id: string | null; xero_document_number: string | null; stripe_ref: string | null }>(
    `SELECT id::text, source_id, to_char(day, 'YYYY-MM-DD') AS day, currency, amount, status::text, message, xero_document_id, xero_document_number, stripe_ref
     FROM accounting_record WHERE kind = 'payout_bill' ORDER BY day DESC, created_at DESC LIMIT 500`,
  );
  return rows.map((r) => ({
    recordId: r.id,
    payoutId: r.source_id,
    day: r.day,
    currency: r.currency,
    amount: r.amount,
    status: r.status,
    message: r.message,
    reference: r.xero_document_number,
    xeroUrl: r.xero_document_id ? `https://go.xero.com/AccountsPayable/View.aspx?InvoiceID=${r.xero_document_id}` : null,
    transfers: (r.stripe_ref ?? "").split(",").filter(Boolean).map((id) => ({ id, url: `https://dashboard.stripe.com/connect/transfers/${id}` })),
  }));
}
