import { z } from "zod";
import { defineJob, type JobContext } from "../jobs/registry.ts";
import type { EnqueueTx } from "../jobs/queue.ts";
import type { Deps } from "../platform/deps.ts";
import { TransferRefused } from "../integrations/stripe/transfers.ts";
import { completePayoutIfConfirmed } from "./completion.ts";
import { payoutLifecycle, type PayoutStatus } from "./payout-lifecycle.ts";
import { txSqlOf } from "../platform/lifecycle/lifecycle.ts";

/**
 * The transfers of one payout: one Stripe Transfer per (payout, order), from the order's
 * charge (`source_transaction`), `transfer_group` = the order, metadata naming the payout,
 * order, brand and our transfer record, whose id is the idempotency key. The record exists
 * before the call; before each call the record is stamped `attempted_at`. A record found
 * stamped by an earlier attempt (a crash, a lost answer) is first looked for at Stripe by
 * its transfer group and metadata, and only made when Stripe has none. A brand whose account
 * is no longer active (disabled, deauthorized) or is another one than the run's stops the
 * payout at `needs_attention` before any transfer is made. Stripe refusing for
 * good (no such destination, a currency the account cannot receive, no transfers capability)
 * stops the payout at `needs_attention` with Stripe's reason; transfers already made stand,
 * the rest wait for the operator's retry. The `transfer.created` webhook confirms each
 * transfer (completion.ts); the payout is paid when all are.
 */
export const TRANSFER_META_KEY = "payout_transfer";

export const payoutTransfersJob = defineJob({
  type: "payouts.transfer",
  schema: z.object({ payoutId: z.uuid() }),
  maxAttempts: 10,
  backoff: { baseMs: 2_000, maxMs: 5 * 60_000 },
  async handler({ payoutId }, ctx) {
    await transferPayout(ctx.deps, payoutId, ctx);
  },
});

/** Enqueues the transfer job of each payout (`why` keeps a retry's job apart from the first). */
export async function enqueueTransfers(deps: Pick<Deps, "jobs">, tx: EnqueueTx, payoutIds: string[], why: string): Promise<void> {
  if (payoutIds.length === 0) return;
  await deps.jobs.enqueueMany(
    tx,
    payoutTransfersJob,
    payoutIds.map((payoutId) => ({ payload: { payoutId }, key: `payouts.transfer:${payoutId}:${why}` })),
  );
}

interface PayoutRow {
  id: string;
  status: PayoutStatus;
  version: number;
  vendor_id: string;
  currency: string;
  stripe_account_id: string | null;
}

interface TransferRow {
  id: string;
  order_id: string;
  amount: number;
  currency: string;
  source_charge: string | null;
  payment_intent: string | null;
  attempted_at: Date | null;
}

async function moveTo(deps: Pick<Deps, "db">, payoutId: string, to: PayoutStatus, reason: string, actor = "payouts.transfer"): Promise<void> {
  await deps.db.transaction(async (sqlTx) => {
    const [p] = await sqlTx.query<{ status: PayoutStatus; version: number }>("SELECT status::text AS status, version FROM payout WHERE id = $1::uuid FOR UPDATE", [payoutId]);
    if (!p || !payoutLifecycle.canMove(p.status, to)) return;
    await payoutLifecycle.transition(txSqlOf(sqlTx), {
      id: payoutId,
      to,
      expectedVersion: p.version,
      locked: { status: p.status },
      actor,
      reason,
      set: to === "transferring" ? { failure_reason: null } : { failure_reason: reason },
    });
  });
}

export async function transferPayout(deps: Pick<Deps, "db" | "jobs" | "transfers" | "log">, payoutId: string, ctx?: Pick<JobContext, "job" | "log">): Promise<void> {
  const log = ctx?.log ?? deps.log;
  const [payout] = await deps.db.sql.query<PayoutRow>(
    "SELECT id::text, status::text AS status, version, vendor_id::text, currency, stripe_account_id FROM payout WHERE id = $1::uuid",
    [payoutId],
  );
  if (!payout) return;
  if (payout.status === "approved") await moveTo(deps, payoutId, "transferring", "transfers started");
  else if (payout.status !== "transferring") {
    log.info({ payoutId, status: payout.status }, "payout is not transferring; nothing to do");
    return;
  }
  const account = await currentAccount(deps, payout.vendor_id);
  const destination = payout.stripe_account_id ?? account.stripe_account_id;
  const unusable = !destination
    ? "the brand has no connected Stripe account"
    : account.status !== "active"
      ? `the brand's Stripe account is ${account.status}${account.reason ? ` (${account.reason})` : ""}`
      : account.stripe_account_id !== destination
        ? "the brand's Stripe account changed since the run"
        : undefined;
  if (unusable || !destination) {
    await moveTo(deps, payoutId, "needs_attention", `${unusable ?? "no destination"}: no transfer made`);
    log.warn({ payoutId, vendorId: payout.vendor_id }, "the brand's account cannot receive transfers; payout needs attention");
    return;
  }
  // Stamp every transfer not yet tried in one statement: from here on each one's outcome is
  // uncertain until recorded. Those stamped by an earlier attempt are looked for first.
  const fresh = new Set(
    (
      await deps.db.sql.query<{ id: string }>(
        "UPDATE payout_transfer SET attempted_at = now(), attempts = attempts + 1, updated_at = now() WHERE payout_id = $1::uuid AND status = 'pending' AND attempted_at IS NULL RETURNING id::text",
        [payoutId],
      )
    ).map((r) => r.id),
  );
  const pending = await deps.db.sql.query<TransferRow>(
    `SELECT t.id::text, t.order_id::text, t.amount, t.currency, t.source_charge, o.stripe_payment_intent_id AS payment_intent, t.attempted_at
     FROM payout_transfer t JOIN gift_order o ON o.id = t.order_id
     WHERE t.payout_id = $1::uuid AND t.status = 'pending' ORDER BY t.created_at, t.order_id`,
    [payoutId],
  );
  for (const t of pending) {
    try {
      let made = fresh.has(t.id) ? undefined : await deps.transfers.findTransfer(t.order_id, TRANSFER_META_KEY, t.id);
      if (!fresh.has(t.id)) {
        await deps.db.sql.execute("UPDATE payout_transfer SET attempted_at = now(), attempts = attempts + 1 WHERE id = $1::uuid", [t.id]);
      }
      if (!made) {
        const charge = t.source_charge ?? (t.payment_intent ? await deps.transfers.chargeOfPaymentIntent(t.payment_intent) : null);
        made = await deps.transfers.createTransfer({
          amount: t.amount,
          currency: t.currency,
          destination,
          sourceTransaction: charge,
          transferGroup: t.order_id,
          description: `Giftloop payout ${payoutId}`,
          metadata: { payout: payoutId, order: t.order_id, vendor: payout.vendor_id, [TRANSFER_META_KEY]: t.id },
          idempotencyKey: `payout-transfer:${t.id}`,
        });
      }
      await deps.db.sql.execute(
        `UPDATE payout_transfer SET stripe_transfer_id = $2, status = CASE WHEN status = 'confirmed' THEN status ELSE 'created' END,
                last_error = NULL, updated_at = now() WHERE id = $1::uuid`,
        [t.id, made.id],
      );
    } catch (err) {
      if (err instanceof TransferRefused) {
        await deps.db.sql.execute("UPDATE payout_transfer SET last_error = $2, updated_at = now() WHERE id = $1::uuid", [t.id, err.message]);
        await moveTo(deps, payoutId, "needs_attention", `Stripe refused the transfer for order ${t.order_id}: ${err.message}`);
        log.warn({ payoutId, transfer: t.id, code: err.code }, "transfer refused; payout needs attention");
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      await deps.db.sql.execute("UPDATE payout_transfer SET last_error = $2, updated_at = now() WHERE id = $1::uuid", [t.id, message.slice(0, 500)]);
      if (ctx && ctx.job.attempt >= ctx.job.maxAttempts) await moveTo(deps, payoutId, "failed", `transfers failed after ${ctx.job.attempt} attempts: ${message}`);
      throw err;
    }
  }
  await completePayoutIfConfirmed(deps, payoutId);
}

/** The brand's connected account as we know it now (the Connect webhooks keep it). */
async function currentAccount(deps: Pick<Deps, "db">, vendorId: string): Promise<{ stripe_account_id: string | null; status: string; reason: string | null }> {
  const [v] = await deps.db.sql.query<{ stripe_account_id: string | null; status: string; reason: string | null }>(
    "SELECT stripe_account_id, payout_account_status AS status, payout_disabled_reason AS reason FROM vendor WHERE id = $1::uuid",
    [vendorId],
  );
  return v ?? { stripe_account_id: null, status: "not_started", reason: null };
}
