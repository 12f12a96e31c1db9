import { z } from "zod";
import { defineJob } from "../jobs/registry.ts";
import { brandedEmail, paragraph } from "../integrations/email/branded-layout.ts";
import { html } from "../integrations/email/html.ts";

/**
 * The daily digest a buyer organisation can opt into (Team page): the gifts its recipients
 * redeemed in the last day, per order, to its owners and admins. One email per organisation
 * and day (the idempotency key), none on a day without redemptions.
 */
/** Daily: one digest email job per organisation that opted in and had redemptions, keyed by organisation and day. */
export const redemptionDigestJob = defineJob({
  type: "buyers.redemption_digest",
  schema: z.object({}),
  maxAttempts: 5,
  backoff: { baseMs: 60_000, maxMs: 60 * 60_000 },
  async handler(_payload, ctx) {
    const since = new Date(Date.now() - 24 * 3600_000);
    const day = new Date().toISOString().slice(0, 10);
    const orgs = await ctx.deps.db.sql.query<{ id: string }>(
      `SELECT DISTINCT o.buyer_org_id::text AS id
       FROM fulfillment_unit u JOIN gift_order o ON o.id = u.order_id JOIN buyer_org b ON b.id = o.buyer_org_id
       WHERE b.digest_opt_in AND u.redeemed_at >= $1`,
      [since],
    );
    for (const { id } of orgs) {
      await ctx.deps.jobs.enqueue(ctx.deps.db.prisma, redemptionDigestEmailJob, { orgId: id, since: since.toISOString() }, { key: `buyer-digest:${id}:${day}` });
    }
  },
});

export const redemptionDigestEmailJob = defineJob({
  type: "buyers.redemption_digest_email",
  schema: z.object({ orgId: z.uuid(), since: z.iso.datetime() }),
  maxAttempts: 8,
  backoff: { baseMs: 30_000, maxMs: 60 * 60_000 },
  async handler({ orgId, since }, ctx) {
    const { db, email, config } = ctx.deps;
    const mine = await db.sql.query<{ order_id: string; reference: string | null; n: number }>(
      `SELECT o.id::text AS order_id, o.buyer_reference AS reference, count(*)::int AS n
       FROM fulfillment_unit u JOIN gift_order o ON o.id = u.order_id
       WHERE o.buyer_org_id = $1::uuid AND u.redeemed_at >= $2
       GROUP BY 1, 2 ORDER BY 3 DESC`,
      [orgId, new Date(since)],
    );
    const org = await db.prisma.buyerOrg.findUnique({ where: { id: orgId } });
    if (!org?.digestOptIn || mine.length === 0) return;
    const members = await db.prisma.buyerMember.findMany({ where: { buyerOrgId: orgId, removedAt: null, joinedAt: { not: null }, role: { in: ["owner", "admin"] } } });
    const to = members.length ? members.map((m) => m.email) : [org.email];
    const total = mine.reduce((n, r) => n + r.n, 0);
    const base = config.publicUrl.replace(/\/$/, "");
    const lines = mine.map((r) => `${r.n} redeemed: order ${r.reference ?? r.order_id.slice(0, 8)} (${base}/buy/orders/${r.order_id})`);
    await email.send({
      to,
      subject: `${total} gift${total === 1 ? "" : "s"} redeemed today`,
      idempotencyKey: `buyer-digest:${orgId}:${since.slice(0, 10)}`,
      html: brandedEmail({
        brand: { name: "Giftloop" },
        title: "Today's redemptions",
        preheader: `${total} gifts redeemed.`,
        heading: `${total} gift${total === 1 ? "" : "s"} redeemed today`,
        body: html`${mine.map((r) => paragraph(html`<a href="${`${base}/buy/orders/${r.order_id}`}">Order ${r.reference ?? r.order_id.slice(0, 8)}</a>: ${String(r.n)} redeemed`))}`,
        footer: "You get this daily email because your team turned it on. Turn it off on the Team page.",
      }),
      text: `${total} gifts redeemed today:\n${lines.join("\n")}\n\nTurn this email off on the Team page.`,
    });
  },
});
