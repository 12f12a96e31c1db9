import { z } from "zod";
import { defineJob } from "../jobs/registry.ts";
import { unitLifecycle } from "../platform/lifecycle/lifecycles.ts";
import { refundUnitShare } from "../payments/refunds.ts";
import { html } from "../integrations/email/html.ts";
import { formatMoney } from "../platform/money.ts";
import { orderOnHoldSql } from "../orders/order-hold.ts";

/**
 * Expiry: units nobody redeemed before their expiry date expire, and the buyer is refunded
 * their share (through Stripe, idempotently per unit). Runs on a schedule, a batch at a
 * time; each unit's expiry and refund record commit together. Buyers get one summary email
 * per order and day.
 */
const BATCH = 200;

export const expireUnitsJob = defineJob({
  type: "fulfillment.expire_units",
  schema: z.object({}).passthrough(),
  maxAttempts: 5,
  async handler(_payload, ctx) {
    const { db } = ctx.deps;
    let total = 0;
    for (;;) {
      const n = await db.prisma.$transaction(async (tx) => {
        const due = await tx.$queryRawUnsafe<Array<{ id: string; order_id: string; version: number; amount: number; currency: string }>>(
          `SELECT u.id::text, u.order_id::text, u.version, u.amount, u.currency FROM fulfillment_unit u
           WHERE u.status IN ('issued', 'sent') AND u.expires_at <= now()
             -- A disputed payment's gifts wait for the dispute: expired and refunded after a win, canceled after a loss.
             AND NOT EXISTS (SELECT 1 FROM gift_order o WHERE o.id = u.order_id AND ${orderOnHoldSql("o")})
           ORDER BY u.expires_at LIMIT $1 FOR UPDATE OF u SKIP LOCKED`,
          BATCH,
        );
        const day = new Date().toISOString().slice(0, 10);
        for (const u of due) {
          await unitLifecycle.transition(tx, { id: u.id, to: "expired", expectedVersion: u.version, actor: "system", reason: "not redeemed in time" });
          await refundUnitShare(ctx.deps, tx, { id: u.id, orderId: u.order_id, amount: u.amount, currency: u.currency }, "gift expired");
        }
        for (const orderId of new Set(due.map((u) => u.order_id))) {
          await ctx.deps.jobs.enqueue(tx, expirySummaryJob, { orderId, day }, {
            key: `order:${orderId}:expiry-summary:${day}`,
            runAt: new Date(Date.now() + 10 * 60_000), // after the day's batches, one email
          });
        }
        return due.length;
      });
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
