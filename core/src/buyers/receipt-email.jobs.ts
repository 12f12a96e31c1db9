import { z } from "zod";
import { defineJob } from "../jobs/registry.ts";
import type { EnqueueTx } from "../jobs/queue.ts";
import { brandedEmail, paragraph } from "../integrations/email/branded-layout.ts";
import { html } from "../integrations/email/html.ts";
import type { Deps } from "../platform/deps.ts";
import { formatMoney } from "../platform/money.ts";
import { orderReceipt } from "./buyer-orders.ts";
import { buyerContext } from "./buyer-context.ts";

/**
 * The buyer's receipt: one email per paid order, with the PDF receipt attached, to the
 * organisation's owners, admins and finance members (else its contact email). Enqueued in
 * the transaction that makes the order's gifts (the payment's webhook), keyed by order.
 */
export const receiptKey = (orderId: string) => `buyer-receipt:${orderId}`;

export const buyerReceiptJob = defineJob({
  type: "buyers.receipt_email",
  schema: z.object({ orderId: z.uuid() }),
  maxAttempts: 8,
  backoff: { baseMs: 30_000, maxMs: 60 * 60_000 },
  async handler({ orderId }, ctx) {
    const order = await ctx.deps.db.prisma.giftOrder.findUnique({ where: { id: orderId }, include: { buyerOrg: { include: { members: true } } } });
    if (!order) return;
    const buyer = buyerContext({ db: ctx.deps.db, principal: { buyerOrgId: order.buyerOrgId, apiKeyId: null }, log: ctx.deps.log, actor: `job:${buyerReceiptJob.type}` });
    const receipt = await orderReceipt(buyer, ctx.deps, orderId);
    if (!receipt.ok) return;
    const team = order.buyerOrg.members.filter((m) => !m.removedAt && m.joinedAt && ["owner", "admin", "finance"].includes(m.role)).map((m) => m.email);
    const to = team.length ? team : [order.buyerOrg.email];
    const total = formatMoney(order.totalAmount, order.currency);
    const url = `${ctx.deps.config.publicUrl.replace(/\/$/, "")}/buy/orders/${order.id}`;
    await ctx.deps.email.send({
      to,
      subject: `Receipt: ${total} for ${order.recipientCount} gift${order.recipientCount === 1 ? "" : "s"}`,
      idempotencyKey: receiptKey(orderId),
      html: brandedEmail({
        brand: { name: "Giftloop" },
        title: "Your receipt",
        preheader: `Paid ${total}.`,
        heading: "Thank you: your gifts are on their way",
        body: html`${paragraph(`We charged ${total} for ${order.recipientCount} gift${order.recipientCount === 1 ? "" : "s"}. The receipt is attached as a PDF.`)}`,
        button: { label: "Follow your order", url },
        footer: "You get this email because you pay or manage gifts for your team on Giftloop.",
      }),
      text: `We charged ${total} for ${order.recipientCount} gifts. The receipt is attached as a PDF.\nFollow your order: ${url}`,
      attachments: [{ filename: receipt.filename, content: receipt.pdf, contentType: "application/pdf" }],
    });
  },
});

export async function enqueueBuyerReceipt(deps: Pick<Deps, "jobs">, tx: EnqueueTx, orderId: string): Promise<void> {
  await deps.jobs.enqueue(tx, buyerReceiptJob, { orderId }, { key: receiptKey(orderId) });
}
