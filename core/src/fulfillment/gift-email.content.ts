import { renderGiftEmail, type RenderedEmail } from "../integrations/email/gift-email.ts";
import type { Deps } from "../platform/deps.ts";
import { giftLinkUrl, openCode } from "../redemption/codes/codes.ts";
import { qrPng } from "../redemption/codes/qr.ts";
import { choicesForOffers } from "../storefronts/offer-choices.ts";

/**
 * A recipient's gift email (or a reminder of it) as it goes out: from "<buyer> via <brand>"
 * (the address stays the platform's; replies go to the buyer's contact), greeting the
 * recipient by first name, showing the gift (its first choice's picture, its name, how many
 * items there are to choose from), with the gift link, its QR code and the typed code.
 */
export interface GiftEmailContent {
  to: string;
  fromName: string;
  replyTo?: string;
  email: RenderedEmail;
}

export async function giftEmailContent(
  deps: Pick<Deps, "db" | "secrets" | "config">,
  unitId: string,
  kind: "gift" | "reminder" | "last_reminder" = "gift",
): Promise<GiftEmailContent | undefined> {
  const unit = await deps.db.prisma.fulfillmentUnit.findUnique({ where: { id: unitId }, include: { order: { include: { buyerOrg: true } } } });
  if (!unit) return undefined;
  const storefront = await deps.db.prisma.storefront.findUniqueOrThrow({ where: { id: unit.order.storefrontId }, include: { vendor: true } });
  const offer = await deps.db.prisma.giftOffer.findUnique({ where: { id: unit.offerId }, select: { name: true } });
  const frozen = new Set(Array.isArray(unit.choices) ? (unit.choices as string[]) : []);
  const choices = ((await choicesForOffers(deps.db, [unit.offerId])).get(unit.offerId) ?? []).filter((c) => frozen.size === 0 || frozen.has(c.variantId));
  const products = new Set(choices.map((c) => c.productId)).size;
  const first = choices[0];
  const code = await openCode(deps.secrets, unit.codeSealed, unit.id);
  const giftUrl = giftLinkUrl(deps.config.giftLinkBaseUrl, code);
  // The public logo route (an https URL in production; mail clients ignore others).
  const brandLogoUrl = storefront.logoKey ? `${deps.config.publicUrl}/v1/storefronts/${storefront.slug}/logo` : undefined;
  const brand = storefront.vendor.name;
  const email = renderGiftEmail({
    kind,
    brandName: brand,
    ...(brandLogoUrl ? { brandLogoUrl } : {}),
    brandColor: storefront.accentColor,
    recipientName: unit.recipientName,
    ...(unit.order.senderName ? { senderName: unit.order.senderName } : {}),
    ...(unit.message ? { message: unit.message } : {}),
    gift: {
      title: offer?.name ?? first?.productTitle ?? "Your gift",
      detail: products > 1 ? `Choose from ${products} gifts` : first ? `${first.productTitle}${choices.length > 1 ? ": choose your option" : ""}` : "",
      imageUrl: first?.imageUrl ?? null,
    },
    giftUrl,
    code,
    qrPng: await qrPng(giftUrl, { size: 400 }),
    expiresAt: unit.expiresAt,
  });
  const buyer = unit.order.buyerOrg;
  return {
    to: unit.recipientEmail,
    fromName: `${buyer.name} via ${brand}`,
    ...(buyer.email?.includes("@") ? { replyTo: buyer.email } : {}),
    email,
  };
}

/**
 * Renders and sends a unit's gift email (or reminder) under `idempotencyKey`; nothing when the
 * unit is gone. The gift email job, the buyer's resend and the reminders all send this way.
 */
export async function sendGiftEmail(
  deps: Pick<Deps, "db" | "secrets" | "config" | "email">,
  unitId: string,
  kind: "gift" | "reminder" | "last_reminder",
  idempotencyKey: string,
): Promise<void> {
  const content = await giftEmailContent(deps, unitId, kind);
  if (!content) return;
  await deps.email.send({
    to: content.to,
    fromName: content.fromName,
    ...(content.replyTo ? { replyTo: content.replyTo } : {}),
    subject: content.email.subject,
    html: content.email.html,
    text: content.email.text,
    attachments: content.email.attachments,
    idempotencyKey,
  });
}
