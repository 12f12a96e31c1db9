import type { Database } from "../platform/db/connect.ts";
import type { TxSql } from "../platform/lifecycle/lifecycle.ts";

/**
 * An order is on hold while a dispute of its payment is open (payments/disputes.ts): the
 * money may be taken back, so nothing more leaves for it. No gift email is sent, no gift is
 * redeemed, no Shopify order is created, nothing expires and nothing is refunded (Stripe
 * refuses refunds of a charged-back payment) until the dispute closes.
 */

/** SQL: the order `o` (an alias of gift_order) is on hold. */
export const orderOnHoldSql = (o: string) => `(${o}.disputed_at IS NOT NULL AND ${o}.dispute_closed_at IS NULL)`;

/** SQL: the order of the unit `u` (an alias of fulfillment_unit, or a row with its order_id) is on hold. */
export const unitOrderOnHoldSql = (u: string) => `EXISTS (SELECT 1 FROM gift_order o WHERE o.id = ${u}.order_id AND ${orderOnHoldSql("o")})`;

/** The same rule for an order row already read. */
export const isOnHold = (o: { disputedAt: Date | null; disputeClosedAt: Date | null }) => o.disputedAt !== null && o.disputeClosedAt === null;

/**
 * Whether the order is on hold, read under a share lock on its row: a dispute closing in a
 * concurrent transaction (which updates the row first) is waited for, so a job that finds
 * the order on hold knows the release has not yet looked for what the hold kept back.
 */
export async function orderOnHoldNow(db: Database, orderId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx.query(`SELECT 1 FROM gift_order o WHERE o.id = $1::uuid AND ${orderOnHoldSql("o")} FOR SHARE`, [orderId]);
    return rows.length > 0;
  });
}

export interface DisputeState {
  disputeId: string;
  status: string;
  /** The disputed amount, when Stripe says it (otherwise the one recorded stays). */
  amount: number | null;
  /** A new dispute of the order: its time is recorded as the hold's start. */
  opening: boolean;
  /** The dispute is still open (the order stays on hold); otherwise it closes now. */
  open: boolean;
}

/** Records Stripe's word on the order's dispute, in the caller's transaction (which locked the order). */
export async function recordOrderDispute(tx: TxSql, orderId: string, d: DisputeState): Promise<void> {
  await tx.$executeRawUnsafe(
    `UPDATE gift_order SET disputed_at = CASE WHEN $5 THEN now() ELSE disputed_at END, stripe_dispute_id = $2, dispute_status = $3,
            dispute_amount = COALESCE($4, dispute_amount), dispute_closed_at = CASE WHEN $6 THEN NULL ELSE now() END, updated_at = now()
     WHERE id = $1::uuid`,
    orderId,
    d.disputeId,
    d.status,
    d.amount,
    d.opening,
    d.open,
  );
}
