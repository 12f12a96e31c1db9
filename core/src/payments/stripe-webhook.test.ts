import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stripeSignatureHeader, type StripeStandIn } from "@giftloop/sandbox/stripe/server";
import type { SmtpSink } from "@giftloop/sandbox/smtp/smtp-sink";
import { createBuyerOrg } from "../buyers/buyers.service.ts";
import { asPlatform } from "../testing/deps.ts";
import { bearer, type TestApp } from "../http/testing.ts";
import { startPaymentsStack, type PaymentsStack } from "./testing.ts";
import { waitUntil } from "../jobs/testing/harness.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";

let standIn: StripeStandIn;
let smtp: SmtpSink;
let t: TestApp;
let stack: PaymentsStack;
let stripe: Stripe;
let s: Seeded;
let key: string;

beforeAll(async () => {
  stack = await startPaymentsStack();
  ({ standIn, smtp, t, stripe } = stack);
  s = await seedVendor(t.deps.db);
  key = (await createBuyerOrg(asPlatform(t.deps), { name: "Acme", email: "ap@acme.test" })).apiKey.key;
});
afterAll(async () => {
  await stack?.stop();
});

async function newOrder(n = 2): Promise<string> {
  const res = await t.app.request("/v1/orders", {
    method: "POST",
    headers: bearer(key, { "content-type": "application/json" }),
    body: JSON.stringify({
      storefront: s.storefrontSlug,
      offerId: s.mugOfferId,
      recipients: Array.from({ length: n }, (_, i) => ({ name: `R${i}`, email: `r${i}@example.test`, country: "US" })),
    }),
  });
  return ((await res.json()) as { order: { id: string } }).order.id;
}

async function checkout(orderId: string) {
  const res = await t.app.request(`/v1/orders/${orderId}/checkout`, { method: "POST", headers: bearer(key) });
  expect(res.status).toBe(200);
  return (await res.json()) as { paymentIntentId: string; clientSecret: string; amount: number; currency: string };
}

describe("checkout and Stripe webhooks", () => {
  it("creates one PaymentIntent for the order's total, with the order as transfer group", async () => {
    const orderId = await newOrder(2);
    const a = await checkout(orderId);
    const b = await checkout(orderId);
    expect(b.paymentIntentId).toBe(a.paymentIntentId);
    expect(a).toMatchObject({ amount: 2 * 3800, currency: "USD" });
    const pi = await stripe.paymentIntents.retrieve(a.paymentIntentId);
    expect(pi).toMatchObject({ amount: 7600, currency: "usd", transfer_group: `order_${orderId}`, metadata: { giftloop_order_id: orderId } });
  });

  it("a declined card marks the order payment_failed through the signed webhook", async () => {
    const orderId = await newOrder(1);
    const { paymentIntentId } = await checkout(orderId);
    await expect(stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_chargeDeclined" })).rejects.toThrow();
    await waitUntil(async () => (await t.deps.db.prisma.giftOrder.findUniqueOrThrow({ where: { id: orderId } })).status === "payment_failed");
    const events = await t.deps.db.prisma.webhookEvent.findMany({ where: { provider: "stripe", topic: "payment_intent.payment_failed" } });
    expect(events.length).toBeGreaterThan(0);
    // The buyer can try again with another card.
    expect((await checkout(orderId)).paymentIntentId).toBe(paymentIntentId);
  });

  it("refuses a missing or wrong signature with 400 and records nothing", async () => {
    const body = JSON.stringify({ id: "evt_forged", object: "event", type: "payment_intent.succeeded", data: { object: { id: "pi_x" } } });
    const noSig = await t.app.request("/webhooks/stripe", { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(noSig.status).toBe(400);
    const forged = await t.app.request("/webhooks/stripe", {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": stripeSignatureHeader(body, "whsec_wrong") },
      body,
    });
    expect(forged.status).toBe(400);
    expect(forged.headers.get("content-type")).toContain("application/problem+json");
    expect(await t.deps.db.prisma.webhookEvent.count({ where: { externalId: "evt_forged" } })).toBe(0);
  });

  it("answers 400 for a signed event PostgreSQL cannot store (a NUL character), recording nothing, while events beside it are recorded", async () => {
    const bad = JSON.stringify({ id: "evt_nul", object: "event", type: "payment_intent.created", data: { object: { id: "pi_nul", metadata: { note: "a\u0000b" } } } });
    const good = JSON.stringify({ id: "evt_beside_nul", object: "event", type: "payment_intent.created", data: { object: { id: "pi_ok" } } });
    const send = (body: string) =>
      t.app.request("/webhooks/stripe", {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": stripeSignatureHeader(body, standIn.webhookSecret) },
        body,
      });
    const [badRes, goodRes] = await Promise.all([send(bad), send(good)]);
    expect(badRes.status).toBe(400);
    expect(await badRes.json()).toMatchObject({ code: "invalid_payload" });
    expect(goodRes.status).toBe(200);
    expect(await t.deps.db.prisma.webhookEvent.count({ where: { externalId: { in: ["evt_nul", "evt_beside_nul"] } } })).toBe(1);
  });

  it("the same event delivered five times at once is recorded and processed once", async () => {
    const orderId = await newOrder(1);
    const { paymentIntentId } = await checkout(orderId);
    const body = JSON.stringify({
      id: "evt_dispute_5x",
      object: "event",
      type: "charge.dispute.created",
      data: { object: { id: "dp_1", object: "dispute", payment_intent: paymentIntentId } },
    });
    const send = () =>
      t.app.request("/webhooks/stripe", {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": stripeSignatureHeader(body, standIn.webhookSecret) },
        body,
      });
    const res = await Promise.all(Array.from({ length: 5 }, send));
    expect(res.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await t.deps.db.prisma.webhookEvent.count({ where: { externalId: "evt_dispute_5x" } })).toBe(1);
    await waitUntil(async () => (await t.deps.db.prisma.giftOrder.findUniqueOrThrow({ where: { id: orderId } })).disputedAt !== null);
    await waitUntil(async () => (await t.deps.db.prisma.webhookEvent.findFirstOrThrow({ where: { externalId: "evt_dispute_5x" } })).processedAt !== null);
    expect(await t.deps.db.prisma.auditLog.count({ where: { action: "gift_order.disputed", entityId: orderId } })).toBe(1);
  });
});

describe("payment succeeded", () => {
  it("splits the paid order into one unit per recipient, each with its own code, and sends every gift email", async () => {
    const orderId = await newOrder(3);
    const { paymentIntentId } = await checkout(orderId);
    await stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" });
    await waitUntil(async () => (await t.deps.db.prisma.fulfillmentUnit.count({ where: { orderId, status: "sent" } })) === 3);
    const order = await t.deps.db.prisma.giftOrder.findUniqueOrThrow({ where: { id: orderId } });
    expect(order.status).toBe("paid");
    const units = await t.deps.db.prisma.fulfillmentUnit.findMany({ where: { orderId } });
    expect(new Set(units.map((u) => u.codeHash)).size).toBe(3);
    expect(units.every((u) => u.amount === 3800 && u.currency === "USD")).toBe(true);
    // The real messages, as the SMTP server received them.
    const mine = smtp.messages().filter((m) => units.some((u) => m.headers["x-giftloop-idempotency-key"] === `unit:${u.id}:gift-email`));
    expect(mine.map((m) => m.to[0]).sort()).toEqual(["r0@example.test", "r1@example.test", "r2@example.test"]);
    expect(mine[0]!.html).toContain("/g/");
    expect(mine[0]!.attachments.some((a) => a.contentType === "image/png" && a.cid)).toBe(true);
    // The buyer sees each recipient's gift.
    const view = (await (await t.app.request(`/v1/orders/${orderId}`, { headers: bearer(key) })).json()) as { status: string; recipients: Array<{ unit: { status: string } }> };
    expect(view.status).toBe("paid");
    expect(view.recipients.map((r) => r.unit.status)).toEqual(["sent", "sent", "sent"]);
  });

  it("the same payment event processed again creates nothing more", async () => {
    const orderId = await newOrder(2);
    const { paymentIntentId } = await checkout(orderId);
    await stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" });
    await waitUntil(async () => (await t.deps.db.prisma.fulfillmentUnit.count({ where: { orderId } })) === 2);
    const { splitOrder } = await import("../orders/split-order.ts");
    const again = await splitOrder(t.deps, { paymentIntentId, amount: 7600, currency: "usd" });
    expect(again).toEqual({ split: false, reason: "already_split" });
    expect(await t.deps.db.prisma.fulfillmentUnit.count({ where: { orderId } })).toBe(2);
  });
});

describe("cancelling an order before it is paid", () => {
  const cancel = (orderId: string, k = key) => t.app.request(`/v1/orders/${orderId}/cancel`, { method: "POST", headers: bearer(k) });

  it("cancels the PaymentIntent at Stripe first, so nothing can be paid afterwards; once only", async () => {
    const orderId = await newOrder(2);
    const { paymentIntentId } = await checkout(orderId);
    const res = await cancel(orderId);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: orderId, status: "canceled" });
    expect((await stripe.paymentIntents.retrieve(paymentIntentId)).status).toBe("canceled");
    await expect(stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" })).rejects.toThrow();
    const again = await cancel(orderId);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: "not_cancelable" });
    expect((await t.app.request(`/v1/orders/${orderId}/checkout`, { method: "POST", headers: bearer(key) })).status).toBe(409);
    const transitions = await t.deps.db.prisma.stateTransition.findMany({ where: { entityId: orderId } });
    expect(transitions.map((x) => [x.fromState, x.toState])).toEqual([["awaiting_payment", "canceled"]]);
  });

  it("cancels an order whose checkout never started, and an order whose card was declined", async () => {
    expect((await cancel(await newOrder(1))).status).toBe(200);
    const declined = await newOrder(1);
    const { paymentIntentId } = await checkout(declined);
    await stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_chargeDeclined" }).catch(() => undefined);
    await waitUntil(async () => (await t.deps.db.prisma.giftOrder.findUniqueOrThrow({ where: { id: declined } })).status === "payment_failed");
    expect((await cancel(declined)).status).toBe(200);
  });

  it("does not cancel a paid order (its gifts are canceled one by one), nor another buyer's", async () => {
    const orderId = await newOrder(1);
    const { paymentIntentId } = await checkout(orderId);
    await stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" });
    await waitUntil(async () => (await t.deps.db.prisma.giftOrder.findUniqueOrThrow({ where: { id: orderId } })).status === "paid");
    const paid = await cancel(orderId);
    expect(paid.status).toBe(409);
    expect(await paid.json()).toMatchObject({ code: "not_cancelable" });
    const other = (await createBuyerOrg(asPlatform(t.deps), { name: "Other", email: "o@other.test" })).apiKey.key;
    expect((await cancel(await newOrder(1), other)).status).toBe(404);
  });
});

describe("refunds: cancel and expiry", () => {
  async function paidOrder(n: number) {
    const orderId = await newOrder(n);
    const { paymentIntentId } = await checkout(orderId);
    await stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" });
    await waitUntil(async () => (await t.deps.db.prisma.fulfillmentUnit.count({ where: { orderId, status: "sent" } })) === n);
    const units = await t.deps.db.prisma.fulfillmentUnit.findMany({ where: { orderId }, orderBy: { recipientName: "asc" } });
    return { orderId, paymentIntentId, units };
  }

  it("a buyer cancels an unredeemed gift: its share is refunded once through Stripe, confirmed by webhook", async () => {
    const { orderId, paymentIntentId, units } = await paidOrder(2);
    const cancel = () => t.app.request(`/v1/orders/${orderId}/units/${units[0]!.id}/cancel`, { method: "POST", headers: bearer(key) });
    const res = await cancel();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "canceled", refund: { amount: 3800, currency: "USD" } });
    expect((await cancel()).status).toBe(409);
    await waitUntil(async () => (await t.deps.db.prisma.refund.findFirst({ where: { unitId: units[0]!.id } }))?.status === "succeeded");
    const order = await t.deps.db.prisma.giftOrder.findUniqueOrThrow({ where: { id: orderId } });
    expect(order).toMatchObject({ status: "paid", refundedAmount: 3800 });
    const refunds = await stripe.refunds.list({ payment_intent: paymentIntentId });
    expect(refunds.data.map((r) => r.amount)).toEqual([3800]);
  });

  it("a refund whose webhook never arrived is settled by asking Stripe, once it has waited", async () => {
    const { orderId, units } = await paidOrder(1);
    standIn.setWebhookUrl(null); // events are recorded at the stand-in, none reaches us
    try {
      expect((await t.app.request(`/v1/orders/${orderId}/units/${units[0]!.id}/cancel`, { method: "POST", headers: bearer(key) })).status).toBe(200);
      await waitUntil(async () => (await t.deps.db.prisma.refund.findFirst({ where: { unitId: units[0]!.id } }))?.stripeRefundId != null);
      const refund = await t.deps.db.prisma.refund.findFirstOrThrow({ where: { unitId: units[0]!.id } });
      await waitUntil(async () => (await stripe.refunds.retrieve(refund.stripeRefundId!)).status === "succeeded");
    } finally {
      standIn.setWebhookUrl(stack.webhookUrl);
    }
    await standIn.whenDeliveriesSettled();
    const { reconcileRefundsJob } = await import("./refunds.ts");
    const run = async (tag: string) => {
      const { id } = await t.deps.jobs.enqueue(t.deps.db.prisma, reconcileRefundsJob, {}, { key: `test-reconcile-${orderId}-${tag}` });
      await waitUntil(async () => (await t.deps.db.prisma.job.findUniqueOrThrow({ where: { id } })).status === "succeeded");
    };
    // Not yet: a refund that waited less than 15 minutes is left to its webhook.
    await run("early");
    expect((await t.deps.db.prisma.refund.findFirstOrThrow({ where: { unitId: units[0]!.id } })).status).toBe("pending");
    await t.deps.db.prisma.refund.updateMany({ where: { unitId: units[0]!.id }, data: { updatedAt: new Date(Date.now() - 16 * 60_000) } });
    await run("late");
    expect((await t.deps.db.prisma.refund.findFirstOrThrow({ where: { unitId: units[0]!.id } })).status).toBe("succeeded");
    expect((await t.deps.db.prisma.giftOrder.findUniqueOrThrow({ where: { id: orderId } })).refundedAmount).toBe(3800);
  });

  it("unredeemed gifts past their expiry expire, are refunded, and the buyer gets one summary", async () => {
    const { orderId, units } = await paidOrder(2);
    await t.deps.db.prisma.fulfillmentUnit.updateMany({ where: { orderId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const { expireUnitsJob } = await import("../fulfillment/expiry.jobs.ts");
    await t.deps.jobs.enqueue(t.deps.db.prisma, expireUnitsJob, {}, { key: `test-expiry-${orderId}` });
    await waitUntil(async () => (await t.deps.db.prisma.fulfillmentUnit.count({ where: { orderId, status: "expired" } })) === 2);
    await waitUntil(async () => (await t.deps.db.prisma.giftOrder.findUniqueOrThrow({ where: { id: orderId } })).status === "refunded");
    expect((await t.deps.db.prisma.giftOrder.findUniqueOrThrow({ where: { id: orderId } })).refundedAmount).toBe(7600);
    // The summary waits ten minutes to gather the day's expiries; bring it forward.
    await t.deps.db.sql.query("UPDATE job SET run_at = now() WHERE type = 'fulfillment.expiry_summary_email' AND payload->>'orderId' = $1", [orderId]);
    const isSummary = (m: { headers: Record<string, string> }) => m.headers["x-giftloop-idempotency-key"]?.startsWith(`order:${orderId}:expiry-summary`);
    await waitUntil(async () => smtp.messages().some(isSummary));
    const summary = smtp.messages().filter(isSummary);
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatchObject({ to: ["ap@acme.test"], subject: "2 unredeemed gifts expired: $76.00 refunded" });
    expect(units).toHaveLength(2);
  });
});
