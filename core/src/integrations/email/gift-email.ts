import { formatCode, normalizeCode } from "../../redemption/codes/codes.ts";
import type { EmailAttachment } from "./email.ts";
import { html, multiline, safeHttpUrl, type SafeHtml } from "./html.ts";

/**
 * The email that delivers a gift to its recipient: the brand's name or logo, a greeting by
 * first name, who sent it and their message, the gift itself (its picture and name), a big
 * button to the gift page, the QR code of the same link (an inline PNG: clients that block
 * images still get the button, the typed code and the link as text), the code grouped for
 * typing, and the expiry date. The same layout reminds a recipient who has not opened it yet
 * (`kind`: `reminder`, or `last_reminder` a few days before it expires).
 *
 * Built for mail clients: table layout, inline styles only, no external CSS, no script,
 * fluid up to 600 px. Every value from people is escaped (see html.ts); URLs are checked.
 * The copy is English; `locale` sets the document language and how the date is written.
 */
export interface GiftEmailInput {
  brandName: string;
  /** https only; otherwise the brand name is shown instead. */
  brandLogoUrl?: string;
  /** `#rgb` or `#rrggbb`; otherwise the default indigo. */
  brandColor?: string;
  recipientName: string;
  senderName?: string;
  /** The sender's personal message, plain text (line breaks are kept). */
  message?: string;
  /** An absolute http(s) URL (see giftLinkUrl). */
  giftUrl: string;
  code: string;
  /** The QR code of giftUrl (see qrPng), shown at 200×200 CSS px. */
  qrPng: Buffer;
  expiresAt?: Date;
  /** BCP 47 tag, e.g. `en-GB` or `de-DE` (default `en`). */
  locale?: string;
  /** IANA zone for the expiry date (default UTC). */
  timeZone?: string;
  /** What the gift is: its name, a line about it, and a picture (http(s) only; none: no picture). */
  gift?: { title: string; detail?: string; imageUrl?: string | null };
  /** The first email (default), or a reminder of a gift not yet redeemed. */
  kind?: "gift" | "reminder" | "last_reminder";
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  attachments: EmailAttachment[];
}

export const GIFT_QR_CID = "gift-qr@giftloop";
const DEFAULT_COLOR = "#4f46e5";
// Unquoted family names (valid CSS), so the style attributes need no entities.
const FONT = "-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif";
const MONO = "SFMono-Regular,Menlo,Consolas,Courier New,monospace";
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function renderGiftEmail(input: GiftEmailInput): RenderedEmail {
  const giftUrl = safeHttpUrl(input.giftUrl);
  if (!giftUrl) throw new TypeError("giftUrl must be an absolute http(s) URL");
  if (!Buffer.isBuffer(input.qrPng) || !input.qrPng.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw new TypeError("qrPng must be a PNG image");
  }
  const brandName = oneLine(input.brandName);
  if (!brandName) throw new TypeError("brandName is required");
  const recipientName = oneLine(input.recipientName);
  const senderName = oneLine(input.senderName);
  const message = input.message?.replace(/\r\n?/g, "\n").trim() || undefined;
  const code = normalizeCode(input.code) ? formatCode(input.code) : oneLine(input.code);
  if (!code) throw new TypeError("code is required");
  const logoUrl = safeHttpUrl(input.brandLogoUrl, { httpsOnly: true });
  const color = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(input.brandColor ?? "") ? input.brandColor!.toLowerCase() : DEFAULT_COLOR;
  const onColor = readableTextOn(color);
  const lang = canonicalLocale(input.locale);
  const expires = input.expiresAt ? formatDate(input.expiresAt, lang, input.timeZone) : undefined;

  const kind = input.kind ?? "gift";
  const firstName = recipientName.split(" ")[0] ?? "";
  const sent = senderName ? `${senderName} sent you a gift from ${brandName}` : `You've received a gift from ${brandName}`;
  const subject =
    kind === "gift"
      ? sent
      : kind === "reminder"
        ? `Reminder: your gift from ${brandName} is waiting for you`
        : `Your gift from ${brandName} expires${expires ? ` on ${expires}` : " soon"}`;
  const greeting = firstName ? `Hi ${firstName},` : "Hi,";
  const lead =
    kind === "gift"
      ? `${sent}.`
      : kind === "reminder"
        ? `${senderName ? `${senderName} sent you a gift from ${brandName}` : `Your gift from ${brandName}`}, and it's still waiting for you. Choose it and tell us where to send it: it only takes a minute.`
        : `${senderName ? `The gift ${senderName} sent you from ${brandName}` : `Your gift from ${brandName}`} is still waiting for you, but not for long. Open it before it expires.`;
  const heading = kind === "gift" ? "You've got a gift!" : kind === "reminder" ? "Your gift is waiting" : "Your gift expires soon";
  const preheader = expires ? `${lead} Redeem it by ${expires}.` : lead;
  const giftTitle = oneLine(input.gift?.title);
  const giftDetail = oneLine(input.gift?.detail);
  const giftImage = safeHttpUrl(input.gift?.imageUrl ?? undefined);

  const p = (content: SafeHtml | string, style = "") =>
    html`<p style="margin:0 0 16px;font-family:${FONT};font-size:16px;line-height:24px;color:#3f3f46;${style}">${content}</p>`;

  const header = logoUrl
    ? html`<img src="${logoUrl}" alt="${brandName}" height="48" style="display:block;height:48px;width:auto;max-width:240px;border:0;outline:none;text-decoration:none;">`
    : html`<span style="font-family:${FONT};font-size:22px;line-height:28px;font-weight:bold;color:${onColor};">${brandName}</span>`;

  const messageBlock = message
    ? html`<tr><td style="padding:0 32px 24px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr>
<td style="border-left:4px solid ${color};background-color:#fafafa;padding:16px 20px;font-family:${FONT};font-size:16px;line-height:24px;color:#27272a;font-style:italic;">${multiline(message)}${senderName ? html`<br>
<span style="font-style:normal;color:#71717a;">— ${senderName}</span>` : ""}</td>
</tr></table>
</td></tr>`
    : "";

  const body = html`<!DOCTYPE html>
<html lang="${lang}" xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="color-scheme" content="light">
<meta name="supported-color-schemes" content="light">
<title>${subject}</title>
</head>
<body style="margin:0;padding:0;width:100%;background-color:#f4f4f5;">
<div style="display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all;">${preheader}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f4f5;">
<tr><td align="center" style="padding:24px 12px;">
<!--[if mso]><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background-color:#ffffff;border-radius:12px;">
<tr><td align="center" bgcolor="${color}" style="background-color:${color};padding:24px 32px;border-radius:12px 12px 0 0;">${header}</td></tr>
<tr><td style="padding:32px 32px 8px;">
<h1 style="margin:0 0 16px;font-family:${FONT};font-size:26px;line-height:34px;font-weight:bold;color:#18181b;">${heading}</h1>
${p(greeting)}
${p(lead)}
</td></tr>
${messageBlock}
${giftTitle ? giftBlock(giftTitle, giftDetail, giftImage) : ""}
<tr><td align="center" style="padding:8px 32px 32px;">
<table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr>
<td align="center" bgcolor="${color}" style="border-radius:8px;background-color:${color};">
<a href="${giftUrl}" target="_blank" style="display:inline-block;padding:16px 40px;font-family:${FONT};font-size:18px;line-height:24px;font-weight:bold;color:${onColor};text-decoration:none;border-radius:8px;">Open your gift</a>
</td>
</tr></table>
</td></tr>
<tr><td align="center" style="padding:0 32px 24px;">
${p("Or scan this code with your phone's camera:", "color:#71717a;font-size:14px;line-height:20px;")}
<img src="cid:${GIFT_QR_CID}" width="200" height="200" alt="QR code that opens your gift" style="display:block;width:200px;height:200px;border:0;outline:none;text-decoration:none;">
</td></tr>
<tr><td align="center" style="padding:0 32px 24px;">
${p("Your gift code", "margin:0 0 8px;color:#71717a;font-size:14px;line-height:20px;")}
<table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr>
<td align="center" style="background-color:#f4f4f5;border:1px dashed #a1a1aa;border-radius:8px;padding:12px 14px;font-family:${MONO};font-size:20px;line-height:28px;font-weight:bold;letter-spacing:1px;white-space:nowrap;color:#18181b;">${code}</td>
</tr></table>
${expires ? p(html`Redeem by <strong>${expires}</strong>.`, "margin:16px 0 0;") : ""}
</td></tr>
<tr><td style="padding:0 32px 32px;">
${p(html`If the button does not work, copy this link into your browser:<br>
<a href="${giftUrl}" target="_blank" style="color:${linkColor(color)};word-break:break-all;">${giftUrl}</a>`, "font-size:14px;line-height:20px;color:#71717a;")}
</td></tr>
<tr><td style="padding:20px 32px;border-top:1px solid #e4e4e7;">
${p("Keep this code private: anyone who has it can redeem the gift.", "margin:0 0 8px;font-size:12px;line-height:18px;color:#a1a1aa;")}
${p(`Sent on behalf of ${brandName}.`, "margin:0;font-size:12px;line-height:18px;color:#a1a1aa;")}
</td></tr>
</table>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr>
</table>
</body>
</html>
`;

  const text = [
    greeting,
    "",
    lead,
    ...(message ? ["", ...message.split("\n").map((l) => `> ${l}`), ...(senderName ? [`> — ${senderName}`] : [])] : []),
    ...(giftTitle ? ["", `Your gift: ${giftTitle}${giftDetail ? ` (${giftDetail})` : ""}`] : []),
    "",
    `Open your gift: ${giftUrl}`,
    "",
    `Your gift code: ${code}`,
    ...(expires ? [`Redeem by ${expires}.`] : []),
    "",
    "Keep this code private: anyone who has it can redeem the gift.",
    `Sent on behalf of ${brandName}.`,
    "",
  ].join("\n");

  return {
    subject,
    html: body.value,
    text,
    attachments: [{ filename: "gift-qr.png", content: input.qrPng, contentType: "image/png", cid: GIFT_QR_CID }],
  };
}

/** The gift's picture (when it has one), name and line, as a card. */
function giftBlock(title: string, detail: string, imageUrl: string | undefined): SafeHtml {
  return html`<tr><td align="center" style="padding:0 32px 24px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border:1px solid #e4e4e7;border-radius:12px;">
${imageUrl ? html`<tr><td align="center" style="padding:16px 16px 0;"><img src="${imageUrl}" width="200" height="200" alt="${title}" style="display:block;width:200px;height:200px;object-fit:cover;border:0;border-radius:8px;outline:none;text-decoration:none;"></td></tr>` : ""}
<tr><td align="center" style="padding:16px;font-family:${FONT};">
<p style="margin:0;font-size:18px;line-height:26px;font-weight:bold;color:#18181b;">${title}</p>
${detail ? html`<p style="margin:4px 0 0;font-size:14px;line-height:20px;color:#52525b;">${detail}</p>` : ""}
</td></tr>
</table>
</td></tr>`;
}

/** Trimmed, with control characters and runs of whitespace collapsed to one space. */
function oneLine(value: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  return (value ?? "").replace(/[\s\u0000-\u001f\u007f]+/g, " ").trim();
}

function canonicalLocale(locale: string | undefined): string {
  try {
    return Intl.getCanonicalLocales(locale ?? "en")[0] ?? "en";
  } catch {
    return "en";
  }
}

function formatDate(date: Date, lang: string, timeZone = "UTC"): string {
  if (Number.isNaN(date.getTime())) throw new TypeError("expiresAt is not a valid date");
  try {
    return new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: "UTC" }).format(date);
  }
}

function luminance(hex: string): number {
  const full = hex.length === 4 ? `#${hex[1]}${hex[1]}${hex[2]}${hex[2]}${hex[3]}${hex[3]}` : hex;
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: number, b: number): number {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** White or near-black, whichever reads better on the brand colour (WCAG contrast). */
export function readableTextOn(hex: string): string {
  const l = luminance(hex);
  return contrast(l, 1) >= contrast(l, luminance("#18181b")) ? "#ffffff" : "#18181b";
}

/** The brand colour for links on white, unless it is too pale to read. */
export function linkColor(hex: string): string {
  return contrast(luminance(hex), 1) >= 3 ? hex : "#3f3f46";
}
