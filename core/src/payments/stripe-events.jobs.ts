import { z } from "zod";
import { defineJob, PermanentJobError } from "../jobs/registry.ts";
import type { Deps } from "../platform/deps.ts";
import { TransitionError } from "../platform/lifecycle/lifecycle.ts";
import { orderLifecycle } from "../platform/lifecycle/lifecycles.ts";
import { loadWebhook, markWebhookProcessed } from "../webhooks/event-log.ts";
import type { Logger } from "../platform/logger.ts";
import { splitOrder } from "../orders/split-order.ts";
import { applyRefundOutcome } from "./refunds.ts";
import { syncDispute } from "./disputes.ts";
import { applyTransferEvent } from "../payouts/completion.ts";

/**
 * Processes one recorded Stripe event. Each topic's handler is safe to run twice: it reads
 * the current state and does nothing when the event's effect is already there.
 */
type StripeObject = Record<string, unknown> & { id: string };
type Handler = (deps: Deps, object: StripeObject, log: Logger, type: string) => Promise<void>;

const handlers: Record<string, Handler> = {
  "payment_intent.succeeded": paymentSucceeded,
  "payment_intent.payment_failed": paymentFailed,
  "charge.dispute.created": disputeChanged,
  "charge.dispute.updated": disputeChanged,
  "charge.dispute.funds_withdrawn": disputeChanged,
  "charge.dispute.funds_reinstated": disputeChanged,
  "charge.dispute.closed": disputeChanged,
  "refund.created": refundChanged,
  "refund.updated": refundChanged,
  "refund.failed": refundChanged,
  "charge.refunded": chargeRefunded,
  // Transfers to brands (payouts/): Stripe confirms each one; a reversal updates its reversed amount.
  "transfer.created": transferChanged,
  "transfer.updated": transferChanged,
  "transfer.reversed": transferChanged,
};

async function transferChanged(deps: Deps, transfer: StripeObject, log: Logger): Promise<void> {
  await applyTransferEvent(deps, transfer as Parameters<typeof applyTransferEvent>[1], log);
}

async function refundChanged(deps: Deps, refund: StripeObject): Promise<void> {
  await applyRefundOutcome(deps, refund.id, String(refund.status));
}

async function chargeRefunded(deps: Deps, charge: StripeObject): Promise<void> {
  const refunds = (charge.refunds as { data?: Array<{ id: string; status: string }> } | null)?.data ?? [];
  for (const r of refunds) await applyRefundOutcome(deps, r.id, r.status);
}

export const processStripeEvent = defineJob({
  type: "stripe.process_event",
  schema: z.object({ eventId: z.uuid() }),
  maxAttempts: 10,
  async handler({ eventId }, ctx) {
    const event = await loadWebhook(ctx.deps, eventId);
    if (!event) throw new PermanentJobError(`webhook event ${eventId} is gone`);
    const handler = handlers[event.topic];
    if (handler) {
      const object = (event.payload as { data?: { object?: StripeObject } }).data?.object;
      if (!object?.id) throw new PermanentJobError(`event ${event.externalId} has no data.object`);
      await handler(ctx.deps, object, ctx.log, event.topic);
    } else {
      ctx.log.debug({ topic: event.topic }, "stripe event not handled");
    }
    await markWebhookProcessed(ctx.deps, eventId);
  },
});

async function orderOf(deps: Deps, object: StripeObject, key: "id" | "payment_intent") {
  const pi = key === "id" ? object.id : String(object.payment_intent ?? "");
  if (!pi) return undefined;
  return deps.db.prisma.giftOrder.findUnique({ where: { stripePaymentIntentId: pi } });
}

async function paymentSucceeded(deps: Deps, pi: StripeObject, log: Logger): Promise<void> {
  const charge = typeof pi.latest_charge === "string" ? pi.latest_charge : ((pi.latest_charge as { id?: string } | null)?.id ?? null);
  const result = await splitOrder(deps, { paymentIntentId: pi.id, amount: Number(pi.amount), currency: String(pi.currency), chargeId: charge });
  log.info({ paymentIntent: pi.id, ...result }, "payment succeeded");
}

async function paymentFailed(deps: Deps, pi: StripeObject, log: Logger): Promise<void> {
  const order = await orderOf(deps, pi, "id");
  if (!order || order.status !== "awaiting_payment") return; // unknown, or already moved on
  try {
    await deps.db.prisma.$transaction((tx) =>
      orderLifecycle.transition(tx, {
        id: order.id,
        to: "payment_failed",
        expectedVersion: order.version,
        actor: "stripe",
        reason: String((pi.last_payment_error as { message?: string } | null)?.message ?? "payment failed"),
      }),
    );
  } catch (err) {
    if (err instanceof TransitionError && err.code === "stale") throw err; // retry reads fresh state
    log.warn({ err, order: order.id }, "payment_failed not applied");
  }
}

/** Every dispute event carries the dispute as it stands: one handler brings the order in line (disputes.ts). */
async function disputeChanged(deps: Deps, dispute: StripeObject, log: Logger, type: string): Promise<void> {
  await syncDispute(deps, dispute, log, type);
}
