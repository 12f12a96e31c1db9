/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are read as loose JSON in assertions */
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ShopifyStandIn } from "@giftloop/sandbox/shopify/server";
import type { StripeStandIn } from "@giftloop/sandbox/stripe/server";
import type { ParsedMessage, SmtpSink } from "@giftloop/sandbox/smtp/smtp-sink";
import type { TestApp } from "../http/testing.ts";
import { waitUntil } from "../jobs/testing/harness.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { startLoopStack, type LoopStack } from "./loop-stack.ts";

/**
 * Brand payouts end to end, offline, through HTTP and webhooks: a brand with a Stripe
 * connected account onboarded on the stand-in; a buyer orders mugs for 40 recipients and
 * pays; 30 redeem; the brand fulfils 25 in its Shopify store; with the settlement window
 * passed (the run's sandbox-only `asOf`) the operator's run pays exactly those 25 shares in
 * one payout, one transfer per order, confirmed by Stripe's webhook; then the brand cancels
 * one shipped order in Shopify and its share is reversed. A second brand whose onboarding is
 * incomplete carries over. Every amount is checked to the cent.
 * The connected-account status on the vendor row is written as the Connect webhook endpoint
 * (the connect helper's) writes it.
 */
const SHOP = "payout-brand.myshopify.com";
const RECIPIENTS = 40;
const REDEEM = 30;
const SHIP = 25;
const PRICE = 3000;
const SHIPPING = 800;
const SHARE = PRICE + SHIPPING - PRICE / 10;

let stack: LoopStack;
let shopify: ShopifyStandIn;
let stripeStandIn: StripeStandIn;
let smtp: SmtpSink;
let t: TestApp;
let s: Seeded;
let late: Seeded;
let stripe: Stripe;
let account: string;

beforeAll(async () => {
  stack = await startLoopStack({ shop: SHOP, slug: "payout-brand", name: "payouts" });
  ({ shopify, stripeStandIn, smtp, t, s } = stack);
  late = await seedVendor(t.deps.db, { shop: "late-brand.myshopify.com", slug: "late-brand" });
  stripe = new Stripe(stack.stripeSecretKey, { ...stripeStandIn.sdkConfig });
}, 60_000);
afterAll(() => stack?.stop());

const http = (method: string, url: string, token: string | undefined, body?: unknown) => stack.http(method, url, token, body);

const linkIn = (m: ParsedMessage) => /https?:\/\/\S+\/g\/([A-Z0-9-]+)/.exec(m.text ?? "")!;

async function connectedAccount(outcome: "complete" | "pending"): Promise<string> {
  const acct = await stripe.accounts.create({
    country: "US",
    controller: { fees: { payer: "application" }, losses: { payments: "application" }, stripe_dashboard: { type: "express" }, requirement_collection: "stripe" },
    capabilities: { transfers: { requested: true } },
  });
  stripeStandIn.onboard(acct.id, outcome);
  return acct.id;
}

async function paidOrder(slug: string, offerId: string, n: number, prefix: string): Promise<{ orderId: string; buyerKey: string }> {
  const op = await t.operatorToken();
  const buyer = await http("POST", "/v1/operator/buyers", op, { name: `${prefix} Corp`, email: `ap@${prefix}.test` });
  const buyerKey = buyer.body.apiKey.key as string;
  const recipients = Array.from({ length: n }, (_, i) => ({ name: `${prefix} Person ${i}`, email: `${prefix}-${i}@example.test`, country: "US" }));
  const order = await http("POST", "/v1/orders", buyerKey, { storefront: slug, offerId, recipients });
  expect(order.status, JSON.stringify(order.body)).toBe(201);
  expect(order.body.order.totalAmount).toBe(n * (PRICE + SHIPPING));
  const checkout = await http("POST", `/v1/orders/${order.body.order.id}/checkout`, buyerKey);
  expect((await fetch(checkout.body.sandbox.payUrl, { method: "POST" })).status).toBe(200);
  return { orderId: order.body.order.id, buyerKey };
}

describe("brand payouts end to end over HTTP and webhooks", () => {
  let orderId: string;
  let buyerKey: string;
  let payoutId: string;
  const shopOrders: any[] = [];

  it("onboarded brand: 40 gifts paid, 30 redeemed, 25 shipped in Shopify", async () => {
    account = await connectedAccount("complete");
    const acct = await stripe.accounts.retrieve(account);
    expect(acct.capabilities?.transfers).toBe("active");
    await t.deps.db.sql.execute("UPDATE vendor SET stripe_account_id = $2, payout_account_status = 'active', email = 'money@payout-brand.test' WHERE id = $1::uuid", [s.vendorId, account]);
    const lateAccount = await connectedAccount("pending");
    await t.deps.db.sql.execute("UPDATE vendor SET stripe_account_id = $2, payout_account_status = 'onboarding' WHERE id = $1::uuid", [late.vendorId, lateAccount]);

    ({ orderId, buyerKey } = await paidOrder(s.storefrontSlug, s.mugOfferId, RECIPIENTS, "pay"));
    const gifts = () => smtp.messages().filter((m) => m.to.some((a) => a.startsWith("pay-")) && linkIn(m));
    await waitUntil(async () => gifts().length === RECIPIENTS, 60_000);
    for (const [i, mail] of gifts().slice(0, REDEEM).entries()) {
      const session = await http("POST", "/v1/redeem/session", undefined, { code: linkIn(mail)[1] });
      const gift = await http("GET", "/v1/redeem/gift", session.body.token);
      const r = await http("POST", "/v1/redeem/gift/redeem", session.body.token, {
        variantId: gift.body.choices[0].variantId,
        address: { name: `Pay Person ${i}`, line1: `${100 + i} Elm St`, city: "Portland", region: "OR", postalCode: "97201", country: "US" },
      });
      expect(r.status).toBe(200);
    }
    await waitUntil(async () => (await http("GET", `${shopify.url}/_sandbox/shops/${SHOP}/orders`, undefined)).body.orders.length === REDEEM, 60_000);
    shopOrders.push(...(await http("GET", `${shopify.url}/_sandbox/shops/${SHOP}/orders`, undefined)).body.orders.slice(0, SHIP));
    for (const o of shopOrders) {
      expect((await http("POST", `${shopify.url}/_sandbox/shops/${SHOP}/orders/${o.id}/fulfill`, undefined, { carrier: "UPS", number: `1Z${o.id}` })).status).toBe(201);
    }
    await waitUntil(async () => {
      const d = await http("GET", `/v1/orders/${orderId}?limit=100`, buyerKey);
      return d.body.recipients.filter((r: any) => r.unit?.status === "shipped").length === SHIP;
    }, 60_000);
    const brand = await t.vendorToken(SHOP);
    const summary = (await http("GET", "/v1/vendor/payouts/summary", brand)).body.currencies[0];
    expect(summary).toMatchObject({ currency: "USD", pendingMinor: (REDEEM - SHIP) * SHARE, settlingMinor: SHIP * SHARE, payableMinor: 0, paidMinor: 0 });
  }, 180_000);

  it("past the settlement window, one run pays exactly the 25 shipped shares in one payout with one transfer for the order; the late brand carries over", async () => {
    // The late brand has shipped gifts too, but its Stripe onboarding is not complete.
    const lateOrder = await paidOrder(late.storefrontSlug, late.mugOfferId, 2, "late");
    await waitUntil(async () => (await t.deps.db.prisma.fulfillmentUnit.count({ where: { orderId: lateOrder.orderId } })) === 2, 30_000);
    await t.deps.db.sql.execute("UPDATE fulfillment_unit SET status = 'shipped', shipped_at = now() WHERE order_id = $1::uuid", [lateOrder.orderId]);

    const op = await t.operatorToken();
    const inside = await http("GET", "/v1/operator/payouts/preview", op);
    expect(inside.body.payouts).toEqual([]);
    const asOf = new Date(Date.now() + 15 * 24 * 60 * 60 * 1000).toISOString();
    const preview = await http("GET", `/v1/operator/payouts/preview?asOf=${encodeURIComponent(asOf)}`, op);
    expect(preview.body.payouts).toMatchObject([{ vendorId: s.vendorId, lineCount: SHIP, orderCount: 1, amount: SHIP * SHARE }]);
    const run = await http("POST", "/v1/operator/payouts/runs", op, { asOf });
    expect(run.status).toBe(201);
    expect(run.body.payouts).toHaveLength(1);
    expect(run.body.carriedOver).toEqual([expect.objectContaining({ vendorId: late.vendorId, reason: "account_not_active", unitCount: 2, amountMinor: 2 * SHARE })]);
    payoutId = run.body.payouts[0].payoutId;
    await waitUntil(async () => (await http("GET", `/v1/operator/payouts/${payoutId}`, op)).body.status === "paid", 60_000);

    const brand = await t.vendorToken(SHOP);
    const detail = (await http("GET", `/v1/vendor/payouts/${payoutId}`, brand)).body;
    expect(detail.lines).toHaveLength(SHIP);
    const shipped = (await http("GET", `/v1/orders/${orderId}?limit=100`, buyerKey)).body.recipients.filter((r: any) => r.unit?.status === "shipped").map((r: any) => r.unit.id);
    expect(detail.lines.map((l: any) => l.unitId).sort()).toEqual(shipped.sort());
    expect(detail.lines.reduce((n: number, l: any) => n + l.shareMinor, 0)).toBe(SHIP * SHARE);
    expect(detail.lines.reduce((n: number, l: any) => n + l.shareMinor + l.commissionMinor, 0)).toBe(SHIP * (PRICE + SHIPPING));
    expect(detail.amountMinor).toBe(SHIP * SHARE);
    expect(detail.transfers).toEqual([expect.objectContaining({ orderId, amountMinor: SHIP * SHARE, status: "confirmed" })]);
    const atStripe = await stripe.transfers.list({ transfer_group: orderId });
    expect(atStripe.data.map((x) => [x.amount, x.destination])).toEqual([[SHIP * SHARE, account]]);
    const balance = await stripe.balance.retrieve({}, { stripeAccount: account });
    expect([...balance.available, ...balance.pending].reduce((n, b) => n + b.amount, 0)).toBe(SHIP * SHARE);
    await waitUntil(async () => smtp.messages().some((m) => m.to.includes("money@payout-brand.test") && /Payout sent: \$875\.00/.test(m.subject ?? "")), 30_000);
    const summary = (await http("GET", "/v1/vendor/payouts/summary", brand)).body.currencies[0];
    expect(summary).toMatchObject({ paidMinor: SHIP * SHARE, settlingMinor: 0, payableMinor: 0 });
  }, 120_000);

  it("the brand cancels one shipped order in Shopify after the payout: that share is reversed at Stripe", async () => {
    expect((await http("POST", `${shopify.url}/_sandbox/shops/${SHOP}/orders/${shopOrders[0].id}/cancel`, undefined, { reason: "customer" })).status).toBeLessThan(300);
    const [transfer] = (await stripe.transfers.list({ transfer_group: orderId })).data;
    await waitUntil(async () => (await stripe.transfers.retrieve(transfer!.id)).amount_reversed === SHARE, 60_000);
    const brand = await t.vendorToken(SHOP);
    const detail = (await http("GET", `/v1/vendor/payouts/${payoutId}`, brand)).body;
    expect(detail.adjustments).toEqual([expect.objectContaining({ amountMinor: -SHARE, status: "reversed" })]);
    const balance = await stripe.balance.retrieve({}, { stripeAccount: account });
    expect([...balance.available, ...balance.pending].reduce((n, b) => n + b.amount, 0)).toBe((SHIP - 1) * SHARE);
    await waitUntil(async () => (await http("GET", "/v1/vendor/payouts/summary", brand)).body.currencies[0].paidMinor === (SHIP - 1) * SHARE, 30_000);
    // Stripe's transfer.reversed webhook brought the reversed amount to our record.
    await waitUntil(async () => (await t.deps.db.sql.query<{ amount_reversed: number }>("SELECT amount_reversed FROM payout_transfer WHERE payout_id = $1::uuid", [payoutId]))[0]?.amount_reversed === SHARE, 30_000);
  }, 90_000);
});
