import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStripeStandIn, stripeSignatureHeader, type StripeStandIn } from "@giftloop/sandbox/stripe/server";
import { createStripePayments, type Payments } from "./payments.ts";

let standIn: StripeStandIn;
let payments: Payments;
let stripe: Stripe;
beforeAll(async () => {
  standIn = await startStripeStandIn({ port: 0 });
  const config = { STRIPE_SECRET_KEY: "sk_test_core", STRIPE_WEBHOOK_SECRET: standIn.webhookSecret, STRIPE_API_URL: standIn.url };
  payments = createStripePayments(config);
  stripe = new Stripe("sk_test_core", { ...standIn.sdkConfig });
});
afterAll(async () => {
  await standIn?.stop();
});

describe("Stripe payments (official SDK against the stand-in)", () => {
  it("creates one PaymentIntent per idempotency key, linked to the order", async () => {
    const input = {
      amount: 15_100,
      currency: "USD",
      transferGroup: "order_abc",
      description: "Gift order abc",
      metadata: { orderId: "abc" },
      idempotencyKey: "order:abc:payment-intent",
    };
    const a = await payments.createPaymentIntent(input);
    const b = await payments.createPaymentIntent(input);
    expect(b.id).toBe(a.id);
    expect(a.clientSecret).toMatch(new RegExp(`^${a.id}_secret_`));
    const pi = await stripe.paymentIntents.retrieve(a.id);
    expect(pi).toMatchObject({ amount: 15_100, currency: "usd", transfer_group: "order_abc", metadata: { orderId: "abc" } });
  });

  it("refunds part of a paid intent, idempotently", async () => {
    const pi = await payments.createPaymentIntent({
      amount: 7_600, currency: "USD", transferGroup: "order_r", description: "r", metadata: {}, idempotencyKey: "order:r:pi",
    });
    await stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa" });
    expect((await payments.retrievePaymentIntent(pi.id)).status).toBe("succeeded");
    const refund = { paymentIntentId: pi.id, amount: 3_800, metadata: { unitId: "u1" }, idempotencyKey: "unit:u1:refund" };
    const r1 = await payments.createRefund(refund);
    const r2 = await payments.createRefund(refund);
    expect(r2.id).toBe(r1.id);
    const charge = (await stripe.paymentIntents.retrieve(pi.id, { expand: ["latest_charge"] })).latest_charge as Stripe.Charge;
    expect(charge.amount_refunded).toBe(3_800);
  });

  it("verifies webhook signatures over the raw body", () => {
    const body = JSON.stringify({ id: "evt_1", object: "event", type: "payment_intent.succeeded", data: { object: {} } });
    const header = stripeSignatureHeader(body, standIn.webhookSecret);
    expect(payments.verifyWebhook(body, header).id).toBe("evt_1");
    expect(() => payments.verifyWebhook(body.replace("evt_1", "evt_2"), header)).toThrow();
    expect(() => payments.verifyWebhook(body, stripeSignatureHeader(body, "whsec_other"))).toThrow();
  });
});
