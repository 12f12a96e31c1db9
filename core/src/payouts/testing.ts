import { randomUUID } from "node:crypto";
import type Stripe from "stripe";
import { createBuyerOrg } from "../buyers/buyers.service.ts";
import { createOrder } from "../orders/create-order.ts";
import { splitOrder } from "../orders/split-order.ts";
import type { Deps } from "../platform/deps.ts";
import type { Seeded } from "../testing/seed.ts";
import { asBuyer } from "../testing/buyer.ts";
import { asPlatform } from "../testing/deps.ts";

/** Test set-up for payouts: paid orders split into units, units shipped at a given time, a brand's account state. */
type D = Pick<Deps, "db" | "log" | "jobs" | "secrets" | "codeKey" | "config">;

export async function paidOrder(
  deps: D,
  s: Seeded,
  opts: { recipients: number; country?: string; offerId?: string; chargeId?: string },
): Promise<{ orderId: string; unitIds: string[]; total: number }> {
  const org = await createBuyerOrg(asPlatform(deps), { name: `Buyer ${randomUUID().slice(0, 6)}`, email: "ap@buyer.test" });
  const created = await createOrder(asBuyer(deps as Deps, { buyerOrgId: org.id, apiKeyId: org.apiKey.id }), deps as Deps, {
    storefront: s.storefrontSlug,
    offerId: opts.offerId ?? s.mugOfferId,
    recipients: Array.from({ length: opts.recipients }, (_, i) => ({ name: `Person ${i} Test`, email: `p${i}@example.test`, country: opts.country ?? "US" })),
  });
  if (!created.ok) throw new Error(JSON.stringify(created));
  const pi = `pi_${randomUUID().replace(/-/g, "")}`;
  await deps.db.prisma.giftOrder.update({ where: { id: created.orderId }, data: { stripePaymentIntentId: pi } });
  await splitOrder(deps, { paymentIntentId: pi, amount: created.quote.totalAmount, currency: "usd", chargeId: opts.chargeId ?? `ch_${pi.slice(3)}` });
  const units = await deps.db.sql.query<{ id: string }>("SELECT id::text FROM fulfillment_unit WHERE order_id = $1::uuid ORDER BY recipient_name", [created.orderId]);
  return { orderId: created.orderId, unitIds: units.map((u) => u.id), total: created.quote.totalAmount };
}

/** Marks units shipped at `at` (test set-up: the shipment-updates tests cover how units really ship). */
export async function shipAt(deps: Pick<Deps, "db">, unitIds: string[], at: Date): Promise<void> {
  await deps.db.sql.execute(
    "UPDATE fulfillment_unit SET status = 'shipped', shipped_at = $2::timestamptz, version = version + 1 WHERE id = ANY($1::uuid[])",
    [unitIds, at.toISOString()],
  );
}

export async function setAccount(deps: Pick<Deps, "db">, vendorId: string, status: string, accountId: string | null): Promise<void> {
  await deps.db.sql.execute("UPDATE vendor SET payout_account_status = $2, stripe_account_id = $3 WHERE id = $1::uuid", [vendorId, status, accountId]);
}

export const DAY_MS = 24 * 60 * 60 * 1000;
export const daysAgo = (n: number, now = new Date()) => new Date(now.getTime() - n * DAY_MS);

/** An order paid through the API and the Stripe stand-in (the charge is real there: transfers can name it). */
export async function paidOrderViaApi(
  t: { app: { request(url: string, init?: RequestInit): Response | Promise<Response> }; operatorToken(): Promise<string>; deps: Pick<Deps, "db"> },
  s: Seeded,
  opts: { recipients: number; country?: string },
): Promise<{ orderId: string; unitIds: string[]; total: number }> {
  const call = async (method: string, url: string, token: string, body?: unknown) => {
    const res = await t.app.request(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await res.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const buyer = await call("POST", "/v1/operator/buyers", await t.operatorToken(), { name: `Buyer ${randomUUID().slice(0, 6)}`, email: "ap@buyer.test" });
  const key = buyer.apiKey.key as string;
  const recipients = Array.from({ length: opts.recipients }, (_, i) => ({ name: `Person ${i} Test`, email: `p${i}@example.test`, country: opts.country ?? "US" }));
  const order = await call("POST", "/v1/orders", key, { storefront: s.storefrontSlug, offerId: s.mugOfferId, recipients });
  const orderId = order.order.id as string;
  const checkout = await call("POST", `/v1/orders/${orderId}/checkout`, key);
  const paid = await fetch(checkout.sandbox.payUrl as string, { method: "POST" });
  if (paid.status !== 200) throw new Error(`pay failed: ${paid.status}`);
  const { waitUntil } = await import("../jobs/testing/harness.ts");
  let unitIds: string[] = [];
  await waitUntil(async () => {
    unitIds = (await t.deps.db.sql.query<{ id: string }>("SELECT id::text FROM fulfillment_unit WHERE order_id = $1::uuid ORDER BY recipient_name", [orderId])).map((u) => u.id);
    return unitIds.length === opts.recipients;
  }, 30_000);
  return { orderId, unitIds, total: order.order.totalAmount as number };
}

/** The money of each unit made by `bulkShippedUnits` (item + shipping - commission = share). */
export const BULK_UNIT = { item: 3000, shipping: 500, commissionBps: 1000, commission: 300, share: 3200 } as const;

/**
 * Paid, shipped units in bulk, one statement per table (reliability tests and the benchmark):
 * `ordersPerVendor` USD orders for each brand with `unitsPerOrder` units each, the i-th order
 * overall funded by `charges[i]` (a succeeded charge at the Stripe stand-in). Returns the
 * order ids in that order.
 */
export async function bulkShippedUnits(
  deps: Pick<Deps, "db">,
  opts: { buyerOrgId: string; storefrontId: string; offerId: string; vendorIds: string[]; ordersPerVendor: number; unitsPerOrder: number; shippedAt: Date; charges: string[] },
): Promise<string[]> {
  const orderIds = Array.from({ length: opts.vendorIds.length * opts.ordersPerVendor }, () => randomUUID());
  const vendorOf = orderIds.map((_, i) => opts.vendorIds[Math.floor(i / opts.ordersPerVendor)]!);
  if (opts.charges.length !== orderIds.length) throw new Error(`${orderIds.length} orders need as many charges, got ${opts.charges.length}`);
  const u = BULK_UNIT;
  await deps.db.sql.execute(
    `INSERT INTO gift_order (id, buyer_org_id, storefront_id, status, currency, items_amount, shipping_amount, total_amount, recipient_count, stripe_charge_id, paid_at, updated_at)
     SELECT o.id, $2::uuid, $3::uuid, 'paid', 'USD', $4::int, $5::int, $4::int + $5::int, $6::int, o.charge, now(), now()
     FROM unnest($1::uuid[], $7::text[]) AS o(id, charge)`,
    [orderIds, opts.buyerOrgId, opts.storefrontId, opts.unitsPerOrder * u.item, opts.unitsPerOrder * u.shipping, opts.unitsPerOrder, opts.charges],
  );
  await deps.db.sql.execute(
    `INSERT INTO fulfillment_unit (id, order_id, recipient_id, vendor_id, offer_id, status, amount, currency, recipient_name, recipient_email, choices,
                                   code_hash, code_sealed, send_at, sent_at, expires_at, shipped_at, item_amount, shipping_amount, commission_bps,
                                   commission_amount, brand_share_amount, updated_at)
     SELECT gen_random_uuid(), o.id, gen_random_uuid(), o.vendor_id, $3::uuid, 'shipped', $5::int + $6::int, 'USD', 'Bulk ' || n, 'bulk@example.test', '[]'::jsonb,
            md5(o.id::text || n::text), 'sealed', now(), now(), now() + interval '90 days', $4::timestamptz, $5::int, $6::int, $7::int, $8::int, $9::int, now()
     FROM unnest($1::uuid[], $2::uuid[]) AS o(id, vendor_id), generate_series(1, $10::int) AS n`,
    [orderIds, vendorOf, opts.offerId, opts.shippedAt.toISOString(), u.item, u.shipping, u.commissionBps, u.commission, u.share, opts.unitsPerOrder],
  );
  return orderIds;
}

/** Succeeded USD charges at the Stripe stand-in (`concurrency` requests at a time), one per amount. */
export async function standInCharges(stripe: Stripe, amounts: number[], concurrency = 8): Promise<string[]> {
  const out: string[] = new Array(amounts.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, amounts.length) }, async () => {
      while (next < amounts.length) {
        const i = next++;
        const pi = await stripe.paymentIntents.create({ amount: amounts[i]!, currency: "usd", allowed_payment_method_types: ["card"], payment_method: "pm_card_visa", confirm: true });
        out[i] = typeof pi.latest_charge === "string" ? pi.latest_charge : pi.latest_charge!.id;
      }
    }),
  );
  return out;
}

