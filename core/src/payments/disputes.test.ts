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
import { mintRecipientToken } from "../redemption/recipient-token.ts";
import { pushUnitOrder } from "../fulfillment/push/push-order.ts";
import { sweepUnpushed } from "../fulfillment/push/push.jobs.ts";
import { expireUnitsJob } from "../fulfillment/expiry.jobs.ts";
import { refundUnitShare } from "./refunds.ts";

/**
 * Disputes of a paid order through the Stripe stand-in, which opens and decides them as
 * Stripe does (sandbox/src/stripe/disputes.ts) and delivers the signed events: while a
 * dispute is open nothing more leaves for the order; a win lets it all go; a loss cancels
 * what was not yet ordered from the brand, without refunding twice.
 */
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
  await t.deps.db.prisma.variant.updateMany({ where: { vendorId: s.vendorId }, data: { inventoryQuantity: 100 } });
  key = (await createBuyerOrg(asPlatform(t.deps), { name: "Acme", email: "ap@acme.test" })).apiKey.key;
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const db = () => t.deps.db.prisma;
const TOMORROW = () => new Date(Date.now() + 24 * 3600_000).toISOString();

/** A paid order of `names` (the hoodie-or-notebook choice), gift emails at `sendAt` (default: at payment). */
async function paidOrder(names: string[], sendAt?: string) {
  const res = await t.app.request("/v1/orders", {
    method: "POST",
    headers: bearer(key, { "content-type": "application/json" }),
    body: JSON.stringify({
      storefront: s.storefrontSlug,
      offerId: s.choiceOfferId,
      recipients: names.map((n) => ({ name: n, email: `${n.toLowerCase()}@example.test`, country: "US", ...(sendAt ? { sendAt } : {}) })),
    }),
  });
  expect(res.status).toBe(201);
  const orderId = ((await res.json()) as { order: { id: string } }).order.id;
  const checkout = (await (await t.app.request(`/v1/orders/${orderId}/checkout`, { method: "POST", headers: bearer(key) })).json()) as { paymentIntentId: string };
  await stripe.paymentIntents.confirm(checkout.paymentIntentId, { payment_method: "pm_card_visa" });
  await waitUntil(async () => (await db().fulfillmentUnit.count({ where: { orderId } })) === names.length);
  const units = await db().fulfillmentUnit.findMany({ where: { orderId } });
  const unit = (name: string) => units.find((u) => u.recipientName === name)!;
  return { orderId, paymentIntentId: checkout.paymentIntentId, unit };
}

/** The stand-in's controls: a cardholder disputes the payment, and the card network decides. */
async function sandbox(path: string, form: Record<string, string>) {
  const res = await fetch(`${standIn.url}${path}`, {
    method: "POST",
    headers: { authorization: "Bearer sk_test_core", "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { id: string; status: string };
}
async function dispute(paymentIntentId: string, opts: { inquiry?: boolean } = {}) {
  const pi = await stripe.paymentIntents.retrieve(paymentIntentId);
  return sandbox(`/_sandbox/charges/${String(pi.latest_charge)}/dispute`, { reason: "fraudulent", ...(opts.inquiry ? { inquiry: "true" } : {}) });
}
const decide = (disputeId: string, status: "won" | "lost") => sandbox(`/_sandbox/disputes/${disputeId}/resolve`, { status });

async function orderView(orderId: string) {
  return (await (await t.app.request(`/v1/orders/${orderId}`, { headers: bearer(key) })).json()) as {
    status: string;
    disputed: boolean;
    dispute: { status: string; amount: number | null; openedAt: string; closedAt: string | null } | null;
    refundedAmount: number;
  };
}
const onHold = async (orderId: string) => (await orderView(orderId)).disputed;

async function recipient(unitId: string) {
  const token = await mintRecipientToken(t.deps.config, unitId);
  return {
    gift: async () => (await (await t.app.request("/v1/redeem/gift", { headers: bearer(token) })).json()) as { status: string },
    redeem: (variantId: string) =>
      t.app.request("/v1/redeem/gift/redeem", {
        method: "POST",
        headers: bearer(token, { "content-type": "application/json" }),
        body: JSON.stringify({ variantId, address: { name: "R", line1: "1 Main St", city: "Springfield", region: "IL", postalCode: "62701", country: "US" } }),
      }),
  };
}

const emailsTo = (unitId: string) => smtp.messages().filter((m) => m.headers["x-giftloop-idempotency-key"] === `unit:${unitId}:gift-email`);
async function runExpiry(tag: string) {
  const { id } = await t.deps.jobs.enqueue(db(), expireUnitsJob, {}, { key: `test-expiry-${tag}` });
  await waitUntil(async () => (await db().job.findUniqueOrThrow({ where: { id } })).status === "succeeded");
}
const cancelUnit = (orderId: string, unitId: string) => t.app.request(`/v1/orders/${orderId}/units/${unitId}/cancel`, { method: "POST", headers: bearer(key) });

describe("a disputed payment", () => {
  it("puts the order on hold (no emails, redemptions, Shopify orders, expiries or cancels); a win sends what was held", async () => {
    const { orderId, paymentIntentId, unit } = await paidOrder(["Ann", "Bob", "Cat", "Dan"], TOMORROW());
    const [ann, bob, cat, dan] = ["Ann", "Bob", "Cat", "Dan"].map(unit) as [ReturnType<typeof unit>, ReturnType<typeof unit>, ReturnType<typeof unit>, ReturnType<typeof unit>];
    const hoodie = s.variants["hoodie:M/Navy"]!;

    const dp = await dispute(paymentIntentId);
    await waitUntil(() => onHold(orderId));
    const { totalAmount } = await db().giftOrder.findUniqueOrThrow({ where: { id: orderId } });
    expect((await orderView(orderId)).dispute).toMatchObject({ status: "needs_response", amount: totalAmount, closedAt: null });
    expect(await db().auditLog.count({ where: { action: "gift_order.disputed", entityId: orderId } })).toBe(1);

    // The recipient sees a gift on hold and cannot redeem it.
    const r = await recipient(ann.id);
    expect((await r.gift()).status).toBe("on_hold");
    const refused = await r.redeem(hoodie);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: "on_hold" });
    // The buyer cannot cancel (Stripe would not refund a disputed payment).
    const cancel = await cancelUnit(orderId, bob.id);
    expect(cancel.status).toBe(409);
    expect(await cancel.json()).toMatchObject({ code: "order_disputed" });
    // The emails' send date comes: they are held, not sent.
    await db().job.updateMany({ where: { idempotencyKey: { in: [ann, bob, cat, dan].map((u) => `unit:${u.id}:gift-email`) } }, data: { runAt: new Date() } });
    await waitUntil(async () => (await db().job.count({ where: { idempotencyKey: { in: [ann, bob, cat, dan].map((u) => `unit:${u.id}:gift-email`) }, status: "succeeded" } })) === 4);
    expect([ann, bob, cat, dan].flatMap((u) => emailsTo(u.id))).toEqual([]);
    // An expiry does not touch it: Cat's gift is past its date but waits for the dispute.
    await db().fulfillmentUnit.update({ where: { id: cat.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await runExpiry(`hold-${orderId}`);
    expect((await db().fulfillmentUnit.findUniqueOrThrow({ where: { id: cat.id } })).status).toBe("issued");
    // A gift redeemed just before the dispute is not ordered from the brand, and the sweep leaves it.
    await t.deps.db.sql.query("UPDATE fulfillment_unit SET status = 'redeemed', chosen_variant_id = $2::uuid, redeemed_at = now() WHERE id = $1::uuid", [dan.id, hoodie]);
    const io = { log: t.deps.log, once: async () => ({ ran: false }) };
    expect(await pushUnitOrder(t.deps, dan.id, io)).toEqual({ kind: "held", reason: "payment disputed" });
    await sweepUnpushed(t.deps);
    expect(await db().job.count({ where: { type: "fulfillment.push_order", payload: { path: ["unitId"], equals: dan.id } } })).toBe(0);

    // The card network decides for the platform.
    await decide(dp.id, "won");
    await waitUntil(async () => !(await onHold(orderId)));
    expect((await orderView(orderId)).dispute).toMatchObject({ status: "won", closedAt: expect.any(String) });
    expect((await orderView(orderId)).status).toBe("paid");
    // The held emails go out at their send date (tomorrow: brought forward here), once each;
    // Cat's, past its expiry, does not.
    const released = await db().job.findMany({ where: { type: "fulfillment.send_gift_email", idempotencyKey: { endsWith: `:released:${dp.id}` } } });
    expect(released.map((j) => j.idempotencyKey).sort()).toEqual([ann, bob].map((u) => `unit:${u.id}:gift-email:released:${dp.id}`).sort());
    expect(released.every((j) => Math.abs(j.runAt.getTime() - ann.sendAt.getTime()) < 1000)).toBe(true);
    await db().job.updateMany({ where: { id: { in: released.map((j) => j.id) } }, data: { runAt: new Date() } });
    await waitUntil(async () => emailsTo(ann.id).length === 1 && emailsTo(bob.id).length === 1);
    expect(emailsTo(cat.id)).toEqual([]);
    await waitUntil(async () => (await db().fulfillmentUnit.findUniqueOrThrow({ where: { id: bob.id } })).status === "sent");
    // Dan's gift is sent on to the brand's store.
    expect(await db().job.count({ where: { idempotencyKey: `push:${dan.id}:released:${dp.id}` } })).toBe(1);
    // Redemption works again.
    expect((await (await recipient(ann.id)).redeem(hoodie)).status).toBe(200);
    // Cat's gift now expires; Stripe refuses to refund a charged-back payment (won or not,
    // as the stand-in has it): the refund is failed for finance, and not retried.
    await runExpiry(`after-${orderId}`);
    expect((await db().fulfillmentUnit.findUniqueOrThrow({ where: { id: cat.id } })).status).toBe("expired");
    await waitUntil(async () => (await db().refund.findFirst({ where: { unitId: cat.id } }))?.status === "failed");
    const failed = await db().refund.findFirstOrThrow({ where: { unitId: cat.id } });
    expect(failed.failureReason).toContain("charge_disputed");
    await waitUntil(async () => (await db().job.findFirst({ where: { idempotencyKey: `refund:${failed.id}` } }))?.status === "dead");
    expect((await db().job.findFirstOrThrow({ where: { idempotencyKey: `refund:${failed.id}` } })).attempts).toBe(1);
  }, 90_000);

  it("lost: gifts not yet ordered from the brand are canceled without a refund, waiting refunds are canceled, the order is charged back", async () => {
    const { orderId, paymentIntentId, unit } = await paidOrder(["Eve", "Fay", "Gus"]);
    const [eve, fay, gus] = ["Eve", "Fay", "Gus"].map(unit) as [ReturnType<typeof unit>, ReturnType<typeof unit>, ReturnType<typeof unit>];
    await waitUntil(async () => (await db().fulfillmentUnit.count({ where: { orderId, status: "sent" } })) === 3);
    // Fay redeemed before the dispute: she holds a unit of stock.
    const notebook = s.variants["notebook:Black"]!;
    const stockBefore = (await db().variant.findUniqueOrThrow({ where: { id: notebook } })).inventoryReserved;
    expect((await (await recipient(fay.id)).redeem(notebook)).status).toBe(200);
    expect((await db().variant.findUniqueOrThrow({ where: { id: notebook } })).inventoryReserved).toBe(stockBefore + 1);

    const dp = await dispute(paymentIntentId);
    await waitUntil(() => onHold(orderId));
    // A refund recorded as the dispute opened (Gus's gift expired then) waits: it is not sent to Stripe.
    await db().$transaction(async (tx) => {
      await tx.fulfillmentUnit.update({ where: { id: gus.id }, data: { status: "expired", version: { increment: 1 } } });
      await refundUnitShare(t.deps, tx, { id: gus.id, orderId, amount: gus.amount, currency: gus.currency }, "gift expired");
    });
    const waiting = await db().refund.findFirstOrThrow({ where: { unitId: gus.id } });
    await waitUntil(async () => (await db().job.findFirst({ where: { idempotencyKey: `refund:${waiting.id}` } }))?.status === "succeeded");
    expect(await db().refund.findUniqueOrThrow({ where: { id: waiting.id } })).toMatchObject({ status: "pending", stripeRefundId: null });

    await decide(dp.id, "lost");
    await waitUntil(async () => (await orderView(orderId)).status === "charged_back");
    const view = await orderView(orderId);
    expect(view).toMatchObject({ disputed: false, dispute: { status: "lost", closedAt: expect.any(String) }, refundedAmount: 0 });
    // Eve's (sent) and Fay's (redeemed, not yet a Shopify order) gifts are canceled; Fay's stock is back.
    const units = await db().fulfillmentUnit.findMany({ where: { orderId }, orderBy: { recipientName: "asc" } });
    expect(units.map((u) => [u.recipientName, u.status])).toEqual([["Eve", "canceled"], ["Fay", "canceled"], ["Gus", "expired"]]);
    expect((await db().variant.findUniqueOrThrow({ where: { id: notebook } })).inventoryReserved).toBe(stockBefore);
    const moves = await db().stateTransition.findMany({ where: { entityId: { in: [eve.id, fay.id] }, toState: "canceled" } });
    expect(moves.map((m) => [m.fromState, m.actor]).sort()).toEqual([["redeemed", "stripe"], ["sent", "stripe"]]);
    expect(await db().stateTransition.count({ where: { entityId: orderId, fromState: "paid", toState: "charged_back" } })).toBe(1);
    // No refund went to Stripe: the chargeback repaid the buyer.
    expect(await db().refund.findUniqueOrThrow({ where: { id: waiting.id } })).toMatchObject({ status: "canceled", stripeRefundId: null });
    expect((await stripe.refunds.list({ payment_intent: paymentIntentId })).data).toEqual([]);
    // Fay's page says canceled; a late copy of the opening event changes nothing.
    expect((await (await recipient(fay.id)).gift()).status).toBe("canceled");
    const late = JSON.stringify({
      id: "evt_late_dispute_created",
      object: "event",
      type: "charge.dispute.created",
      data: { object: { id: dp.id, object: "dispute", status: "needs_response", amount: 11400, payment_intent: paymentIntentId } },
    });
    const res = await t.app.request("/webhooks/stripe", {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": stripeSignatureHeader(late, standIn.webhookSecret) },
      body: late,
    });
    expect(res.status).toBe(200);
    await waitUntil(async () => (await db().webhookEvent.findFirstOrThrow({ where: { externalId: "evt_late_dispute_created" } })).processedAt !== null);
    expect(await orderView(orderId)).toMatchObject({ status: "charged_back", disputed: false, dispute: { status: "lost" } });
  }, 90_000);

  it("an inquiry holds the order too; when it closes, a refund that waited goes to Stripe", async () => {
    const { orderId, paymentIntentId, unit } = await paidOrder(["Hal", "Ivy"]);
    const hal = unit("Hal");
    const dp = await dispute(paymentIntentId, { inquiry: true });
    await waitUntil(() => onHold(orderId));
    expect((await orderView(orderId)).dispute?.status).toBe("warning_needs_response");
    await db().$transaction(async (tx) => {
      await tx.fulfillmentUnit.update({ where: { id: hal.id }, data: { status: "expired", version: { increment: 1 } } });
      await refundUnitShare(t.deps, tx, { id: hal.id, orderId, amount: hal.amount, currency: hal.currency }, "gift expired");
    });
    const waiting = await db().refund.findFirstOrThrow({ where: { unitId: hal.id } });
    await waitUntil(async () => (await db().job.findFirst({ where: { idempotencyKey: `refund:${waiting.id}` } }))?.status === "succeeded");
    expect((await db().refund.findUniqueOrThrow({ where: { id: waiting.id } })).stripeRefundId).toBeNull();

    await decide(dp.id, "won"); // an inquiry closes as warning_closed
    await waitUntil(async () => (await db().refund.findUniqueOrThrow({ where: { id: waiting.id } })).status === "succeeded");
    expect(await orderView(orderId)).toMatchObject({ status: "paid", disputed: false, dispute: { status: "warning_closed" }, refundedAmount: hal.amount });
    expect((await stripe.refunds.list({ payment_intent: paymentIntentId })).data.map((x) => x.amount)).toEqual([hal.amount]);
  }, 60_000);
});
