import { z } from "zod";
import { html } from "../integrations/email/html.ts";
import { defineJob } from "../jobs/registry.ts";
import type { Deps } from "../platform/deps.ts";
import { formatMoney } from "../platform/money.ts";
import { appLink, brandRecipient, LAYOUT, type Recipient } from "../vendors/brand-notifications.ts";

/** The brand's payout summary email, once per paid payout (same Message-ID on a retry). */
export const payoutPaidEmailJob = defineJob({
  type: "payouts.paid_email",
  schema: z.object({ payoutId: z.uuid() }),
  maxAttempts: 8,
  backoff: { baseMs: 30_000, maxMs: 60 * 60_000 },
  async handler({ payoutId }, ctx) {
    const [p] = await ctx.deps.db.sql.query<{
      vendor_id: string; currency: string; amount: number; lines_amount: number; adjustments_amount: number; commission_amount: number;
      line_count: number; orders: number; paid_at: Date | null; status: string;
    }>(
      `SELECT p.vendor_id::text, p.currency, p.amount, p.lines_amount, p.adjustments_amount, p.commission_amount, p.line_count, p.paid_at, p.status::text AS status,
              (SELECT count(*)::int FROM payout_transfer t WHERE t.payout_id = p.id) AS orders
       FROM payout p WHERE p.id = $1::uuid`,
      [payoutId],
    );
    if (!p || p.status !== "paid") return;
    const to = await brandRecipient(ctx.deps, p.vendor_id);
    if (!to) {
      ctx.log.info({ payoutId, vendorId: p.vendor_id }, "no notification email for this brand: payout summary not emailed");
      return;
    }
    await ctx.deps.email.send({ to: to.to, ...payoutEmail(ctx.deps, to, payoutId, p), idempotencyKey: `payouts.paid_email:${payoutId}` });
  },
});

export function payoutEmail(
  deps: Pick<Deps, "config">,
  to: Recipient,
  payoutId: string,
  p: { currency: string; amount: number; lines_amount: number; adjustments_amount: number; commission_amount: number; line_count: number; orders: number },
) {
  const money = (n: number) => formatMoney(n, p.currency);
  const gifts = `${p.line_count} gift${p.line_count === 1 ? "" : "s"}`;
  const link = appLink(deps, to.shop, `/app/payouts/${payoutId}`);
  const subject = `Payout sent: ${money(p.amount)} for ${gifts}`;
  const rows: Array<[string, string]> = [
    [`Your share of ${gifts} shipped (${p.orders} order${p.orders === 1 ? "" : "s"})`, money(p.lines_amount)],
    ...(p.adjustments_amount !== 0 ? ([["Amounts owed back from earlier payouts", money(p.adjustments_amount)]] as Array<[string, string]>) : []),
    ["Paid to your Stripe account", money(p.amount)],
  ];
  const text = [
    `We paid ${money(p.amount)} to ${to.brand}'s Stripe account for ${gifts} you shipped.`,
    "",
    ...rows.map(([k, v]) => `  ${k}: ${v}`),
    `  (Platform commission already taken from your share: ${money(p.commission_amount)})`,
    "",
    "Stripe pays it out to your bank on your Stripe payout schedule.",
    `See each gift in the payout: ${link}`,
  ].join("\n");
  const body = html`<p style="margin:0 0 12px">We paid <strong>${money(p.amount)}</strong> to ${to.brand}'s Stripe account for ${gifts} you shipped.</p>
<table style="border-collapse:collapse;width:100%;margin:0 0 12px">${rows.map(
    ([k, v]) => html`<tr><td style="padding:6px 0;border-bottom:1px solid #ebebeb">${k}</td><td style="padding:6px 0;border-bottom:1px solid #ebebeb;text-align:right;font-weight:600">${v}</td></tr>`,
  )}</table>
<p style="margin:0 0 12px;color:#616161">Platform commission already taken from your share: ${money(p.commission_amount)}. Stripe pays it out to your bank on your Stripe payout schedule.</p>
<p style="margin:0"><a href="${link}" style="display:inline-block;background:#303030;color:#fff;text-decoration:none;padding:10px 16px;border-radius:8px;font-weight:600">View the payout</a></p>`;
  return { subject, text, html: String(LAYOUT(subject, body, `You get this email because ${to.brand} sells gifts with Giftloop. Change where it goes in the app's Settings.`)) };
}
