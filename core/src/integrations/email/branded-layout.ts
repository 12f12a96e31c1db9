import { linkColor, readableTextOn } from "./gift-email.ts";
import { html, safeHttpUrl, type SafeHtml } from "./html.ts";

/**
 * The frame of the emails that follow a gift (shipped, thank-you note): the brand's colour
 * bar with its logo or name, a heading, the body, one button, and a footer. Table layout and
 * inline styles only, as the gift email; every value is escaped and URLs checked.
 */
export const FONT = "-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif";
const DEFAULT_COLOR = "#4f46e5";

export interface Brand {
  name: string;
  /** `#rgb` or `#rrggbb`; otherwise the default indigo. */
  color?: string | null;
  /** https only; otherwise the name is shown. */
  logoUrl?: string | null;
}

export const brandColor = (c: string | null | undefined) => (/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(c ?? "") ? c!.toLowerCase() : DEFAULT_COLOR);

export const paragraph = (content: SafeHtml | string, style = "") =>
  html`<p style="margin:0 0 16px;font-family:${FONT};font-size:16px;line-height:24px;color:#3f3f46;${style}">${content}</p>`;

export function brandedEmail(p: {
  brand: Brand;
  title: string;
  preheader: string;
  heading: string;
  body: SafeHtml;
  button?: { label: string; url: string };
  footer: string;
}): string {
  const color = brandColor(p.brand.color);
  const onColor = readableTextOn(color);
  const logo = safeHttpUrl(p.brand.logoUrl ?? undefined, { httpsOnly: true });
  const url = p.button ? safeHttpUrl(p.button.url) : undefined;
  const header = logo
    ? html`<img src="${logo}" alt="${p.brand.name}" height="48" style="display:block;height:48px;width:auto;max-width:240px;border:0;outline:none;text-decoration:none;">`
    : html`<span style="font-family:${FONT};font-size:22px;line-height:28px;font-weight:bold;color:${onColor};">${p.brand.name}</span>`;
  return html`<!DOCTYPE html>
<html lang="en" xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${p.title}</title>
</head>
<body style="margin:0;padding:0;width:100%;background-color:#f4f4f5;">
<div style="display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all;">${p.preheader}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f4f5;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background-color:#ffffff;border-radius:12px;">
<tr><td align="center" bgcolor="${color}" style="background-color:${color};padding:24px 32px;border-radius:12px 12px 0 0;">${header}</td></tr>
<tr><td style="padding:32px 32px 8px;">
<h1 style="margin:0 0 16px;font-family:${FONT};font-size:24px;line-height:32px;font-weight:bold;color:#18181b;">${p.heading}</h1>
${p.body}
</td></tr>
${url ? html`<tr><td align="center" style="padding:8px 32px 32px;">
<table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr>
<td align="center" bgcolor="${color}" style="border-radius:8px;background-color:${color};">
<a href="${url}" target="_blank" style="display:inline-block;padding:14px 32px;font-family:${FONT};font-size:17px;line-height:24px;font-weight:bold;color:${onColor};text-decoration:none;border-radius:8px;">${p.button!.label}</a>
</td></tr></table>
${paragraph(html`Or open <a href="${url}" target="_blank" style="color:${linkColor(color)};word-break:break-all;">${url}</a>`, "margin:16px 0 0;font-size:13px;line-height:20px;color:#71717a;")}
</td></tr>` : ""}
<tr><td style="padding:20px 32px;border-top:1px solid #e4e4e7;">
${paragraph(p.footer, "margin:0;font-size:12px;line-height:18px;color:#a1a1aa;")}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`.value;
}
