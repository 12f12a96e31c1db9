import { z } from "zod";
import { defineJob } from "../jobs/registry.ts";
import { jobInsertSql } from "../jobs/queue.ts";
import { statement } from "../platform/db/connect.ts";
import { refuse, type Outcome, type Refusal } from "../platform/use-case.ts";
import { brandedEmail, paragraph } from "../integrations/email/branded-layout.ts";
import { html, multiline } from "../integrations/email/html.ts";
import { giftViewJson, UUID, type GiftViewDeps } from "./gift-view.ts";
import type { RecipientContext } from "./recipient-context.ts";

/**
 * The recipient's thank-you note to the sender, once, after redeeming: stored on the unit
 * (the buyer sees it on the order, `GET /v1/orders/{id}`) and emailed to the buyer's contact
 * by a job enqueued in the same statement (`redemption.send_thank_you`, keyed per unit).
 */
export const THANK_YOU_MAX_LENGTH = 1000;
export const THANK_YOU_JOB = "redemption.send_thank_you";
const THANK_YOU_ATTEMPTS = 8;

export type ThankYouRefusalCode = "not_found" | "not_redeemed" | "unavailable" | "already_sent";

/** `view`: the gift as it now stands (with the note), a `GiftView` as JSON text. */
export type ThankYouResult = Outcome<{ view: string }, ThankYouRefusalCode>;

const THANK_YOU_REFUSALS: Record<ThankYouRefusalCode, string> = {
  not_found: "This gift no longer exists.",
  not_redeemed: "Redeem your gift first; then you can thank the sender.",
  already_sent: "You already sent a thank-you note for this gift.",
  unavailable: "This gift was canceled.",
};

const thankYouRefusal = (code: ThankYouRefusalCode): Refusal<ThankYouRefusalCode> => refuse(code, THANK_YOU_REFUSALS[code]);

const SEND = statement(
  `WITH u AS MATERIALIZED (
     SELECT f.id, f.status::text AS status, f.thank_you_at FROM fulfillment_unit f WHERE f.id = $1::uuid FOR UPDATE
   ), checked AS MATERIALIZED (
     SELECT u.id, CASE
       WHEN u.status IN ('issued', 'sent') THEN 'not_redeemed'
       WHEN u.status NOT IN ('redeemed', 'pushed', 'shipped', 'delivered') THEN 'unavailable'
       WHEN u.thank_you_at IS NOT NULL THEN 'already_sent'
     END AS refusal
     FROM u
   ), upd AS (
     UPDATE fulfillment_unit f SET thank_you_note = $2, thank_you_at = now()
     FROM checked c WHERE f.id = c.id AND c.refusal IS NULL
     RETURNING f.id
   ), job AS (
     ${jobInsertSql({ type: THANK_YOU_JOB, maxAttempts: THANK_YOU_ATTEMPTS }, { from: "upd", payload: "jsonb_build_object('unitId', upd.id)", key: "'unit:' || upd.id || ':thank-you'" })}
   )
   SELECT COALESCE((SELECT refusal FROM checked), 'not_found') AS refusal, (SELECT count(*)::int FROM upd) AS sent`,
);

/** The recipient of `ctx.tenant.unitId` thanks the sender with `input.message`, once, after redeeming. */
export async function sendThankYou(ctx: RecipientContext, deps: GiftViewDeps, input: { message: string }): Promise<ThankYouResult> {
  const { unitId } = ctx.tenant;
  if (!UUID.test(unitId)) return thankYouRefusal("not_found");
  const [row] = await ctx.db.sql.query<{ refusal: ThankYouRefusalCode | null; sent: number }>(SEND, [unitId, input.message]);
  if (!row || row.sent === 0) return thankYouRefusal(row?.refusal ?? "not_found");
  const view = await giftViewJson(ctx, deps);
  return view ? { ok: true, view } : thankYouRefusal("not_found");
}

/** The buyer's email: who thanked them, for which gift, in the brand's look; replies go to the recipient. */
export function renderThankYouEmail(p: { recipientName: string; brandName: string; brandColor?: string | null; giftTitle: string | null; senderName: string | null; message: string }) {
  const who = p.recipientName.replace(/\s+/g, " ").trim();
  const subject = `${who} sent you a thank-you note`;
  const body = html`${paragraph(p.senderName ? `Hi ${p.senderName.trim()},` : "Hi,")}
${paragraph(html`${who} received ${p.giftTitle ? html`<strong>${p.giftTitle}</strong>` : "your gift"} from ${p.brandName} and wrote back:`)}
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 16px;"><tr>
<td style="border-left:4px solid #a1a1aa;background-color:#fafafa;padding:16px 20px;font-family:-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:24px;color:#27272a;font-style:italic;">${multiline(p.message)}<br>
<span style="font-style:normal;color:#71717a;">— ${who}</span></td>
</tr></table>
${paragraph("Reply to this email to answer them directly.", "font-size:14px;color:#52525b;")}`;
  return {
    subject,
    html: brandedEmail({
      brand: { name: p.brandName, color: p.brandColor ?? null },
      title: subject,
      preheader: `${who}: ${p.message.slice(0, 80)}`,
      heading: "A thank-you note for your gift",
      body,
      footer: `You sent this gift with Giftloop and ${p.brandName}. It is also on the order, with each recipient's status.`,
    }),
    text: [
      p.senderName ? `Hi ${p.senderName.trim()},` : "Hi,",
      "",
      `${who} received ${p.giftTitle ?? "your gift"} from ${p.brandName} and wrote back:`,
      "",
      ...p.message.split("\n").map((l) => `> ${l}`),
      `> — ${who}`,
      "",
      "Reply to this email to answer them directly.",
      "",
    ].join("\n"),
  };
}

export const thankYouEmailJob = defineJob({
  type: THANK_YOU_JOB,
  schema: z.object({ unitId: z.uuid() }),
  maxAttempts: THANK_YOU_ATTEMPTS,
  backoff: { baseMs: 30_000, maxMs: 60 * 60_000 },
  async handler({ unitId }, ctx) {
    const [u] = await ctx.deps.db.sql.query<{
      note: string | null;
      recipient_name: string;
      recipient_email: string;
      buyer_email: string;
      sender_name: string | null;
      brand: string;
      accent_color: string;
      item: string | null;
    }>(
      `SELECT u.thank_you_note AS note, u.recipient_name, u.recipient_email, b.email AS buyer_email, o.sender_name, v.name AS brand, s.accent_color,
              p.title || CASE WHEN va.title IS NULL OR va.title = 'Default Title' THEN '' ELSE ' (' || va.title || ')' END AS item
       FROM fulfillment_unit u JOIN gift_order o ON o.id = u.order_id JOIN buyer_org b ON b.id = o.buyer_org_id
       JOIN storefront s ON s.id = o.storefront_id JOIN vendor v ON v.id = u.vendor_id
       LEFT JOIN variant va ON va.id = u.chosen_variant_id LEFT JOIN product p ON p.id = va.product_id
       WHERE u.id = $1::uuid`,
      [unitId],
    );
    if (!u?.note) return; // redacted (privacy request) or gone
    const email = renderThankYouEmail({ recipientName: u.recipient_name, brandName: u.brand, brandColor: u.accent_color, giftTitle: u.item, senderName: u.sender_name, message: u.note });
    await ctx.deps.email.send({
      to: u.buyer_email,
      fromName: `${u.recipient_name} via Giftloop`,
      replyTo: u.recipient_email,
      subject: email.subject,
      html: email.html,
      text: email.text,
      idempotencyKey: `unit:${unitId}:thank-you`,
    });
  },
});
