import { z } from "zod";
import { defineJob } from "../jobs/registry.ts";
import { renderGiftEmail } from "../integrations/email/gift-email.ts";
import { unitLifecycle } from "../platform/lifecycle/lifecycles.ts";
import { giftLinkUrl, openCode } from "../redemption/codes/codes.ts";
import { qrPng } from "../redemption/codes/qr.ts";
import { isOnHold, orderOnHoldNow } from "../orders/order-hold.ts";

/** The gift email's job key, also the email's idempotency key: one gift email per unit. */
export const giftEmailKey = (unitId: string) => `unit:${unitId}:gift-email`;
/** `giftEmailKey` in SQL, over an SQL expression that gives the unit id. */
export const giftEmailKeySql = (unitIdSql: string) => `'unit:' || ${unitIdSql} || ':gift-email'`;

/**
 * Sends one recipient's gift email (brand, message, button link, QR code) and marks the
 * unit sent. Runs at the unit's send date. Held while the payment is disputed (the order is on
 * hold: orders/order-hold.ts), and sent by the dispute's close if it is won. A retry after a
 * send whose bookkeeping failed sends the same message again (same Message-ID, so mail
 * systems can tell) rather than risk not sending it.
 */
export const giftEmailJob = defineJob({
  type: "fulfillment.send_gift_email",
  schema: z.object({ unitId: z.uuid() }),
  maxAttempts: 8,
  backoff: { baseMs: 30_000, maxMs: 60 * 60_000 },
  async handler({ unitId }, ctx) {
    const { db } = ctx.deps;
    const unit = await db.prisma.fulfillmentUnit.findUnique({ where: { id: unitId }, include: { order: true } });
    if (!unit || unit.status !== "issued") return; // gone, sent already, or canceled meanwhile
    // Held while the payment is disputed; the dispute's close sends it (dispute-hold.ts).
    if (isOnHold(unit.order) && (await orderOnHoldNow(db, unit.orderId))) {
      ctx.log.warn({ unit: unitId }, "payment disputed: gift email held");
      return;
    }
    const storefront = await db.prisma.storefront.findUniqueOrThrow({ where: { id: unit.order.storefrontId }, include: { vendor: true } });
    const code = await openCode(ctx.deps.secrets, unit.codeSealed, unit.id);
    const giftUrl = giftLinkUrl(ctx.deps.config.giftLinkBaseUrl, code);
    // The public logo route (an https URL in production; mail clients ignore others).
    const brandLogoUrl = storefront.logoKey ? `${ctx.deps.config.publicUrl}/v1/storefronts/${storefront.slug}/logo` : undefined;
    const email = renderGiftEmail({
      brandName: storefront.vendor.name,
      ...(brandLogoUrl ? { brandLogoUrl } : {}),
      brandColor: storefront.accentColor,
      recipientName: unit.recipientName,
      ...(unit.order.senderName ? { senderName: unit.order.senderName } : {}),
      ...(unit.message ? { message: unit.message } : {}),
      giftUrl,
      code,
      qrPng: await qrPng(giftUrl, { size: 400 }),
      expiresAt: unit.expiresAt,
    });
    await ctx.deps.email.send({
      to: unit.recipientEmail,
      subject: email.subject,
      html: email.html,
      text: email.text,
      attachments: email.attachments,
      idempotencyKey: giftEmailKey(unit.id),
    });
    await db.prisma.$transaction((tx) =>
      unitLifecycle.transition(tx, {
        id: unit.id,
        to: "sent",
        expectedVersion: unit.version,
        actor: "system",
        reason: "gift email sent",
        set: { sent_at: new Date() },
      }),
    );
  },
});
