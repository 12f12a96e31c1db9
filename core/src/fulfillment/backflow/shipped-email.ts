import { html, safeHttpUrl } from "../../integrations/email/html.ts";

/**
 * "Your gift has shipped": the brand, what is on its way, and the tracking (carrier, number,
 * a button to the carrier's page) when the brand gave it. Inline styles, escaped values,
 * checked URLs, as the gift email.
 */
export interface ShippedEmailInput {
  brandName: string;
  recipientName: string;
  itemTitle?: string | null;
  carrier?: string | null;
  trackingNumber?: string | null;
  trackingUrl?: string | null;
  delivered?: boolean;
}

const FONT = "-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif";

export function renderShippedEmail(input: ShippedEmailInput): { subject: string; html: string; text: string } {
  const brand = input.brandName.replace(/\s+/g, " ").trim();
  const url = safeHttpUrl(input.trackingUrl ?? undefined);
  const what = input.itemTitle ? input.itemTitle.replace(/\s+/g, " ").trim() : "Your gift";
  const subject = input.delivered ? `Your gift from ${brand} has been delivered` : `Your gift from ${brand} has shipped`;
  const trackingLine = [input.carrier, input.trackingNumber].filter(Boolean).join(" ");
  const body = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${subject}</title></head>
<body style="margin:0;padding:0;background:#f4f4f5">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f4f5"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border-radius:8px;font-family:${FONT};color:#18181b">
<tr><td style="padding:28px 32px 8px;font-size:20px;font-weight:600">${brand}</td></tr>
<tr><td style="padding:8px 32px;font-size:16px;line-height:1.5">Hi ${input.recipientName},</td></tr>
<tr><td style="padding:8px 32px;font-size:16px;line-height:1.5">${what} is on its way${input.delivered ? " and has been delivered" : ""}.</td></tr>
${trackingLine ? html`<tr><td style="padding:8px 32px;font-size:16px;line-height:1.5">Tracking: <strong>${trackingLine}</strong></td></tr>` : html`<tr><td style="padding:8px 32px;font-size:14px;color:#52525b">The brand did not share tracking details for this shipment.</td></tr>`}
${url ? html`<tr><td style="padding:16px 32px 28px"><a href="${url}" style="display:inline-block;background:#18181b;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;font-size:16px">Track your gift</a></td></tr>` : ""}
</table></td></tr></table></body></html>`;
  const text = [
    `Hi ${input.recipientName},`,
    "",
    `${what} from ${brand} is on its way${input.delivered ? " and has been delivered" : ""}.`,
    trackingLine ? `Tracking: ${trackingLine}` : "The brand did not share tracking details for this shipment.",
    url ? `Track it: ${url}` : "",
  ]
    .filter((l, i, a) => l !== "" || (i > 0 && a[i - 1] !== ""))
    .join("\n");
  return { subject, html: body.value, text };
}
