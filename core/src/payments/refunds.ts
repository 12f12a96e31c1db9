import { z } from "zod";
import { enqueueFromSql, type Tx } from "../jobs/queue.ts";
import { defineJob, PermanentJobError } from "../jobs/registry.ts";
import type { Deps } from "../platform/deps.ts";
import { orderLifecycle } from "../platform/lifecycle/lifecycles.ts";
import { isOnHold } from "../orders/order-hold.ts";
import { addRefundedAmount } from "../orders/order-refunds.ts";
import type { TxSql } from "../platform/lifecycle/lifecycle.ts";

/** Stripe's refusals that a retry cannot change: the payment was charged back, or is refunded already. */
const REFUSED = ["charge_disputed", "charge_already_refunded"];

/**
 * Refunds of a unit's share of its order. Recording the refund and enqueueing the Stripe
 * call happen in the caller's transaction (with the unit's state change); the job calls
 * Stripe with an idempotency key derived from the unit, so the buyer is refunded once
 * however often the job runs. The outcome arrives by webhook (refund.updated / charge.refunded).
 */
export const createStripeRefundJob = defineJob({
  type: "payments.create_refund",
  schema: z.object({ refundId: z.uuid() }),
  maxAttempts: 10,
  backoff: { baseMs: 10_000, maxMs: 30 * 60_000 },
  async handler({ refundId }, ctx) {
    const refund = await ctx.deps.db.prisma.refund.findUnique({ where: { id: refundId }, include: { order: true } });
    if (!refund || refund.stripeRefundId || refund.status !== "pending") return; // sent already, or settled otherwise (a chargeback)
    if (!refund.order.stripePaymentIntentId) throw new Error(`order ${refund.orderId} has no payment intent`);
    if (isOnHold(refund.order)) {
      // Stripe does not refund a disputed payment; the dispute's close sends this refund or cancels it (disputes.ts).
      ctx.log.warn({ refund: refund.id, order: refund.orderId }, "payment disputed: refund waits for the dispute");
      return;
    }
    let r: { id: string; status: string };
    try {
      r = await ctx.deps.payments.createRefund({
        paymentIntentId: refund.order.stripePaymentIntentId,
        amount: refund.amount,
        reason: "requested_by_customer",
        metadata: { giftloop_refund_id: refund.id, giftloop_order_id: refund.orderId, ...(refund.unitId ? { giftloop_unit_id: refund.unitId } : {}) },
        idempotencyKey: refund.idempotencyKey,
      });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === "string" && REFUSED.includes(code)) {
        // Retrying cannot change Stripe's answer: the refund is failed, for finance to settle
        // with the buyer another way, and the job is dead-lettered with the reason.
        const why = `Stripe refused the refund (${code}): ${(err as Error).message}`;
        await ctx.deps.db.prisma.$transaction(async (tx) => {
          await tx.refund.updateMany({ where: { id: refund.id, status: "pending" }, data: { status: "failed", failureReason: why.slice(0, 1000) } });
          await tx.auditLog.create({ data: { actor: "stripe", action: "refund.failed", entity: "refund", entityId: refund.id, data: { order: refund.orderId, code } } });
        });
        throw new PermanentJobError(why);
      }
      throw err;
    }
    await ctx.deps.db.prisma.refund.update({ where: { id: refund.id }, data: { stripeRefundId: r.id } });
    if (r.status === "succeeded" || r.status === "failed") await applyRefundOutcome(ctx.deps, r.id, r.status);
  },
});

/**
 * `refunds` and `refund_jobs`, two CTEs for a WITH: a refund record (pending, once per unit:
 * its idempotency key is the unit's) and its Stripe job for every row of `units` (a relation
 * with id, order_id, amount, currency), in the statement that changes those units, so all
 * of it commits together. `reason` is SQL (a parameter or a literal).
 */
export function refundSharesCtes(jobs: Pick<Deps["jobs"], "registry">, units: string, reason: string): string {
  return `refunds AS (
       INSERT INTO refund (id, order_id, unit_id, amount, currency, reason, idempotency_key, updated_at)
       SELECT gen_random_uuid(), ${units}.order_id, ${units}.id, ${units}.amount, ${units}.currency, ${reason}, 'unit:' || ${units}.id || ':refund', now()
       FROM ${units}
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING id
     ), refund_jobs AS (
       ${enqueueFromSql(jobs.registry, createStripeRefundJob, { from: "refunds", payload: "jsonb_build_object('refundId', refunds.id::text)", key: "'refund:' || refunds.id" })}
     )`;
}

/** Records a refund for a unit's share and enqueues the Stripe call, in the caller's transaction; once per unit. */
export async function refundUnitShare(
  deps: Pick<Deps, "jobs">,
  tx: Tx,
  unit: { id: string; orderId: string; amount: number; currency: string },
  reason: string,
): Promise<void> {
  await tx.$executeRawUnsafe(
    `WITH share AS (SELECT $1::uuid AS id, $2::uuid AS order_id, $3::int AS amount, $4::text AS currency), ${refundSharesCtes(deps.jobs, "share", "$5")}
     SELECT 1`,
    unit.id,
    unit.orderId,
    unit.amount,
    unit.currency,
    reason,
  );
}

/**
 * Refunds recorded but never sent to Stripe (the job found the payment disputed) go out:
 * each gets a new job under `key`. Returns how many. In the caller's transaction.
 */
export function resendWaitingRefunds(deps: Pick<Deps, "jobs">, tx: TxSql, orderId: string, key: string): Promise<number> {
  return tx.$executeRawUnsafe(
    `WITH waiting AS (SELECT r.id FROM refund r WHERE r.order_id = $1::uuid AND r.status = 'pending' AND r.stripe_refund_id IS NULL)
     ${enqueueFromSql(deps.jobs.registry, createStripeRefundJob, {
       from: "waiting",
       payload: "jsonb_build_object('refundId', waiting.id::text)",
       key: "'refund:' || waiting.id || ':released:' || $2",
     })}`,
    orderId,
    key,
  );
}

/** Refunds recorded but never sent to Stripe are canceled, with `reason`; their jobs then do nothing. */
export function cancelWaitingRefunds(tx: TxSql, orderId: string, reason: string): Promise<number> {
  return tx.$executeRawUnsafe(
    `UPDATE refund SET status = 'canceled', failure_reason = $2, updated_at = now()
     WHERE order_id = $1::uuid AND status = 'pending' AND stripe_refund_id IS NULL`,
    orderId,
    reason,
  );
}

/**
 * Applies Stripe's word on a refund: pending → succeeded adds it to the order's refunded
 * amount (once: the status change is the guard), and a fully refunded order becomes refunded.
 */
export async function applyRefundOutcome(deps: Pick<Deps, "db">, stripeRefundId: string, status: string): Promise<void> {
  const next = status === "succeeded" ? "succeeded" : status === "failed" ? "failed" : status === "canceled" ? "canceled" : undefined;
  if (!next) return;
  await deps.db.prisma.$transaction(async (tx) => {
    const changed = await tx.$queryRawUnsafe<Array<{ order_id: string; amount: number }>>(
      `UPDATE refund SET status = $2::"RefundStatus", updated_at = now()
       WHERE stripe_refund_id = $1 AND status = 'pending' RETURNING order_id::text, amount`,
      stripeRefundId,
      next,
    );
    const r = changed[0];
    if (!r) return;
    if (next !== "succeeded") {
      await tx.auditLog.create({
        data: { actor: "stripe", action: `refund.${next}`, entity: "refund", entityId: stripeRefundId, data: { order: r.order_id } },
      });
      return;
    }
    const o = await addRefundedAmount(tx, r.order_id, r.amount);
    if (o && o.status === "paid" && o.refunded_amount >= o.total_amount) {
      await orderLifecycle.transition(tx, {
        id: r.order_id,
        to: "refunded",
        expectedVersion: o.version,
        actor: "stripe",
        reason: "every share refunded",
      });
    }
  });
}

/** How long a refund may wait for its webhook before Stripe is asked for its outcome. */
export const REFUND_RECONCILE_AFTER_MS = 15 * 60_000;

/**
 * The safety net under refund webhooks: a refund sent to Stripe that is still pending here
 * after REFUND_RECONCILE_AFTER_MS (its refund.updated was lost, or arrived while we could not
 * take it) is asked of Stripe, and its outcome applied as the webhook would have. One still
 * pending at Stripe too (card refunds can take days) goes to the back of the line. At most
 * 200 a run; scheduled by the worker role.
 */
export const reconcileRefundsJob = defineJob({
  type: "payments.reconcile_refunds",
  schema: z.object({}).passthrough(),
  maxAttempts: 3,
  async handler(_payload, ctx) {
    const { db, payments } = ctx.deps;
    const stale = await db.prisma.refund.findMany({
      where: { status: "pending", stripeRefundId: { not: null }, updatedAt: { lt: new Date(Date.now() - REFUND_RECONCILE_AFTER_MS) } },
      orderBy: { updatedAt: "asc" },
      take: 200,
      select: { id: true, stripeRefundId: true },
    });
    let settled = 0;
    for (const r of stale) {
      const at = await payments.retrieveRefund(r.stripeRefundId!);
      if (at.status === "succeeded" || at.status === "failed" || at.status === "canceled") {
        await applyRefundOutcome(ctx.deps, at.id, at.status);
        settled++;
      } else {
        await db.prisma.refund.updateMany({ where: { id: r.id, status: "pending" }, data: { updatedAt: new Date() } });
      }
    }
    if (stale.length) ctx.log.info({ checked: stale.length, settled }, "pending refunds reconciled with Stripe");
  },
});
