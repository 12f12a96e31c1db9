/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are read as loose JSON in assertions */
import { serve, type ServerType } from "@hono/node-server";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStripeStandIn, stripeSignatureHeader, type StripeStandIn } from "@giftloop/sandbox/stripe/server";
import { startSmtpSink, type ParsedMessage, type SmtpSink } from "@giftloop/sandbox/smtp/smtp-sink";
import { expireUnitsJob } from "../fulfillment/expiry.jobs.ts";
import { testApp, type TestApp } from "../http/testing.ts";
import { startWorker } from "../jobs/create-queue.ts";
import { waitUntil } from "../jobs/testing/harness.ts";
import type { Worker } from "../jobs/worker.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";

/**
 * The gifting core end to end, offline, through HTTP only (the operator, brand, buyer and
 * recipients each use their own credentials against a real listening server; Stripe and
 * SMTP are the sandbox stand-ins): 500 recipients paid once, 500 emails, a sample redeemed
 * through the links in those emails, the rest expire and are refunded through Stripe with
 * the outcome arriving by webhook. Plus the declined-card and duplicate-webhook variants.
 * The catalog comes from seed data (catalog sync is the Shopify app's job).
 */
const RECIPIENTS = 500;
const SAMPLE = 15;
const PRICE = 4200;
const SHIPPING_US = 700;
/** What a recipient's gift cost the buyer: the item and its shipping, both refunded when it expires unshipped. */
const SHARE = PRICE + SHIPPING_US;

let standIn: StripeStandIn;
let smtp: SmtpSink;
let t: TestApp;
let server: ServerType;
let worker: Worker;
let stripe: Stripe;
let s: Seeded;
let base: string;

beforeAll(async () => {
  standIn = await startStripeStandIn({ port: 0, retry: { delaysMs: [50, 100, 200, 400] } });
  smtp = await startSmtpSink({ port: 0 });
  t = await testApp({
    env: {
      STRIPE_SECRET_KEY: "sk_test_e2e",
      STRIPE_WEBHOOK_SECRET: standIn.webhookSecret,
      STRIPE_API_URL: standIn.url,
      SMTP_URL: smtp.url,
      JOB_POLL_INTERVAL_MS: "10",
      JOB_CONCURRENCY: "16",
      // Links and the logo in emails use the public address (https, as in production).
      PUBLIC_URL: "https://gifts.northwind.test",
    },
  });
  server = await new Promise<ServerType>((resolve) => {
    const srv = serve({ fetch: t.app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(srv));
  });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  standIn.setWebhookUrl(`${base}/webhooks/stripe`);
  worker = startWorker(t.deps);
  stripe = new Stripe("sk_test_e2e", { ...standIn.sdkConfig });
  s = await seedVendor(t.deps.db);
  // The brand's shop has stock for every recipient of these orders (orders beyond the
  // offer's stock are refused).
  await t.deps.db.prisma.variant.updateMany({ where: { vendorId: s.vendorId }, data: { inventoryQuantity: 10_000 } });
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  await new Promise((r) => server?.close(r));
  await standIn?.stop();
  await smtp?.stop();
  await t?.close();
});

async function http(method: string, path: string, token: string | undefined, body?: unknown, retries = method === "GET" ? 2 : 0): Promise<{ status: number; body: any }> {
  // A reading client retries a dropped connection, as any HTTP client would.
  if (retries > 0) {
    try {
      return await http(method, path, token, body, 0);
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
      return http(method, path, token, body, retries - 1);
    }
  }
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
}

let buyerKey: string;
let offerId: string;
/** Every bearer secret this run issued or used: no log line may carry one (see the last test). */
const issued = new Set<string>();

async function placeOrder(n: number, tag: string) {
  const recipients = Array.from({ length: n }, (_, i) => ({
    name: `Recipient ${tag} ${i}`,
    email: `${tag}-${i}@example.test`,
    country: "US",
    message: `Thank you for this year, #${i}!`,
  }));
  const order = await http("POST", "/v1/orders", buyerKey, { storefront: s.storefrontSlug, offerId, recipients, buyerReference: `PO-${tag}` });
  expect(order.status).toBe(201);
  const checkout = await http("POST", `/v1/orders/${order.body.order.id}/checkout`, buyerKey);
  expect(checkout.status).toBe(200);
  issued.add(checkout.body.clientSecret);
  return { orderId: order.body.order.id as string, paymentIntentId: checkout.body.paymentIntentId as string, amount: checkout.body.amount as number };
}

const giftEmailsFor = (tag: string) => smtp.messages().filter((m) => m.to.some((a) => a.startsWith(`${tag}-`)));
const linkIn = (m: ParsedMessage) => /https?:\/\/\S+\/g\/([A-Z0-9-]+)/.exec(m.text ?? "")!;

describe("gifting end to end over HTTP (500 recipients)", () => {
  it("sets up: operator creates the buyer; the brand creates and publishes an offer, storefront and shipping", async () => {
    const op = await t.operatorToken();
    const buyer = await http("POST", "/v1/operator/buyers", op, { name: "Acme Corp", email: "ap@acme.test" });
    expect(buyer.status).toBe(201);
    buyerKey = buyer.body.apiKey.key;
    issued.add(buyerKey).add(op);

    const brand = await t.vendorToken(`${s.storefrontSlug}.myshopify.com`);
    issued.add(brand);
    const offer = await http("POST", "/v1/vendor/offers", brand, {
      name: "Year-end thank you",
      kind: "choice",
      priceAmount: PRICE,
      currency: "USD",
      expiryDays: 60,
      items: [{ productId: s.products.hoodie }, { productId: s.products.notebook }],
      status: "active",
    });
    expect(offer.status).toBe(201);
    offerId = offer.body.id;
    const sf = await http("PUT", "/v1/vendor/storefront", brand, {
      name: "Northwind for Teams",
      slug: s.storefrontSlug,
      primaryColor: "#1f2937",
      accentColor: "#0e7490",
      welcomeText: "Say thanks with something they will use.",
      offers: [{ offerId }],
    });
    expect(sf.status).toBe(200);
    const png = Buffer.from(
      "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cfc0f01f0005000201ff3f5fd10000000049454e44ae426082",
      "hex",
    );
    const logo = await fetch(`${base}/v1/vendor/storefront/logo`, { method: "PUT", headers: { authorization: `Bearer ${brand}`, "content-type": "image/png" }, body: png });
    expect(logo.status).toBe(204);
    const rules = await http("PUT", "/v1/vendor/shipping-rules", brand, { rules: [{ country: "US", rateAmount: SHIPPING_US }, { country: "CA", rateAmount: 1400 }] });
    expect(rules.status).toBe(200);

    const view = await http("GET", `/v1/storefronts/${s.storefrontSlug}`, undefined);
    expect(view.body.offers.map((o: { id: string }) => o.id)).toEqual([offerId]);
  });

  let orderId: string;
  let paymentIntentId: string;

  it("a buyer orders for 500 recipients and pays once; the webhook splits it and 500 gift emails arrive", async () => {
    const quote = await http("POST", `/v1/storefronts/${s.storefrontSlug}/quote`, undefined, {
      offerId,
      recipients: Array.from({ length: RECIPIENTS }, (_, i) => ({ name: `Q${i}`, email: `q${i}@example.test`, country: "US" })),
    });
    expect(quote.body.totalAmount).toBe(RECIPIENTS * SHARE);

    ({ orderId, paymentIntentId } = await placeOrder(RECIPIENTS, "big"));
    const pi = await stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" });
    expect(pi.status).toBe("succeeded");
    expect(pi.amount).toBe(RECIPIENTS * SHARE);

    await waitUntil(async () => giftEmailsFor("big").length === RECIPIENTS, 240_000);
    const emails = giftEmailsFor("big");
    expect(new Set(emails.map((m) => m.to[0])).size).toBe(RECIPIENTS);
    const codes = new Set(emails.map((m) => linkIn(m)[1]));
    expect(codes.size).toBe(RECIPIENTS); // every recipient has their own code
    expect(emails[0]!.html).toContain(`<img src="https://gifts.northwind.test/v1/storefronts/${s.storefrontSlug}/logo"`);
    expect(linkIn(emails[0]!)[0]).toMatch(/^https:\/\/gifts\.northwind\.test\/g\//);

    const detail = await http("GET", `/v1/orders/${orderId}?limit=1000`, buyerKey);
    expect(detail.body.status).toBe("paid");
    expect(detail.body.recipients).toHaveLength(RECIPIENTS);
    await waitUntil(async () => {
      const d = await http("GET", `/v1/orders/${orderId}?limit=1000`, buyerKey);
      return d.body.recipients.every((r: any) => r.unit?.status === "sent");
    });
  }, 300_000);

  it("recipients redeem a sample through the links in their emails", async () => {
    const sample = giftEmailsFor("big").slice(0, SAMPLE);
    for (const [i, mail] of sample.entries()) {
      const code = linkIn(mail)[1]!;
      const session = await http("POST", "/v1/redeem/session", undefined, { code: code.toLowerCase() });
      expect(session.status).toBe(200);
      issued.add(session.body.token);
      const gift = await http("GET", "/v1/redeem/gift", session.body.token);
      expect(gift.status).toBe(200);
      const choice = gift.body.choices.find((c: { available: number | null }) => c.available === null || c.available > 0);
      const redeemed = await http("POST", "/v1/redeem/gift/redeem", session.body.token, {
        variantId: choice.variantId,
        address: { name: mail.to[0], line1: `${100 + i} Main St`, city: "Springfield", region: "IL", postalCode: "62701", country: "US" },
      });
      expect(redeemed.status).toBe(200);
      const again = await http("POST", "/v1/redeem/gift/redeem", session.body.token, {
        variantId: choice.variantId,
        address: { name: "x", line1: "1 Elm", city: "Springfield", region: "IL", postalCode: "62701", country: "US" },
      });
      expect(again).toMatchObject({ status: 409, body: { code: "already_redeemed" } });
    }
    const detail = await http("GET", `/v1/orders/${orderId}?limit=1000`, buyerKey);
    const statuses = detail.body.recipients.map((r: any) => r.unit.status);
    expect(statuses.filter((x: string) => x === "redeemed")).toHaveLength(SAMPLE);
    expect(statuses.filter((x: string) => x === "sent")).toHaveLength(RECIPIENTS - SAMPLE);
  }, 60_000);

  it("the rest expire: each share is refunded through Stripe once and the refund outcome arrives by webhook", async () => {
    // Time passes: the gifts' 60 days run out (expiry dates moved into the past), then the
    // scheduled expiry job runs.
    await t.deps.db.sql.query(
      "UPDATE fulfillment_unit SET expires_at = now() - interval '1 minute' WHERE order_id = $1::uuid AND status IN ('issued', 'sent')",
      [orderId],
    );
    await t.deps.jobs.enqueue(t.deps.db.prisma, expireUnitsJob, {}, { key: `e2e-expiry-${orderId}` });
    const unredeemed = RECIPIENTS - SAMPLE;
    await waitUntil(
      async () => {
        const d = await http("GET", `/v1/orders/${orderId}?limit=1000`, buyerKey);
        return d.body.refundedAmount === unredeemed * SHARE;
      },
      240_000,
      50,
      async () => ({
        units: await t.deps.db.sql.query("SELECT status::text, count(*)::int AS n FROM fulfillment_unit WHERE order_id = $1::uuid GROUP BY 1", [orderId]),
        refunds: await t.deps.db.sql.query(
          "SELECT status::text, stripe_refund_id IS NOT NULL AS at_stripe, count(*)::int AS n FROM refund WHERE order_id = $1::uuid GROUP BY 1, 2",
          [orderId],
        ),
        jobs: await t.deps.db.sql.query(
          "SELECT type, status::text, count(*)::int AS n, max(last_error) AS error FROM job WHERE type IN ('fulfillment.expire_units', 'payments.create_refund', 'stripe.process_event') GROUP BY 1, 2",
        ),
      }),
    );
    const detail = await http("GET", `/v1/orders/${orderId}?limit=1000`, buyerKey);
    const statuses = detail.body.recipients.map((r: any) => r.unit.status);
    expect(statuses.filter((x: string) => x === "expired")).toHaveLength(unredeemed);
    expect(detail.body.units).toEqual({ expired: unredeemed, redeemed: SAMPLE });
    expect(statuses.filter((x: string) => x === "redeemed")).toHaveLength(SAMPLE);
    expect(detail.body.status).toBe("paid"); // partly redeemed, partly refunded

    const refunds = await stripe.refunds.list({ payment_intent: paymentIntentId, limit: 100 }).autoPagingToArray({ limit: 1000 });
    expect(refunds).toHaveLength(unredeemed);
    expect(refunds.every((r) => r.amount === SHARE && r.status === "succeeded")).toBe(true);
    const recorded = await t.deps.db.sql.query<{ status: string; n: number }>(
      "SELECT status::text, count(*)::int AS n FROM refund WHERE order_id = $1::uuid GROUP BY status",
      [orderId],
    );
    expect(recorded).toEqual([{ status: "succeeded", n: unredeemed }]);
  }, 300_000);

  it("a declined card: the order is payment_failed by webhook, no units, no emails", async () => {
    const { orderId: declined, paymentIntentId: pi } = await placeOrder(3, "declined");
    await expect(stripe.paymentIntents.confirm(pi, { payment_method: "pm_card_chargeDeclined" })).rejects.toMatchObject({ code: "card_declined" });
    await waitUntil(async () => (await http("GET", `/v1/orders/${declined}`, buyerKey)).body.status === "payment_failed", 60_000);
    await standIn.whenDeliveriesSettled();
    const detail = await http("GET", `/v1/orders/${declined}`, buyerKey);
    expect(detail.body.recipients.every((r: any) => r.unit === null)).toBe(true);
    expect(giftEmailsFor("declined")).toHaveLength(0);
  }, 120_000);

  it("a duplicate webhook, five times at once, has one effect", async () => {
    const { orderId: dup, paymentIntentId: pi } = await placeOrder(4, "dup");
    await stripe.paymentIntents.confirm(pi, { payment_method: "pm_card_visa" });
    await waitUntil(async () => giftEmailsFor("dup").length === 4, 60_000);
    const events = await stripe.events.list({ type: "payment_intent.succeeded", limit: 100 });
    const event = events.data.find((e) => (e.data.object as { id: string }).id === pi)!;
    const body = JSON.stringify(event);
    const deliveries = await Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(`${base}/webhooks/stripe`, {
          method: "POST",
          headers: { "content-type": "application/json", "stripe-signature": stripeSignatureHeader(body, standIn.webhookSecret) },
          body,
        }),
      ),
    );
    expect(deliveries.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await new Promise((r) => setTimeout(r, 500));
    const detail = await http("GET", `/v1/orders/${dup}`, buyerKey);
    expect(detail.body.recipients.filter((r: any) => r.unit)).toHaveLength(4);
    expect(giftEmailsFor("dup")).toHaveLength(4);
    const [row] = await t.deps.db.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM fulfillment_unit WHERE order_id = $1::uuid", [dup]);
    expect(row!.n).toBe(4);
  }, 120_000);

  it("no log line carries a code, token or key the run issued", async () => {
    // Recipients open their links (the page, the typed-code page with the code in the query),
    // a mistyped code and a spent one are tried, the buyer downloads the links and a QR code.
    const emails = giftEmailsFor("big");
    const codes = emails.map((m) => linkIn(m)[1]!);
    for (const code of codes.slice(0, 5)) {
      await fetch(`${base}/g/${code}`).then((r) => r.arrayBuffer());
      await fetch(`${base}/redeem?code=${code}`).then((r) => r.arrayBuffer());
    }
    const typo = codes[0]!.replace(/^./, (c) => (c === "7" ? "8" : "7"));
    expect((await http("POST", "/v1/redeem/session", undefined, { code: typo })).status).toBeGreaterThanOrEqual(400);
    expect((await http("POST", "/v1/redeem/session", undefined, { code: codes[0] })).status).toBe(200);
    const csv = await fetch(`${base}/v1/orders/${orderId}/gift-links.csv`, { headers: { authorization: `Bearer ${buyerKey}` } });
    expect(csv.status).toBe(200);
    await csv.arrayBuffer();
    const detail = await http("GET", `/v1/orders/${orderId}?limit=1`, buyerKey);
    const unitId = detail.body.recipients[0].unit.id as string;
    expect((await fetch(`${base}/v1/orders/${orderId}/units/${unitId}/qr`, { headers: { authorization: `Bearer ${buyerKey}` } })).status).toBe(200);
    // A bad credential of each kind is logged as a refusal, never with its text.
    expect((await http("GET", "/v1/orders", `${buyerKey.slice(0, -4)}AAAA`)).status).toBe(401);
    expect((await http("GET", "/v1/redeem/gift", "not-a-token")).status).toBe(401);

    for (const code of codes) issued.add(code);
    issued.add("sk_test_e2e").add(standIn.webhookSecret);
    const secrets = [...issued].filter((x) => typeof x === "string" && x.length >= 8);
    // A code is also looked for as the recipient saw it (grouped) and as typed (lower case).
    const variants = secrets.flatMap((x) => (/^[0-9A-Z-]{15,17}$/.test(x) ? [x, x.replace(/-/g, ""), x.toLowerCase(), x.replace(/-/g, "").toLowerCase()] : [x]));
    const lines = t.deps.logs.lines.map((l) => JSON.stringify(l));
    expect(lines.length).toBeGreaterThan(RECIPIENTS); // request lines, job lines, Stripe and email lines
    expect(lines.some((l) => l.includes("/g/[redacted]"))).toBe(true);
    const text = lines.join("\n");
    const leaked = variants.filter((x) => text.includes(x));
    const where = leaked.slice(0, 3).map((x) => lines.find((l) => l.includes(x))!.slice(0, 400));
    expect(leaked, `log lines carrying issued secrets:\n${where.join("\n")}`).toEqual([]);
  }, 120_000);
});
