import type { Deps } from "../platform/deps.ts";
import { jobInsertSql } from "../jobs/queue.ts";
import type { PayoutForBooking, PayoutSource, ReversalForBooking } from "./book-payouts.ts";
import { BOOK_JOB } from "./records.ts";

/**
 * What booking reads of the payouts module's records (read only; the payouts module owns
 * them): a paid payout with its lines (unit, order, item and variant, SKU, the brand's share)
 * and confirmed transfers; an adjustment taken back from a brand, either reversed at Stripe or
 * deducted from a later payout ("applied").
 */
export const sqlPayoutSource: PayoutSource = {
  async payout(deps, payoutId) {
    const [p] = await deps.db.sql.query<{ id: string; vendor_id: string; vendor_name: string; vendor_email: string | null; currency: string; amount: number; day: string | null; status: string }>(
      `SELECT p.id::text, p.vendor_id::text, v.name AS vendor_name, COALESCE(v.email, v.shop_email) AS vendor_email, p.currency, p.amount,
              to_char(p.paid_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, p.status::text
       FROM payout p JOIN vendor v ON v.id = p.vendor_id WHERE p.id = $1::uuid`,
      [payoutId],
    );
    if (!p || p.status !== "paid" || !p.day) return null;
    const lines = await deps.db.sql.query<{ unit_id: string; order_id: string; recipient: string; product: string | null; variant: string | null; sku: string | null; offer: string; amount: number }>(
      `SELECT l.unit_id::text, l.order_id::text, u.recipient_name AS recipient, pr.title AS product, va.title AS variant, va.sku, o.name AS offer, l.share_amount AS amount
       FROM payout_line l
       JOIN fulfillment_unit u ON u.id = l.unit_id
       JOIN gift_offer o ON o.id = u.offer_id
       LEFT JOIN variant va ON va.id = u.chosen_variant_id
       LEFT JOIN product pr ON pr.id = va.product_id
       WHERE l.payout_id = $1::uuid ORDER BY l.order_id, l.unit_id`,
      [payoutId],
    );
    const transfers = await deps.db.sql.query<{ id: string }>(
      `SELECT stripe_transfer_id AS id FROM payout_transfer WHERE payout_id = $1::uuid AND stripe_transfer_id IS NOT NULL ORDER BY stripe_transfer_id`,
      [payoutId],
    );
    return {
      id: p.id,
      reference: `GL-P-${p.id}`,
      vendorId: p.vendor_id,
      vendorName: p.vendor_name,
      vendorEmail: p.vendor_email,
      currency: p.currency,
      total: p.amount,
      paidDay: p.day,
      transferIds: transfers.map((t) => t.id),
      lines: lines.map((l) => ({
        unitId: l.unit_id,
        orderId: l.order_id,
        gift: `Gift to ${initials(l.recipient)}`,
        item: l.product ?? l.offer,
        variant: l.variant && l.variant !== "Default Title" ? l.variant : null,
        sku: l.sku,
        amount: l.amount,
      })),
    } satisfies PayoutForBooking;
  },
  async reversal(deps, adjustmentId) {
    const [a] = await deps.db.sql.query<{ id: string; vendor_id: string; vendor_name: string; currency: string; amount: number; reason: string; unit_id: string | null; payout_id: string | null; applied_payout_id: string | null; status: string; trr: string | null; day: string }>(
      `SELECT a.id::text, a.vendor_id::text, v.name AS vendor_name, a.currency, a.amount, a.reason, a.unit_id::text, a.payout_id::text, a.applied_payout_id::text,
              a.status, a.stripe_reversal_id AS trr, to_char(a.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day
       FROM payout_adjustment a JOIN vendor v ON v.id = a.vendor_id WHERE a.id = $1::uuid`,
      [adjustmentId],
    );
    if (!a) return null;
    const reversed = a.status === "reversed";
    const payoutId = reversed ? a.payout_id : a.applied_payout_id;
    if (!payoutId || (!reversed && a.status !== "applied")) return null;
    return {
      id: a.id,
      payoutId,
      reference: `GL-PA-${a.id}`,
      vendorId: a.vendor_id,
      vendorName: a.vendor_name,
      currency: a.currency,
      amount: -a.amount,
      day: a.day,
      description: `${a.reason}${a.unit_id ? ` · unit ${a.unit_id}` : ""}${reversed ? " · transfer reversed" : " · deducted from a later payout"}`,
      stripeRef: reversed ? a.trr : null,
    } satisfies ReversalForBooking;
  },
};

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return parts.length > 1 ? `${parts[0]} ${parts[parts.length - 1]?.[0] ?? ""}.` : (parts[0] ?? "recipient");
}

const enqueue = (from: string) =>
  jobInsertSql(BOOK_JOB, { from, payload: `jsonb_build_object('recordId', ${from}.id::text)`, key: `'accounting.book:' || ${from}.id::text || ':' || ${from}.generation::text` });

/**
 * Records (with their jobs) for payouts newly paid and adjustments newly reversed at Stripe or
 * applied to a paid payout. Returns how many were new.
 */
export async function syncPayoutRecords(deps: Deps): Promise<number> {
  const bills = await deps.db.sql.execute(
    `WITH new AS (
       INSERT INTO accounting_record (id, kind, source_id, day, currency, amount, stripe_ref, updated_at)
       SELECT gen_random_uuid(), 'payout_bill', p.id::text, (p.paid_at AT TIME ZONE 'UTC')::date, p.currency, p.amount,
              (SELECT string_agg(t.stripe_transfer_id, ',' ORDER BY t.stripe_transfer_id) FROM payout_transfer t WHERE t.payout_id = p.id AND t.stripe_transfer_id IS NOT NULL), now()
       FROM payout p
       WHERE p.status = 'paid' AND p.paid_at IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM accounting_record r WHERE r.kind = 'payout_bill' AND r.source_id = p.id::text)
       ON CONFLICT (kind, source_id) DO NOTHING
       RETURNING id, generation
     ) ${enqueue("new")}`,
  );
  const reversals = await deps.db.sql.execute(
    `WITH new AS (
       INSERT INTO accounting_record (id, kind, source_id, day, currency, amount, stripe_ref, updated_at)
       SELECT gen_random_uuid(), 'payout_reversal', a.id::text, (a.updated_at AT TIME ZONE 'UTC')::date, a.currency, -a.amount,
              CASE WHEN a.status = 'reversed' THEN a.stripe_reversal_id END, now()
       FROM payout_adjustment a
       LEFT JOIN payout ap ON ap.id = a.applied_payout_id
       WHERE (a.status = 'reversed' OR (a.status = 'applied' AND ap.status = 'paid'))
         AND NOT EXISTS (SELECT 1 FROM accounting_record r WHERE r.kind = 'payout_reversal' AND r.source_id = a.id::text)
       ON CONFLICT (kind, source_id) DO NOTHING
       RETURNING id, generation
     ) ${enqueue("new")}`,
  );
  return bills + reversals;
}
