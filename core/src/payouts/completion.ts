import type { Deps } from "../platform/deps.ts";
import type { Logger } from "../platform/logger.ts";
import { txSqlOf } from "../platform/lifecycle/lifecycle.ts";
import { payoutLifecycle, type PayoutStatus } from "./payout-lifecycle.ts";
import { payoutPaidEmailJob } from "./payout-email.ts";

/**
 * Stripe's word on transfers (platform webhooks `transfer.created`, `transfer.reversed`): the
 * transfer record named in the transfer's metadata (or by its Stripe id) is confirmed, with
 * the Stripe id if the job had not recorded it yet (its answer was lost), and its reversed
 * amount as Stripe has it. A repeated or late event changes nothing. When every transfer of
 * a transferring payout is confirmed (or had nothing to send), the payout is paid and the
 * brand's summary email is enqueued, in one transaction.
 */
type StripeTransferObject = { id: string; metadata?: Record<string, string> | null; amount_reversed?: number };

export async function applyTransferEvent(deps: Pick<Deps, "db" | "jobs">, transfer: StripeTransferObject, log: Logger): Promise<void> {
  const ours = transfer.metadata?.payout_transfer;
  const rows = await deps.db.sql.query<{ payout_id: string }>(
    `UPDATE payout_transfer SET
       stripe_transfer_id = coalesce(stripe_transfer_id, $2),
       status = CASE WHEN status IN ('pending', 'created', 'confirmed') THEN 'confirmed' ELSE status END,
       confirmed_at = coalesce(confirmed_at, now()),
       amount_reversed = GREATEST(amount_reversed, $3),
       updated_at = now()
     WHERE ${ours && /^[0-9a-f-]{36}$/.test(ours) ? "id = $1::uuid" : "stripe_transfer_id = $2 AND $1::text IS NULL"}
       AND (stripe_transfer_id IS NULL OR stripe_transfer_id = $2)
     RETURNING payout_id::text`,
    [ours && /^[0-9a-f-]{36}$/.test(ours) ? ours : null, transfer.id, transfer.amount_reversed ?? 0],
  );
  if (!rows[0]) {
    log.info({ transfer: transfer.id }, "transfer event for no payout transfer of ours; ignored");
    return;
  }
  await completePayoutIfConfirmed(deps, rows[0].payout_id);
}

export async function completePayoutIfConfirmed(deps: Pick<Deps, "db" | "jobs">, payoutId: string): Promise<boolean> {
  // Most confirmations leave other transfers open: a plain read says so without locking the
  // payout. Each caller reads after its own confirmation committed, so the last one sees all.
  const [open] = await deps.db.sql.query<{ open: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM payout_transfer WHERE payout_id = $1::uuid AND status NOT IN ('confirmed', 'offset')) AS open",
    [payoutId],
  );
  if (open?.open) return false;
  return deps.db.transaction(async (sqlTx) => {
    const [p] = await sqlTx.query<{ status: PayoutStatus; version: number; open: number }>(
      `SELECT p.status::text AS status, p.version,
              (SELECT count(*)::int FROM payout_transfer t WHERE t.payout_id = p.id AND t.status NOT IN ('confirmed', 'offset')) AS open
       FROM payout p WHERE p.id = $1::uuid FOR UPDATE`,
      [payoutId],
    );
    if (!p || p.status !== "transferring" || p.open > 0) return false;
    const tx = txSqlOf(sqlTx);
    await payoutLifecycle.transition(tx, {
      id: payoutId,
      to: "paid",
      expectedVersion: p.version,
      locked: { status: p.status },
      actor: "stripe",
      reason: "every transfer confirmed by Stripe",
      set: { paid_at: new Date(), failure_reason: null },
    });
    await deps.jobs.enqueue(tx, payoutPaidEmailJob, { payoutId }, { key: `payouts.paid_email:${payoutId}` });
    return true;
  });
}
