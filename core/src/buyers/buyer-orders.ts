import { randomUUID } from "node:crypto";
import type { Deps } from "../platform/deps.ts";
import { startCheckout } from "../orders/checkout.ts";
import type { BuyerContext } from "./buyer-context.ts";
import { receiptPdf } from "./receipt-pdf.ts";

/**
 * What the buyer storefront adds to an order beyond the REST API: paying with the sandbox's
 * first-party card form (Stripe's test cards, confirmed server-side at the Stripe stand-in;
 * never in live mode) and the PDF receipt of a paid order.
 */
export type SandboxPayment =
  | { ok: true; status: "succeeded" | "processing" }
  | { ok: true; status: "requires_action"; challengeUrl: string }
  | { ok: true; status: "declined"; code: string; message: string }
  | { ok: false; code: "not_found" | "not_payable" | "amount_changed" | "sandbox_only"; amount?: number; currency?: string };

export async function paySandbox(
  ctx: BuyerContext,
  deps: Pick<Deps, "payments" | "config">,
  orderId: string,
  card: { number: string; expMonth: number; expYear: number; cvc: string; expectedAmount: number; returnUrl: string },
): Promise<SandboxPayment> {
  if (!deps.config.STRIPE_API_URL || deps.config.NODE_ENV === "production" || !deps.payments.confirmWithTestCard) return { ok: false, code: "sandbox_only" };
  const checkout = await startCheckout(ctx, deps, orderId);
  if (!checkout.ok) return { ok: false, code: checkout.code };
  // The buyer confirms the amount they reviewed: a different total is re-confirmed, never charged.
  if (checkout.amount !== card.expectedAmount) return { ok: false, code: "amount_changed", amount: checkout.amount, currency: checkout.currency };
  let r;
  try {
    r = await deps.payments.confirmWithTestCard(checkout.paymentIntentId, {
      number: card.number,
      expMonth: card.expMonth,
      expYear: card.expYear,
      cvc: card.cvc,
      returnUrl: card.returnUrl,
      idempotencyKey: `order:${orderId}:sandbox-confirm:${randomUUID()}`,
    });
  } catch (e) {
    // A second tab paying the same order: Stripe refuses to confirm an intent that succeeded.
    if ((e as { type?: string; code?: string }).code === "payment_intent_unexpected_state") return { ok: false, code: "not_payable" };
    throw e;
  }
  if (r.status === "succeeded" || r.status === "processing") return { ok: true, status: r.status };
  if (r.status === "requires_action" && r.nextActionUrl) return { ok: true, status: "requires_action", challengeUrl: r.nextActionUrl };
  return { ok: true, status: "declined", code: r.error?.declineCode ?? r.error?.code ?? "card_declined", message: r.error?.message ?? "The card was declined." };
}

export type Receipt = { ok: true; pdf: Buffer; filename: string } | { ok: false; code: "not_found" | "not_paid" };

const PAID = new Set(["paid", "refunded", "charged_back"]);

export async function orderReceipt(ctx: BuyerContext, deps: Pick<Deps, "db">, orderId: string): Promise<Receipt> {
  const order = await ctx.db.prisma.giftOrder.findFirst({ where: { id: orderId }, include: { buyerOrg: true } });
  if (!order) return { ok: false, code: "not_found" };
  if (!PAID.has(order.status) || !order.paidAt) return { ok: false, code: "not_paid" };
  // The brand's storefront and offer names, as the buyer saw them when ordering: read across tenants.
  const [storefront, groups] = await Promise.all([
    deps.db.prisma.storefront.findUnique({ where: { id: order.storefrontId } }),
    ctx.db.prisma.orderRecipient.groupBy({ by: ["offerId"], where: { orderId }, _count: { _all: true }, _sum: { amount: true } }),
  ]);
  const offers = await deps.db.prisma.giftOffer.findMany({ where: { id: { in: groups.map((g) => g.offerId) } }, select: { id: true, name: true } });
  const name = new Map(offers.map((o) => [o.id, o.name]));
  const pdf = await receiptPdf({
    orderId: order.id,
    buyerName: order.buyerOrg.name,
    brandName: storefront?.name ?? "the brand",
    paidAt: order.paidAt,
    paymentIntentId: order.stripePaymentIntentId,
    currency: order.currency,
    lines: groups.map((g) => ({ label: name.get(g.offerId) ?? "Gift", quantity: g._count._all, amount: g._sum.amount ?? 0 })),
    itemsAmount: order.itemsAmount,
    shippingAmount: order.shippingAmount,
    totalAmount: order.totalAmount,
    refundedAmount: order.refundedAmount,
  });
  return { ok: true, pdf, filename: `receipt-${order.id.slice(0, 8)}.pdf` };
}
