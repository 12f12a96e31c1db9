import type { Deps } from "../platform/deps.ts";
import type { BuyerContext } from "../buyers/buyer-context.ts";

export type CheckoutResult =
  | { ok: true; paymentIntentId: string; clientSecret: string; amount: number; currency: string }
  | { ok: false; code: "not_found" | "not_payable" };

/**
 * Starts (or resumes) payment of an order: one Stripe PaymentIntent on the platform account
 * per order (idempotency key from the order id), with `transfer_group` = the order, so the
 * vendors' transfers can later be tied to this charge. Calling it again returns the same
 * intent's client secret.
 */
export async function startCheckout(ctx: BuyerContext, deps: Pick<Deps, "payments">, orderId: string): Promise<CheckoutResult> {
  const order = await ctx.db.prisma.giftOrder.findFirst({ where: { id: orderId } });
  if (!order) return { ok: false, code: "not_found" };
  if (order.status !== "awaiting_payment" && order.status !== "payment_failed") return { ok: false, code: "not_payable" };
  if (order.stripePaymentIntentId) {
    const pi = await deps.payments.retrievePaymentIntent(order.stripePaymentIntentId);
    return { ok: true, paymentIntentId: pi.id, clientSecret: pi.clientSecret, amount: order.totalAmount, currency: order.currency };
  }
  const org = await ctx.db.prisma.buyerOrg.findUniqueOrThrow({ where: { id: ctx.tenant.buyerOrgId } });
  const pi = await deps.payments.createPaymentIntent({
    amount: order.totalAmount,
    currency: order.currency,
    transferGroup: `order_${order.id}`,
    description: `Gift order ${order.id} (${order.recipientCount} recipients)`,
    metadata: { giftloop_order_id: order.id, buyer_org_id: order.buyerOrgId, storefront_id: order.storefrontId },
    receiptEmail: org.email,
    idempotencyKey: `order:${order.id}:payment-intent`,
  });
  // Concurrent checkouts got the same intent (same idempotency key); the first write wins.
  await ctx.db.prisma.giftOrder.updateMany({
    where: { id: order.id, stripePaymentIntentId: null },
    data: { stripePaymentIntentId: pi.id },
  });
  return { ok: true, paymentIntentId: pi.id, clientSecret: pi.clientSecret, amount: order.totalAmount, currency: order.currency };
}
