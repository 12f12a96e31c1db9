import type { Database } from "../platform/db/connect.ts";

/**
 * An order is on hold while a dispute of its payment is open (payments/disputes.ts): the
 * money may be taken back, so nothing more leaves for it. No gift email is sent, no gift is
 * redeemed, no Shopify order is created, nothing expires and nothing is refunded (Stripe
 * refuses refunds of a charged-back payment) until the dispute closes.
 */

/** SQL: the order `o` (an alias of gift_order) is on hold. */
export const orderOnHoldSql = (o: string) => `(${o}.disputed_at IS NOT NULL AND ${o}.dispute_closed_at IS NULL)`;

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
