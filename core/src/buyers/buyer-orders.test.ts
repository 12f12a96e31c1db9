import { serve, type ServerType } from "@hono/node-server";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStripeStandIn, type StripeStandIn } from "@giftloop/sandbox/stripe/server";
import { testApp, bearer, type TestApp } from "../http/testing.ts";
import { startWorker } from "../jobs/create-queue.ts";
import { waitUntil } from "../jobs/testing/harness.ts";
import type { Worker } from "../jobs/worker.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { createBuyerOrg } from "./buyers.service.ts";
import { asPlatform } from "../testing/deps.ts";
import type { SentEmail } from "../integrations/email/email.ts";
import { redemptionDigestJob } from "./digest.jobs.ts";
import { sweepWebSessionsJob } from "../platform/web-session/web-session.jobs.ts";

/**
 * Paying from the buyer storefront in sandbox mode (the first-party test-card form, confirmed
 * at the Stripe stand-in server-side) and what follows: success, decline, 3-D Secure passed
 * and failed, a total changed since review, a second tab paying the same order, fulfilment
 * from the webhook only, and the receipt by role.
 */
let standIn: StripeStandIn;
let t: TestApp;
let server: ServerType;
let worker: Worker;
let s: Seeded;
let key: string;
let orgId: string;
let base: string;

beforeAll(async () => {
  standIn = await startStripeStandIn({ port: 0, retry: { delaysMs: [50, 100, 200] } });
  t = await testApp({
    env: { STRIPE_SECRET_KEY: "sk_test_buyer", STRIPE_WEBHOOK_SECRET: standIn.webhookSecret, STRIPE_API_URL: standIn.url, JOB_POLL_INTERVAL_MS: "10" },
  });
  server = await new Promise<ServerType>((resolve) => {
    const srv = serve({ fetch: t.app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(srv));
  });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  standIn.setWebhookUrl(`${base}/webhooks/stripe`);
  worker = startWorker(t.deps);
  s = await seedVendor(t.deps.db);
  await t.deps.db.prisma.variant.updateMany({ where: { vendorId: s.vendorId }, data: { inventoryQuantity: 1000 } });
  const org = await createBuyerOrg(asPlatform(t.deps), { name: "Acme Corp", email: "ap@acme.test" });
  key = org.apiKey.key;
  orgId = org.id;
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  await new Promise((r) => server?.close(r));
  await standIn?.stop();
  await t?.close();
});

const jsonHeaders = (k = key) => bearer(k, { "content-type": "application/json" });

async function newOrder(): Promise<{ id: string; totalAmount: number }> {
  const res = await t.app.request("/v1/orders", {
    method: "POST",
    headers: jsonHeaders(),
    body: JSON.stringify({ storefront: s.storefrontSlug, offerId: s.mugOfferId, recipients: [{ name: "Ada", email: "ada@example.com", country: "US" }] }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { order: { id: string; totalAmount: number } }).order;
}

function pay(orderId: string, number: string, expectedAmount: number) {
  return t.app.request(`/v1/buyer/orders/${orderId}/sandbox-payment`, {
    method: "POST",
    headers: jsonHeaders(),
    body: JSON.stringify({ number, expMonth: 12, expYear: 2034, cvc: "123", expectedAmount }),
  });
}

const statusOf = async (id: string) => ((await (await t.app.request(`/v1/orders/${id}`, { headers: bearer(key) })).json()) as { status: string }).status;

describe("paying from the buyer storefront (sandbox)", () => {
  it("a test card pays; the order is paid only when Stripe's webhook arrives; a second tab cannot pay again", async () => {
    const order = await newOrder();
    const res = await pay(order.id, "4242 4242 4242 4242", order.totalAmount);
    expect(await res.json()).toEqual({ status: "succeeded" });
    await waitUntil(async () => (await statusOf(order.id)) === "paid", 20_000);
    const again = await pay(order.id, "4242424242424242", order.totalAmount);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: "not_payable" });
    const row = await t.deps.db.prisma.giftOrder.findUniqueOrThrow({ where: { id: order.id } });
    const stripe = new Stripe("sk_test_buyer", { ...standIn.sdkConfig });
    const charges = await stripe.charges.list({ payment_intent: row.stripePaymentIntentId! });
    expect(charges.data.filter((c) => c.status === "succeeded")).toHaveLength(1);
  });

  it("a declined card says why and leaves the order payable", async () => {
    const order = await newOrder();
    const res = await pay(order.id, "4000000000000002", order.totalAmount);
    expect(await res.json()).toMatchObject({ status: "declined", code: "generic_decline" });
    expect(await statusOf(order.id)).not.toBe("paid");
    expect(await (await pay(order.id, "4242424242424242", order.totalAmount)).json()).toEqual({ status: "succeeded" });
  });

  it("3-D Secure: the challenge page passes (paid) or fails (payable again), returning to the order page", async () => {
    for (const result of ["pass", "fail"] as const) {
      const order = await newOrder();
      const body = (await (await pay(order.id, "4000000000003220", order.totalAmount)).json()) as { status: string; challengeUrl: string };
      expect(body.status).toBe("requires_action");
      expect((await fetch(body.challengeUrl)).status).toBe(200);
      const answer = await fetch(body.challengeUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `result=${result}`,
        redirect: "manual",
      });
      expect(answer.status).toBe(303);
      const back = new URL(answer.headers.get("location")!);
      expect(back.pathname).toBe(`/buy/orders/${order.id}`);
      expect(back.searchParams.get("redirect_status")).toBe(result === "pass" ? "succeeded" : "failed");
      if (result === "pass") await waitUntil(async () => (await statusOf(order.id)) === "paid", 20_000);
      else expect(await (await pay(order.id, "4242424242424242", order.totalAmount)).json()).toEqual({ status: "succeeded" });
    }
  });

  it("a total that changed since review is refused and nothing is charged", async () => {
    const order = await newOrder();
    const res = await pay(order.id, "4242424242424242", order.totalAmount - 100);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: "amount_changed", amount: order.totalAmount });
    expect(await statusOf(order.id)).toBe("awaiting_payment");
  });

  it("another organisation's order is a 404, and nothing is charged", async () => {
    const order = await newOrder();
    const other = await createBuyerOrg(asPlatform(t.deps), { name: "Other", email: "o@other.test" });
    const res = await t.app.request(`/v1/buyer/orders/${order.id}/sandbox-payment`, {
      method: "POST",
      headers: jsonHeaders(other.apiKey.key),
      body: JSON.stringify({ number: "4242424242424242", expMonth: 12, expYear: 2034, cvc: "123", expectedAmount: order.totalAmount }),
    });
    expect(res.status).toBe(404);
    expect((await t.app.request(`/v1/buyer/orders/${order.id}/receipt`, { headers: bearer(other.apiKey.key) })).status).toBe(404);
  });

  it("the receipt is a PDF of the paid order, refused before payment", async () => {
    const order = await newOrder();
    expect((await t.app.request(`/v1/buyer/orders/${order.id}/receipt`, { headers: bearer(key) })).status).toBe(409);
    await pay(order.id, "4242424242424242", order.totalAmount);
    await waitUntil(async () => (await statusOf(order.id)) === "paid", 20_000);
    const res = await t.app.request(`/v1/buyer/orders/${order.id}/receipt`, { headers: bearer(key) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");
    await waitUntil(async () => {
      const sent = (t.deps.email as unknown as { sent: SentEmail[] }).sent;
      return sent.some((m) => m.idempotencyKey === `buyer-receipt:${order.id}` && m.attachments?.[0]?.contentType === "application/pdf");
    }, 20_000);
  });

  it("the daily digest of redemptions goes to organisations that opted in, once a day", async () => {
    const order = await newOrder();
    await pay(order.id, "4242424242424242", order.totalAmount);
    await waitUntil(async () => (await statusOf(order.id)) === "paid", 20_000);
    await t.deps.db.prisma.fulfillmentUnit.updateMany({ where: { orderId: order.id }, data: { redeemedAt: new Date() } });
    await t.deps.db.prisma.buyerOrg.update({ where: { id: orgId }, data: { digestOptIn: true } });
    const sent = () => (t.deps.email as unknown as { sent: SentEmail[] }).sent.filter((m) => m.idempotencyKey.startsWith(`buyer-digest:${orgId}:`));
    for (const k of ["a", "b"]) await t.deps.jobs.enqueue(t.deps.db.prisma, redemptionDigestJob, {}, { key: `digest-test-${k}` });
    await waitUntil(async () => (await t.deps.db.prisma.job.count({ where: { type: "buyers.redemption_digest", status: "succeeded" } })) === 2, 20_000, 50, () => t.deps.db.prisma.job.findMany({ where: { type: { startsWith: "buyers." } }, select: { type: true, status: true, lastError: true, idempotencyKey: true } }));
    await waitUntil(async () => sent().length > 0, 20_000);
    expect(await t.deps.db.prisma.job.count({ where: { type: "buyers.redemption_digest_email" } })).toBe(1);
    expect(sent()).toHaveLength(1);
    expect(sent()[0]!.subject).toMatch(/redeemed today/);
  });

  it("resends a gift email and corrects a recipient's email before redemption", async () => {
    const order = await newOrder();
    await pay(order.id, "4242424242424242", order.totalAmount);
    await waitUntil(async () => (await t.deps.db.prisma.fulfillmentUnit.count({ where: { orderId: order.id, status: "sent" } })) === 1, 20_000);
    const unit = await t.deps.db.prisma.fulfillmentUnit.findFirstOrThrow({ where: { orderId: order.id } });
    const url = (what: string) => `/v1/buyer/orders/${order.id}/units/${unit.id}/${what}`;
    const sentTo = (to: string) => (t.deps.email as unknown as { sent: SentEmail[] }).sent.filter((m) => m.to === to && m.idempotencyKey.includes(unit.id));
    const resend = await t.app.request(url("resend"), { method: "POST", headers: bearer(key) });
    expect(resend.status).toBe(202);
    await waitUntil(async () => sentTo("ada@example.com").length === 2, 20_000);
    const fixed = await t.app.request(url("email"), { method: "POST", headers: jsonHeaders(), body: JSON.stringify({ email: " Ada.L@Example.com " }) });
    expect(await fixed.json()).toEqual({ status: "sent", email: "ada.l@example.com" });
    await waitUntil(async () => sentTo("ada.l@example.com").length === 1, 20_000);
    const bad = await t.app.request(url("email"), { method: "POST", headers: jsonHeaders(), body: JSON.stringify({ email: "nope" }) });
    expect(bad.status).toBe(422);
    await t.deps.db.prisma.fulfillmentUnit.update({ where: { id: unit.id }, data: { status: "redeemed" } });
    const late = await t.app.request(url("email"), { method: "POST", headers: jsonHeaders(), body: JSON.stringify({ email: "x@example.com" }) });
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ code: "already_redeemed" });
    const other = await createBuyerOrg(asPlatform(t.deps), { name: "Other", email: "o2@other.test" });
    expect((await t.app.request(url("resend"), { method: "POST", headers: bearer(other.apiKey.key) })).status).toBe(404);
  });

  it("expired sign-in links and old sessions are swept", async () => {
    const old = new Date(Date.now() - 3 * 24 * 3600_000);
    const row = await t.deps.db.prisma.webLoginToken.create({
      data: { kind: "buyer", email: "x@y.test", purpose: "sign_in", tokenHash: `h-${Math.random()}`, codeHash: "c", expiresAt: old },
    });
    await t.deps.jobs.enqueue(t.deps.db.prisma, sweepWebSessionsJob, {}, { key: "sweep-test" });
    await waitUntil(async () => (await t.deps.db.prisma.webLoginToken.count({ where: { id: row.id } })) === 0, 20_000);
  });

  it("the shipping the brand's site shows", async () => {
    const res = await t.app.request(`/v1/storefront-shipping/${s.storefrontSlug}`);
    const body = (await res.json()) as { shipping: Array<{ country: string }> };
    expect(body.shipping.map((r) => r.country)).toContain("US");
    expect((await t.app.request("/v1/storefront-shipping/no-such-shop")).status).toBe(404);
    expect(orgId).toBeTruthy();
  });
});
