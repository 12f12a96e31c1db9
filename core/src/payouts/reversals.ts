import { z } from "zod";
import { defineJob } from "../jobs/registry.ts";
import type { Deps } from "../platform/deps.ts";
import type { TxSql } from "../platform/lifecycle/lifecycle.ts";
import { TransferRefused } from "../integrations/stripe/transfers.ts";

/**
 * A unit the brand was paid for whose Shopify order was then canceled or refunded (the brand
 * did not ship it after all): its share is taken back. An adjustment record (one per unit,
 * negative) is written in the transaction that cancels the unit, and a job reverses that
 * share of the order's transfer (`transfer_reversal`, idempotency key from the adjustment).
 * If Stripe refuses (the brand's Stripe balance is short), the adjustment is carried: the
 * brand's next payout in the currency deducts it, visibly (run.ts). A unit not paid yet
 * needs nothing: canceled, it is never payable.
 */
export async function takeBackCanceledUnit(deps: Pick<Deps, "jobs">, tx: TxSql, unitId: string, reason: string): Promise<string | undefined> {
  const [line] = await tx.$queryRawUnsafe<Array<{ payout_id: string; vendor_id: string; currency: string; share_amount: number; transfer_id: string | null }>>(
    `SELECT l.payout_id::text, p.vendor_id::text, p.currency, l.share_amount, t.id::text AS transfer_id
     FROM payout_line l JOIN payout p ON p.id = l.payout_id
     LEFT JOIN payout_transfer t ON t.payout_id = l.payout_id AND t.order_id = l.order_id
     WHERE l.unit_id = $1::uuid`,
    unitId,
  );
  if (!line) return undefined;
  const [adj] = await tx.$queryRawUnsafe<Array<{ id: string }>>(
    `INSERT INTO payout_adjustment (id, vendor_id, currency, amount, reason, unit_id, payout_id, transfer_id, status)
     VALUES (gen_random_uuid(), $1::uuid, $2, $3, $4, $5::uuid, $6::uuid, $7::uuid, 'pending')
     ON CONFLICT (unit_id) DO NOTHING RETURNING id::text`,
    line.vendor_id,
    line.currency,
    -line.share_amount,
    reason,
    unitId,
    line.payout_id,
    line.transfer_id,
  );
  if (!adj) return undefined;
  await deps.jobs.enqueue(tx, reverseShareJob, { adjustmentId: adj.id }, { key: `payouts.reverse:${adj.id}` });
  return adj.id;
}

export const reverseShareJob = defineJob({
  type: "payouts.reverse",
  schema: z.object({ adjustmentId: z.uuid() }),
  maxAttempts: 10,
  backoff: { baseMs: 5_000, maxMs: 30 * 60_000 },
  async handler({ adjustmentId }, ctx) {
    const { deps } = ctx;
    const [a] = await deps.db.sql.query<{ status: string; amount: number; transfer_status: string | null; stripe_transfer_id: string | null; payout_status: string | null }>(
      `SELECT a.status, a.amount, t.status AS transfer_status, t.stripe_transfer_id, p.status::text AS payout_status
       FROM payout_adjustment a
       LEFT JOIN payout_transfer t ON t.id = a.transfer_id
       LEFT JOIN payout p ON p.id = a.payout_id
       WHERE a.id = $1::uuid`,
      [adjustmentId],
    );
    if (!a || a.status !== "pending") return;
    const carry = (why: string) =>
      deps.db.sql.execute("UPDATE payout_adjustment SET status = 'carried', failure_reason = $2, updated_at = now() WHERE id = $1::uuid AND status = 'pending'", [adjustmentId, why]);
    if (!a.stripe_transfer_id) {
      // Nothing was sent for this order (yet): a payout still on its way retries later; one that
      // will not send (draft, needing attention, offset) carries the amount to the next payout.
      if (a.payout_status === "transferring" || a.payout_status === "approved") throw new Error("the order's transfer is not made yet");
      await carry(`no transfer to reverse (payout ${a.payout_status ?? "gone"})`);
      return;
    }
    try {
      const r = await deps.transfers.createReversal({
        transferId: a.stripe_transfer_id,
        amount: -a.amount,
        metadata: { payout_adjustment: adjustmentId },
        idempotencyKey: `payout-adjustment:${adjustmentId}`,
      });
      await deps.db.sql.execute(
        "UPDATE payout_adjustment SET status = 'reversed', stripe_reversal_id = $2, failure_reason = NULL, updated_at = now() WHERE id = $1::uuid AND status = 'pending'",
        [adjustmentId, r.id],
      );
    } catch (err) {
      if (!(err instanceof TransferRefused)) throw err;
      await carry(`Stripe refused the reversal: ${err.message}`);
      ctx.log.warn({ adjustmentId, code: err.code }, "reversal refused; carried into the brand's next payout");
    }
  },
});
