import { z } from "zod";
import { defineJob } from "../jobs/registry.ts";
import { unitLifecycle, type UnitStatus } from "../platform/lifecycle/lifecycles.ts";
import { refundSharesCtes } from "../payments/refunds.ts";
import { enqueueFromSql } from "../jobs/queue.ts";
import { html } from "../integrations/email/html.ts";
import { formatMoney } from "../platform/money.ts";
import { unitOrderOnHoldSql } from "../orders/order-hold.ts";

/**
 * Expiry: units nobody redeemed before their expiry date expire, and the buyer is refunded
 * their share (through Stripe, idempotently per unit). Runs on a schedule, a batch at a
 * time; each unit's expiry, its refund record and the refund's job commit together. Buyers get one summary email
 * per order and day.
 */
const BATCH = 200;

/**
 * One batch as one statement: lock the due units (skipping those locked right now), expire
 * them (recorded as the unit lifecycle records every move), record each share's refund and
 * its Stripe job, and each order's summary email. One round trip for the whole batch: a
 * transaction of a round trip per unit would outlive its timeout on a busy machine and roll
 * back, again on every retry.
 */
function expireBatchSql(jobs: Parameters<typeof refundSharesCtes>[0]): string {
  return `WITH due AS MATERIALIZED (
       SELECT u.id, u.order_id, u.status::text AS status, u.amount, u.currency FROM fulfillment_unit u
       WHERE u.status::text = ANY ($3::text[]) AND u.expires_at <= now()
         -- A disputed payment's gifts wait for the dispute: expired and refunded after a win, canceled after a loss.
         AND NOT ${unitOrderOnHoldSql("u")}
       ORDER BY u.expires_at LIMIT $1 FOR UPDATE OF u SKIP LOCKED
     ), ${unitLifecycle.transitionAllCtes("expired", { source: "due", to: "expired", actor: "'system'", reason: "'not redeemed in time'", returning: ["order_id", "amount", "currency"] })},
     ${refundSharesCtes(jobs, "expired", "'gift expired'")}, summaries AS (
       ${enqueueFromSql(jobs.registry, expirySummaryJob, {
         from: "(SELECT DISTINCT order_id FROM expired) o",
         payload: "jsonb_build_object('orderId', o.order_id::text, 'day', $2::text)",
         key: "'order:' || o.order_id || ':expiry-summary:' || $2",
         runAt: "now() + interval '10 minutes'", // after the day's batches, one email
       })}
     )
     SELECT count(*)::int AS n FROM expired`;
}

/** The statuses a unit expires from, as the unit lifecycle says. */
const EXPIRABLE = (Object.keys(unitLifecycle.transitions) as UnitStatus[]).filter((st) => unitLifecycle.canMove(st, "expired"));

export const expireUnitsJob = defineJob({
  type: "fulfillment.expire_units",
  schema: z.object({}).passthrough(),
  maxAttempts: 5,
  async handler(_payload, ctx) {
    const sql = expireBatchSql(ctx.deps.jobs);
    let total = 0;
    for (;;) {
      const day = new Date().toISOString().slice(0, 10);
      const [row] = await ctx.deps.db.sql.query<{ n: number }>(sql, [BATCH, day, EXPIRABLE]);
      const n = row?.n ?? 0;
      total += n;
      // Not "fewer than a batch": SKIP LOCKED passes over units locked right now (a gift
      // email marking one sent, a cancel), so a short batch does not mean none are left.
      if (n === 0) break;
    }
    if (total) ctx.log.info({ expired: total }, "expired unredeemed gifts");
  },
});

export const expirySummaryJob = defineJob({
  type: "fulfillment.expiry_summary_email",
  schema: z.object({ orderId: z.uuid(), day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
  maxAttempts: 8,
  backoff: { baseMs: 60_000, maxMs: 60 * 60_000 },
  async handler({ orderId, day }, ctx) {
    const { db } = ctx.deps;
    const order = await db.prisma.giftOrder.findUnique({ where: { id: orderId }, include: { buyerOrg: true } });
    if (!order) return;
    const expired = await db.sql.query<{ n: number; amount: number }>(
      `SELECT count(*)::int AS n, COALESCE(sum(amount), 0)::int AS amount FROM fulfillment_unit u
       WHERE u.order_id = $1::uuid AND u.status = 'expired'
         AND EXISTS (SELECT 1 FROM state_transition t WHERE t.entity_id = u.id AND t.to_state = 'expired' AND t.at::date = $2::date)`,
      [orderId, day],
    );
    const { n, amount } = expired[0] ?? { n: 0, amount: 0 };
    if (n === 0) return;
    const money = formatMoney(amount, order.currency);
    const subject = `${n} unredeemed gift${n === 1 ? "" : "s"} expired: ${money} refunded`;
    const ref = order.buyerReference ? ` (${order.buyerReference})` : "";
    await ctx.deps.email.send({
      to: order.buyerOrg.email,
      subject,
      text: `${n} gift${n === 1 ? "" : "s"} of your order ${order.id}${ref} expired without being redeemed on ${day}.\nWe are refunding ${money} to your card; it appears within 5 to 10 business days.\n`,
      html: String(
        html`<p>${n} gift${n === 1 ? "" : "s"} of your order <strong>${order.id}</strong>${ref} expired without being redeemed on ${day}.</p><p>We are refunding <strong>${money}</strong> to your card; it appears within 5 to 10 business days.</p>`,
      ),
      idempotencyKey: `order:${orderId}:expiry-summary:${day}`,
    });
  },
});
