import { brandedEmail, FONT, paragraph, type Brand } from "../../integrations/email/branded-layout.ts";
import { html, safeHttpUrl } from "../../integrations/email/html.ts";

/**
 * "Your gift has shipped" (or delivered), in the brand's look (its colour and logo, as the
 * gift email): what is on its way, the tracking (carrier, number, a link to the carrier's
 * page) when the brand gave it, and a button back to the gift page, where the recipient
 * follows it and can thank the sender. Escaped values, checked URLs.
 */
export interface ShippedEmailInput {
  brandName: string;
  brandColor?: string | null;
  brandLogoUrl?: string | null;
  recipientName: string;
  itemTitle?: string | null;
  carrier?: string | null;
  trackingNumber?: string | null;
  trackingUrl?: string | null;
  delivered?: boolean;
  /** The recipient's gift page (the gift link). */
  giftUrl?: string | null;
}

export function renderShippedEmail(input: ShippedEmailInput): { subject: string; html: string; text: string } {
  const brandName = input.brandName.replace(/\s+/g, " ").trim();
  const brand: Brand = { name: brandName, color: input.brandColor ?? null, logoUrl: input.brandLogoUrl ?? null };
  const url = safeHttpUrl(input.trackingUrl ?? undefined);
  const giftUrl = safeHttpUrl(input.giftUrl ?? undefined);
  const what = input.itemTitle ? input.itemTitle.replace(/\s+/g, " ").trim() : "Your gift";
  const firstName = input.recipientName.trim().split(/\s+/)[0] ?? "";
  const subject = input.delivered ? `Your gift from ${brandName} has been delivered` : `Your gift from ${brandName} has shipped`;
  const trackingLine = [input.carrier, input.trackingNumber].filter(Boolean).join(" ");
  const status = input.delivered ? "has been delivered" : "is on its way";
  const body = html`${paragraph(firstName ? `Hi ${firstName},` : "Hi,")}
${paragraph(html`<strong>${what}</strong> ${status}.`)}
${trackingLine
    ? html`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 16px;background-color:#fafafa;border-radius:8px;"><tr><td style="padding:14px 16px;font-family:${FONT};font-size:15px;line-height:22px;color:#27272a;">Tracking: <strong>${trackingLine}</strong>${url ? html`<br><a href="${url}" target="_blank" style="color:#3f3f46;">Track it with the carrier</a>` : ""}</td></tr></table>`
    : paragraph("The brand did not share tracking details for this shipment.", "font-size:14px;color:#52525b;")}`;
  const out = brandedEmail({
    brand,
    title: subject,
    preheader: `${what} ${status}.${trackingLine ? ` Tracking: ${trackingLine}.` : ""}`,
    heading: input.delivered ? "Your gift has arrived" : "Your gift has shipped",
    body,
    ...(giftUrl ? { button: { label: "See your gift", url: giftUrl } } : {}),
    footer: `Sent on behalf of ${brandName}.`,
  });
  const text = [
    firstName ? `Hi ${firstName},` : "Hi,",
    "",
    `${what} from ${brandName} ${status}.`,
    trackingLine ? `Tracking: ${trackingLine}` : "The brand did not share tracking details for this shipment.",
    ...(url ? [`Track it: ${url}`] : []),
    ...(giftUrl ? ["", `See your gift: ${giftUrl}`] : []),
    "",
  ].join("\n");
  return { subject, html: out, text };
}
