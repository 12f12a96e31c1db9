import type { Deps } from "../platform/deps.ts";
import type { BuyerContext } from "../buyers/buyer-context.ts";
import { orderLifecycle } from "../platform/lifecycle/lifecycles.ts";
import { TransitionError } from "../platform/lifecycle/lifecycle.ts";

export type CancelOrderResult = { ok: true } | { ok: false; code: "not_found" | "not_cancelable" | "payment_in_progress" };

const UNPAID = new Set(["awaiting_payment", "payment_failed"]);

/**
 * A buyer cancels an order they have not paid for (they changed their mind, or will order
 * again). Its PaymentIntent, if checkout started one, is canceled at Stripe first, so that
 * no payment can succeed afterwards; then the order moves to `canceled` (its transition
 * recorded as every lifecycle move is). An intent Stripe has already taken payment on (or
 * is processing) is not canceled: the order is being paid, and splits as usual.
 * Cancelling again answers `not_cancelable`; the Stripe call is idempotent per order.
 */
export async function cancelOrder(ctx: BuyerContext, deps: Pick<Deps, "payments">, orderId: string): Promise<CancelOrderResult> {
  const order = await ctx.db.prisma.giftOrder.findFirst({
    where: { id: orderId },
    select: { id: true, status: true, version: true, stripePaymentIntentId: true },
  });
  if (!order) return { ok: false, code: "not_found" };
  if (!UNPAID.has(order.status)) return { ok: false, code: "not_cancelable" };
  if (order.stripePaymentIntentId) {
    const pi = await deps.payments.retrievePaymentIntent(order.stripePaymentIntentId);
    if (pi.status === "succeeded" || pi.status === "processing") return { ok: false, code: "payment_in_progress" };
    if (pi.status !== "canceled") {
      const after = await deps.payments.cancelPaymentIntent(pi.id, { reason: "abandoned", idempotencyKey: `order:${order.id}:cancel-payment-intent` });
      if (after.status !== "canceled") return { ok: false, code: "payment_in_progress" };
    }
  }
  try {
    await ctx.db.prisma.$transaction((tx) =>
      orderLifecycle.transition(tx, { id: order.id, to: "canceled", expectedVersion: order.version, actor: ctx.actor, reason: "canceled by buyer before payment" }),
    );
  } catch (err) {
    // Changed meanwhile (another cancel, a failed-payment webhook): decide on what it is now.
    if (err instanceof TransitionError && err.code === "stale") return cancelOrder(ctx, deps, orderId);
    if (err instanceof TransitionError && err.code === "not_allowed") return { ok: false, code: "not_cancelable" };
    throw err;
  }
  return { ok: true };
}
