/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are read as loose JSON in assertions */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ShopifyStandIn } from "@giftloop/sandbox/shopify/server";
import type { ParsedMessage, SmtpSink } from "@giftloop/sandbox/smtp/smtp-sink";
import { unitTag } from "../fulfillment/push/push.graphql.ts";
import type { TestApp } from "../http/testing.ts";
import { waitUntil } from "../jobs/testing/harness.ts";
import type { Seeded } from "../testing/seed.ts";
import { startLoopStack, type LoopStack } from "./loop-stack.ts";

/**
 * The fulfillment loop end to end, offline, through HTTP and webhooks: a buyer orders gifts
 * for 50 recipients and pays (Stripe stand-in); 10 recipients redeem through the links in
 * their emails; 10 orders appear in the brand's Shopify store (stand-in), paid, tagged, with
 * the message and address; the brand fulfils them there (the stand-in's control route, as
 * the sandbox page does); Shopify's signed webhooks come back to /webhooks/shopify and the
 * buyer sees each gift shipped with tracking, while each recipient gets one shipping email.
 * Then the brand uninstalls (offers leave the storefront, new redemptions are held, not
 * pushed) and Shopify asks to redact one recipient (gone from every table; money kept).
 * The brand's install (offline token by token exchange) and catalog are set up directly;
 * the install and sync flows have their own tests.
 */
const SHOP = "loop-brand.myshopify.com";
const RECIPIENTS = 50;
const REDEEM = 10;

let stack: LoopStack;
let shopify: ShopifyStandIn;
let smtp: SmtpSink;
let t: TestApp;
let s: Seeded;

beforeAll(async () => {
  stack = await startLoopStack({ shop: SHOP, slug: "loop-brand", name: "loop" });
  ({ shopify, smtp, t, s } = stack);
}, 60_000);
afterAll(() => stack?.stop());

const http = (method: string, url: string, token: string | undefined, body?: unknown) => stack.http(method, url, token, body);

const linkIn = (m: ParsedMessage) => /https?:\/\/\S+\/g\/([A-Z0-9-]+)/.exec(m.text ?? "")!;
const giftEmails = () => smtp.messages().filter((m) => m.to.some((a) => a.startsWith("loop-")) && linkIn(m));

describe("fulfillment loop end to end over HTTP and webhooks", () => {
  let buyerKey: string;
  let orderId: string;
  const redeemed: Array<{ email: string; unitId?: string }> = [];

  it("a buyer orders for 50 recipients and pays; 50 gift emails arrive", async () => {
    const op = await t.operatorToken();
    const buyer = await http("POST", "/v1/operator/buyers", op, { name: "Loop Corp", email: "ap@loop.test" });
    expect(buyer.status).toBe(201);
    buyerKey = buyer.body.apiKey.key;
    const brand = await t.vendorToken(SHOP);
    const offer = await http("POST", "/v1/vendor/offers", brand, {
      name: "Pick something nice",
      kind: "choice",
      priceAmount: 5000,
      currency: "USD",
      expiryDays: 60,
      items: [{ productId: s.products.hoodie }, { productId: s.products.notebook }],
      status: "active",
    });
    expect(offer.status).toBe(201);
    const sf = await http("PUT", "/v1/vendor/storefront", brand, {
      name: "Loop Brand",
      slug: s.storefrontSlug,
      primaryColor: "#1f2937",
      accentColor: "#0e7490",
      welcomeText: "Gifts that ship.",
      offers: [{ offerId: offer.body.id }],
    });
    expect(sf.status, JSON.stringify(sf.body)).toBe(200);
    const recipients = Array.from({ length: RECIPIENTS }, (_, i) => ({ name: `Loop Person ${i}`, email: `loop-${i}@example.test`, country: "US", message: `Happy holidays, #${i}!` }));
    const order = await http("POST", "/v1/orders", buyerKey, { storefront: s.storefrontSlug, offerId: offer.body.id, recipients });
    expect(order.status).toBe(201);
    orderId = order.body.order.id;
    const checkout = await http("POST", `/v1/orders/${orderId}/checkout`, buyerKey);
    expect(checkout.status).toBe(200);
    // Paid as a newcomer pays in sandbox mode: the checkout answer's pay URL, with no API key.
    expect(checkout.body.sandbox.example).toBe(`curl -X POST ${checkout.body.sandbox.payUrl}`);
    const paid = await fetch(checkout.body.sandbox.payUrl, { method: "POST" });
    expect(paid.status).toBe(200);
    expect(((await paid.json()) as { status: string }).status).toBe("succeeded");
    await waitUntil(async () => giftEmails().length === RECIPIENTS, 60_000);
  }, 90_000);

  it("10 recipients redeem through their links; 10 paid, tagged orders appear in the brand's Shopify store", async () => {
    for (const [i, mail] of giftEmails().slice(0, REDEEM).entries()) {
      const session = await http("POST", "/v1/redeem/session", undefined, { code: linkIn(mail)[1] });
      expect(session.status).toBe(200);
      const gift = await http("GET", "/v1/redeem/gift", session.body.token);
      const choice = gift.body.choices.find((c: { available: number | null }) => c.available === null || c.available > 0);
      const r = await http("POST", "/v1/redeem/gift/redeem", session.body.token, {
        variantId: choice.variantId,
        address: { name: `Loop Person ${i}`, line1: `${200 + i} Oak Ave`, city: "Portland", region: "OR", postalCode: "97201", country: "US" },
      });
      expect(r.status).toBe(200);
      redeemed.push({ email: mail.to[0]! });
    }
    await waitUntil(async () => {
      const d = await http("GET", `/v1/orders/${orderId}?limit=100`, buyerKey);
      return d.body.recipients.filter((r: any) => r.unit?.status === "pushed").length === REDEEM;
    }, 30_000);
    const detail = await http("GET", `/v1/orders/${orderId}?limit=100`, buyerKey);
    for (const r of redeemed) r.unitId = detail.body.recipients.find((x: any) => x.email === r.email).unit.id;

    const orders = (await http("GET", `${shopify.url}/_sandbox/shops/${SHOP}/orders`, undefined)).body.orders as any[];
    expect(orders).toHaveLength(REDEEM);
    for (const r of redeemed) {
      const mine = orders.filter((o) => o.tags.split(", ").includes(unitTag(r.unitId!)));
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ financial_status: "paid", source_identifier: `giftloop-unit-${r.unitId}`, shipping_address: { city: "Portland", country_code: "US" } });
      expect(mine[0].note).toMatch(/^Happy holidays, #\d+!$/);
      expect(mine[0].line_items).toHaveLength(1);
    }
  }, 60_000);

  it("the brand fulfils them in Shopify; the units become shipped with tracking and each recipient gets one shipping email", async () => {
    const orders = (await http("GET", `${shopify.url}/_sandbox/shops/${SHOP}/orders`, undefined)).body.orders as any[];
    for (const o of orders) {
      const f = await http("POST", `${shopify.url}/_sandbox/shops/${SHOP}/orders/${o.id}/fulfill`, undefined, {
        carrier: "UPS",
        number: `1Z${o.id}`,
        url: `https://www.ups.com/track?tracknum=1Z${o.id}`,
      });
      expect(f.status).toBe(201);
    }
    await waitUntil(async () => {
      const d = await http("GET", `/v1/orders/${orderId}?limit=100`, buyerKey);
      return d.body.recipients.filter((r: any) => r.unit?.status === "shipped").length === REDEEM;
    }, 30_000);
    const detail = await http("GET", `/v1/orders/${orderId}?limit=100`, buyerKey);
    expect(detail.body.units).toMatchObject({ shipped: REDEEM });
    for (const r of redeemed) {
      const rec = detail.body.recipients.find((x: any) => x.email === r.email);
      const o = orders.find((x) => x.tags.includes(unitTag(r.unitId!)));
      expect(rec.unit.tracking).toEqual({ carrier: "UPS", number: `1Z${o.id}`, url: `https://www.ups.com/track?tracknum=1Z${o.id}` });
    }
    await waitUntil(async () => redeemed.every((r) => smtp.messages().some((m) => m.to.includes(r.email) && m.subject.includes("has shipped"))), 30_000);
    await shopify.whenDeliveriesSettled();
    for (const r of redeemed) {
      const mails = smtp.messages().filter((m) => m.to.includes(r.email) && m.subject.includes("has shipped"));
      expect(mails).toHaveLength(1);
      expect(mails[0]!.text).toContain("UPS 1Z");
    }
    // Nobody who did not redeem got a shipping email, and no webhook was refused.
    expect(smtp.messages().filter((m) => m.subject.includes("has shipped"))).toHaveLength(REDEEM);
    expect(shopify.deliveries.filter((d) => d.status !== "delivered")).toHaveLength(0);
  }, 60_000);

  it("the brand uninstalls: offers leave the storefront and new redemptions are held, not pushed", async () => {
    shopify.emitWebhook(SHOP, "app/uninstalled", { id: 1, name: "Loop Brand", domain: SHOP, myshopify_domain: SHOP });
    await waitUntil(async () => (await http("GET", `/v1/storefronts/${s.storefrontSlug}`, undefined)).status === 404, 30_000);
    // Two more recipients redeem meanwhile: their gifts are kept and flagged, and no order is created.
    const more = giftEmails().slice(REDEEM, REDEEM + 2);
    for (const [i, mail] of more.entries()) {
      const session = await http("POST", "/v1/redeem/session", undefined, { code: linkIn(mail)[1] });
      const gift = await http("GET", "/v1/redeem/gift", session.body.token);
      const choice = gift.body.choices.find((c: { available: number | null }) => c.available === null || c.available > 0);
      const r = await http("POST", "/v1/redeem/gift/redeem", session.body.token, {
        variantId: choice.variantId,
        address: { name: `Held ${i}`, line1: `${300 + i} Elm St`, city: "Portland", region: "OR", postalCode: "97201", country: "US" },
      });
      expect(r.status).toBe(200);
    }
    const flagged = async () =>
      (await t.deps.db.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM fulfillment_unit WHERE order_id = $1::uuid AND status = 'redeemed' AND operator_flag IS NOT NULL", [orderId]))[0]!.n;
    await waitUntil(async () => (await flagged()) === 2, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    expect((await http("GET", `${shopify.url}/_sandbox/shops/${SHOP}/orders`, undefined)).body.orders).toHaveLength(REDEEM);
    const detail = await http("GET", `/v1/orders/${orderId}?limit=100`, buyerKey);
    expect(detail.body.units).toMatchObject({ shipped: REDEEM, redeemed: 2 });
  }, 60_000);

  it("customers/redact for one recipient removes their personal data everywhere; the money records stay", async () => {
    const who = redeemed[0]!;
    const before = await http("GET", `/v1/orders/${orderId}?limit=100`, buyerKey);
    const amountBefore = before.body.totalAmount;
    shopify.emitWebhook(SHOP, "customers/redact", {
      shop_id: 1,
      shop_domain: SHOP,
      customer: { id: 991, email: who.email, phone: null },
      orders_to_redact: [],
    });
    await waitUntil(async () => {
      const d = await http("GET", `/v1/orders/${orderId}?limit=100`, buyerKey);
      return !d.body.recipients.some((r: any) => r.email === who.email);
    }, 30_000);
    const after = await http("GET", `/v1/orders/${orderId}?limit=100`, buyerKey);
    expect(after.body.totalAmount).toBe(amountBefore);
    const row = after.body.recipients.find((r: any) => r.unit?.id === who.unitId);
    expect(row).toMatchObject({ name: "[redacted]", unit: { status: "shipped" } });
    // Nowhere in the database: units, recipients, webhook payloads, job payloads, audit data, dead letters.
    await shopify.whenDeliveriesSettled();
    await waitUntil(async () => (await t.deps.db.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM webhook_event WHERE topic = 'customers/redact' AND processed_at IS NULL"))[0]!.n === 0, 30_000);
    for (const table of ["fulfillment_unit", "order_recipient", "webhook_event", "job", "audit_log", "dead_letter"]) {
      const [hit] = await t.deps.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} x WHERE x::text ILIKE $1`, [`%${who.email}%`]);
      expect(hit!.n, `${table} still holds ${who.email}`).toBe(0);
    }
    // The others keep theirs.
    expect(after.body.recipients.filter((r: any) => r.email.startsWith("loop-"))).toHaveLength(RECIPIENTS - 1);
  }, 60_000);
});
