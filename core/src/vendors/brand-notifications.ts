import { createHash } from "node:crypto";
import { z } from "zod";
import { defineJob } from "../jobs/registry.ts";
import type { EnqueueTx } from "../jobs/queue.ts";
import { html } from "../integrations/email/html.ts";
import type { Deps } from "../platform/deps.ts";
import { formatMoney } from "../platform/money.ts";

/**
 * Emails to the brand, at its notification email (Settings; else the shop's contact email):
 *  - one per paid gift order that holds its gifts: who ordered, how many recipients, which
 *    offers, and what the gifts are worth to the brand (`brandNewOrderJob`, enqueued when the
 *    order is split into units, in that transaction; it then checks the brand's stock);
 *  - low-stock warnings: stock of a variant (or of a product whose single-item gifts let the
 *    recipient pick a variant) below what gifts already sent and waiting to be redeemed will
 *    take (`lowStockScanJob`, scheduled and after each paid order). One warning per vendor,
 *    day and set of short items: the job key says so, so a brand is not told twice.
 * Payout summaries are sent by payouts/payout-email.ts with these same helpers.
 */

export interface Recipient {
  to: string;
  brand: string;
  shop: string;
}

export async function brandRecipient(deps: Pick<Deps, "db">, vendorId: string): Promise<Recipient | undefined> {
  const [v] = await deps.db.sql.query<{ email: string | null; shop_email: string | null; name: string; shop_domain: string; status: string }>(
    "SELECT email, shop_email, name, shop_domain, status::text AS status FROM vendor WHERE id = $1::uuid",
    [vendorId],
  );
  const to = v?.email ?? v?.shop_email;
  if (!v || v.status !== "active" || !to) return undefined;
  return { to, brand: v.name, shop: v.shop_domain };
}

/** A page of the embedded app, opened through Shopify admin (as the packing manifest's QR codes do). */
export function appLink(deps: Pick<Deps, "config">, shop: string, path: string): string {
  return `${deps.config.shopifyAppUrl.replace(/\/+$/, "")}${path}?shop=${encodeURIComponent(shop)}`;
}

export const LAYOUT = (title: string, body: ReturnType<typeof html>, footer: string) =>
  html`<!doctype html><html><body style="margin:0;background:#f1f1f1;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#303030">
<div style="max-width:560px;margin:0 auto;padding:24px 16px"><div style="background:#fff;border-radius:12px;padding:24px">
<h1 style="font-size:20px;margin:0 0 16px">${title}</h1>${body}</div>
<p style="font-size:12px;color:#616161;margin:16px 8px">${footer}</p></div></body></html>`;

// ---------------------------------------------------------------------------- new gift order

export const brandNewOrderKey = (orderId: string) => `brand:new-order:${orderId}`;

export const brandNewOrderJob = defineJob({
  type: "vendors.notify_new_order",
  schema: z.object({ orderId: z.uuid() }),
  maxAttempts: 8,
  backoff: { baseMs: 30_000, maxMs: 60 * 60_000 },
  async handler({ orderId }, ctx) {
    const rows = await ctx.deps.db.sql.query<{
      vendor_id: string;
      buyer: string;
      reference: string | null;
      currency: string;
      offer: string;
      n: number;
      amount: number;
      first_send: Date | string;
    }>(
      `SELECT u.vendor_id::text AS vendor_id, b.name AS buyer, o.buyer_reference AS reference, o.currency, g.name AS offer,
              count(*)::int AS n, sum(u.amount)::bigint AS amount, min(u.send_at) AS first_send
       FROM fulfillment_unit u
       JOIN gift_order o ON o.id = u.order_id
       JOIN buyer_org b ON b.id = o.buyer_org_id
       JOIN gift_offer g ON g.id = u.offer_id
       WHERE u.order_id = $1::uuid
       GROUP BY 1, 2, 3, 4, 5
       ORDER BY count(*) DESC, g.name`,
      [orderId],
    );
    if (rows.length === 0) return;
    for (const vendorId of new Set(rows.map((r) => r.vendor_id))) {
      const mine = rows.filter((r) => r.vendor_id === vendorId);
      const to = await brandRecipient(ctx.deps, vendorId);
      if (!to) {
        ctx.log.info({ orderId, vendorId }, "no notification email for this brand: new order not emailed");
        continue;
      }
      const email = newOrderEmail(ctx.deps, to, orderId, mine);
      await ctx.deps.email.send({ to: to.to, ...email, idempotencyKey: `${brandNewOrderKey(orderId)}:${vendorId}` });
    }
    // The order's gifts now wait for stock: is there enough?
    for (const vendorId of new Set(rows.map((r) => r.vendor_id))) {
      await ctx.deps.jobs.enqueue(ctx.deps.db.prisma, lowStockScanJob, { vendorId }, { key: `brand:low-stock-scan:${orderId}:${vendorId}` });
    }
  },
});

function newOrderEmail(
  deps: Pick<Deps, "config">,
  to: Recipient,
  orderId: string,
  lines: Array<{ buyer: string; reference: string | null; currency: string; offer: string; n: number; amount: number; first_send: Date | string }>,
) {
  const first = lines[0]!;
  const count = lines.reduce((n, l) => n + l.n, 0);
  const total = formatMoney(lines.reduce((n, l) => n + Number(l.amount), 0), first.currency);
  const gifts = `${count} gift${count === 1 ? "" : "s"}`;
  const ref = first.reference ? ` (their reference ${first.reference})` : "";
  const link = appLink(deps, to.shop, `/app/orders/${orderId}`);
  const sendsFrom = new Date(first.first_send).toISOString().slice(0, 10);
  const subject = `New gift order: ${gifts} from ${first.buyer}`;
  const text = [
    `${first.buyer} ordered ${gifts} from ${to.brand}${ref}. The order is paid.`,
    "",
    ...lines.map((l) => `  ${l.n} × ${l.offer}`),
    "",
    `Worth ${total} to you (items and shipping).`,
    `Recipients get their gift emails from ${sendsFrom}; each gift becomes an order in your Shopify store when its recipient redeems it.`,
    "",
    `See the order: ${link}`,
  ].join("\n");
  const body = html`<p style="margin:0 0 12px"><strong>${first.buyer}</strong> ordered <strong>${gifts}</strong> from ${to.brand}${ref}. The order is paid.</p>
<table style="border-collapse:collapse;width:100%;margin:0 0 12px">${lines.map(
    (l) => html`<tr><td style="padding:6px 0;border-bottom:1px solid #ebebeb;width:48px;font-weight:600">${l.n} ×</td><td style="padding:6px 0;border-bottom:1px solid #ebebeb">${l.offer}</td></tr>`,
  )}</table>
<p style="margin:0 0 12px">Worth <strong>${total}</strong> to you (items and shipping).</p>
<p style="margin:0 0 20px">Recipients get their gift emails from ${sendsFrom}; each gift becomes an order in your Shopify store when its recipient redeems it.</p>
<p style="margin:0"><a href="${link}" style="display:inline-block;background:#303030;color:#fff;text-decoration:none;padding:10px 16px;border-radius:8px;font-weight:600">View the order</a></p>`;
  return { subject, text, html: String(LAYOUT(subject, body, `You get this email because ${to.brand} sells gifts with Giftloop. Change where it goes in the app's Settings.`)) };
}

/** Enqueues the brand's new-order email (which then checks its stock) in the transaction that makes the order's gifts. */
export async function enqueueBrandOrderNotice(deps: Pick<Deps, "jobs">, tx: EnqueueTx, orderId: string): Promise<void> {
  await deps.jobs.enqueue(tx, brandNewOrderJob, { orderId }, { key: brandNewOrderKey(orderId) });
}

// ---------------------------------------------------------------------------- low stock

export interface LowStockItem {
  vendorId: string;
  /** `variant`: gifts that can only become this variant; `product`: single-item gifts picking among these variants. */
  kind: "variant" | "product";
  /** The variant's id, or the product's. */
  id: string;
  product: string;
  /** The variant's title, or how many variants the gifts pick among. */
  variant: string;
  sku: string | null;
  available: number;
  waiting: number;
}

/**
 * What waiting gifts (sent or not yet, not redeemed, not expired) will take that the stock
 * cannot give: per variant for gifts that can only become it, per set of variants for
 * single-item gifts whose recipient picks one (a product in sizes). Tracked stock only.
 */
export async function lowStock(deps: Pick<Deps, "db">, vendorId?: string): Promise<LowStockItem[]> {
  const rows = await deps.db.sql.query<{ vendor_id: string; kind: "variant" | "product"; id: string; product: string; variant: string; sku: string | null; available: number; waiting: number }>(
    `WITH waiting AS MATERIALIZED (
       SELECT u.vendor_id, u.offer_id, u.choices FROM fulfillment_unit u
       WHERE u.status IN ('issued', 'sent') AND u.expires_at > now() AND ($1::uuid IS NULL OR u.vendor_id = $1::uuid)
     ), one AS (
       SELECT vendor_id, (choices->>0)::uuid AS variant_id, count(*)::int AS waiting FROM waiting
       WHERE jsonb_array_length(choices) = 1 GROUP BY 1, 2
     ), many AS (
       SELECT w.vendor_id, w.choices, count(*)::int AS waiting FROM waiting w JOIN gift_offer g ON g.id = w.offer_id
       WHERE g.kind = 'single' AND jsonb_array_length(w.choices) > 1 GROUP BY 1, 2
     )
     SELECT o.vendor_id::text AS vendor_id, 'variant' AS kind, v.id::text AS id, p.title AS product, v.title AS variant, v.sku,
            GREATEST(v.inventory_quantity - v.inventory_reserved, 0) AS available, o.waiting
     FROM one o JOIN variant v ON v.id = o.variant_id JOIN product p ON p.id = v.product_id
     WHERE v.deleted_at IS NULL AND v.inventory_tracked AND v.inventory_quantity - v.inventory_reserved < o.waiting
     UNION ALL
     SELECT m.vendor_id::text, 'product', min(p.id::text), min(p.title), count(*) || ' variants', NULL,
            sum(GREATEST(v.inventory_quantity - v.inventory_reserved, 0))::int, m.waiting
     FROM many m CROSS JOIN LATERAL jsonb_array_elements_text(m.choices) c(id)
     JOIN variant v ON v.id = c.id::uuid AND v.deleted_at IS NULL
     JOIN product p ON p.id = v.product_id
     GROUP BY m.vendor_id, m.choices, m.waiting
     HAVING bool_and(v.inventory_tracked) AND sum(GREATEST(v.inventory_quantity - v.inventory_reserved, 0)) < m.waiting
     ORDER BY 1, 4, 5`,
    [vendorId ?? null],
  );
  return rows.map((r) => ({
    vendorId: r.vendor_id,
    kind: r.kind,
    id: r.id,
    product: r.product,
    variant: r.variant,
    sku: r.sku,
    available: Number(r.available),
    waiting: Number(r.waiting),
  }));
}

const lowStockItem = z.object({
  kind: z.enum(["variant", "product"]),
  id: z.uuid(),
  product: z.string(),
  variant: z.string(),
  sku: z.string().nullable(),
  available: z.number().int(),
  waiting: z.number().int(),
});

/** The warning's key: one per vendor, day and set of short items. */
export function lowStockKey(vendorId: string, day: string, items: Array<{ kind: string; id: string }>): string {
  const set = items.map((i) => `${i.kind}:${i.id}`).sort().join(",");
  return `brand:low-stock:${vendorId}:${day}:${createHash("sha256").update(set).digest("hex").slice(0, 16)}`;
}

/** Finds short stock (every vendor, or one) and enqueues each vendor's warning under its key. */
export const lowStockScanJob = defineJob({
  type: "vendors.low_stock_scan",
  schema: z.object({ vendorId: z.uuid().optional() }),
  maxAttempts: 3,
  async handler({ vendorId }, ctx) {
    const items = await lowStock(ctx.deps, vendorId);
    const day = new Date().toISOString().slice(0, 10);
    for (const v of new Set(items.map((i) => i.vendorId))) {
      const mine = items.filter((i) => i.vendorId === v).map(({ vendorId: _v, ...i }) => i);
      const key = lowStockKey(v, day, mine);
      await ctx.deps.jobs.enqueue(ctx.deps.db.prisma, lowStockEmailJob, { vendorId: v, key, items: mine }, { key });
    }
  },
});

export const lowStockEmailJob = defineJob({
  type: "vendors.notify_low_stock",
  schema: z.object({ vendorId: z.uuid(), key: z.string().max(200), items: z.array(lowStockItem).min(1).max(1000) }),
  maxAttempts: 8,
  backoff: { baseMs: 30_000, maxMs: 60 * 60_000 },
  async handler({ vendorId, key, items }, ctx) {
    const to = await brandRecipient(ctx.deps, vendorId);
    if (!to) {
      ctx.log.info({ vendorId }, "no notification email for this brand: low-stock warning not emailed");
      return;
    }
    const first = items[0]!;
    const name = (i: (typeof items)[number]) => (i.kind === "variant" && i.variant !== "Default Title" ? `${i.product} — ${i.variant}` : i.kind === "product" ? `${i.product} (any of ${i.variant})` : i.product);
    const subject = items.length === 1 ? `Low stock for gifts: ${name(first)}` : `Low stock for gifts: ${items.length} items`;
    const link = appLink(ctx.deps, to.shop, "/app/catalog");
    const line = (i: (typeof items)[number]) => `${i.available} in stock, ${i.waiting} gift${i.waiting === 1 ? "" : "s"} waiting: short by ${i.waiting - i.available}`;
    const text = [
      `Gifts already sent will take more of these than ${to.brand} has in stock. Restock them in Shopify, or recipients will find them sold out when they redeem.`,
      "",
      ...items.map((i) => `  ${name(i)}${i.sku ? ` (SKU ${i.sku})` : ""}: ${line(i)}`),
      "",
      `Your catalog: ${link}`,
    ].join("\n");
    const body = html`<p style="margin:0 0 12px">Gifts already sent will take more of these than ${to.brand} has in stock. Restock them in Shopify, or recipients will find them sold out when they redeem.</p>
<table style="border-collapse:collapse;width:100%;margin:0 0 20px"><tr><th style="text-align:left;padding:6px 0;border-bottom:1px solid #ebebeb">Item</th><th style="text-align:right;padding:6px 0;border-bottom:1px solid #ebebeb">In stock</th><th style="text-align:right;padding:6px 0;border-bottom:1px solid #ebebeb">Gifts waiting</th></tr>${items.map(
      (i) =>
        html`<tr><td style="padding:6px 0;border-bottom:1px solid #ebebeb">${name(i)}${i.sku ? html`<br><span style="color:#616161;font-size:12px">SKU ${i.sku}</span>` : ""}</td><td style="text-align:right;padding:6px 0;border-bottom:1px solid #ebebeb">${i.available}</td><td style="text-align:right;padding:6px 0;border-bottom:1px solid #ebebeb;color:#8e1f0b;font-weight:600">${i.waiting}</td></tr>`,
    )}</table>
<p style="margin:0"><a href="${link}" style="display:inline-block;background:#303030;color:#fff;text-decoration:none;padding:10px 16px;border-radius:8px;font-weight:600">Open your catalog</a></p>`;
    await ctx.deps.email.send({
      to: to.to,
      subject,
      text,
      html: String(LAYOUT(subject, body, `You get this email because ${to.brand} sells gifts with Giftloop. Change where it goes in the app's Settings.`)),
      idempotencyKey: key,
    });
  },
});
