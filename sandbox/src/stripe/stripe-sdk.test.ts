import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FAILING_REFUND_AMOUNT, startStripeStandIn, type StripeStandIn } from "./server.ts";
import { eventually, startWebhookReceiver, type WebhookReceiver } from "./test-support.ts";

// The stand-in driven through the official `stripe` SDK, configured only through its documented
// host/port/protocol options: if these pass, product code written against the SDK behaves the
// same against the stand-in as against Stripe's test mode.

let standIn: StripeStandIn;
let stripe: Stripe;

beforeAll(async () => {
  standIn = await startStripeStandIn({ retry: { delaysMs: [50, 100, 200], timeoutMs: 2_000 }, refundSettleDelayMs: 30 });
  stripe = new Stripe("sk_test_sandbox", { ...standIn.sdkConfig });
});
afterAll(async () => {
  await standIn.stop();
});
beforeEach(() => standIn.reset());

/** Card-only intents (no redirect-based methods, so no return_url needed), as the core creates them. */
const cardOnly: Pick<Stripe.PaymentIntentCreateParams, "allowed_payment_method_types"> = { allowed_payment_method_types: ["card"] };

async function paidIntent(amount = 5_000, paymentMethod = "pm_card_visa"): Promise<Stripe.PaymentIntent> {
  return stripe.paymentIntents.create({ amount, currency: "usd", ...cardOnly, payment_method: paymentMethod, confirm: true });
}

async function cardError(p: Promise<unknown>): Promise<InstanceType<typeof Stripe.errors.StripeCardError>> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
  return err as InstanceType<typeof Stripe.errors.StripeCardError>;
}

async function requestError(p: Promise<unknown>): Promise<InstanceType<typeof Stripe.errors.StripeError>> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Stripe.errors.StripeError);
  return err as InstanceType<typeof Stripe.errors.StripeError>;
}

describe("payment intents through the SDK", () => {
  it("creates, then confirms with a succeeding test card", async () => {
    const created = await stripe.paymentIntents.create({
      amount: 12_345,
      currency: "USD",
      ...cardOnly,
      transfer_group: "order_42",
      description: "Gift order 42",
      receipt_email: "buyer@example.com",
      metadata: { order_id: "order_42", tenant: "acme" },
    });
    expect(created).toMatchObject({
      object: "payment_intent",
      status: "requires_payment_method",
      amount: 12_345,
      currency: "usd",
      livemode: false,
      transfer_group: "order_42",
      metadata: { order_id: "order_42", tenant: "acme" },
      payment_method_types: ["card"],
      allowed_payment_method_types: ["card"],
      automatic_payment_methods: null,
    });
    expect(created.id).toMatch(/^pi_\w{24}$/);
    expect(created.client_secret).toMatch(new RegExp(`^${created.id}_secret_\\w+$`));
    expect(Math.abs(created.created - Date.now() / 1000)).toBeLessThan(5);

    const confirmed = await stripe.paymentIntents.confirm(created.id, { payment_method: "pm_card_visa" });
    expect(confirmed.status).toBe("succeeded");
    expect(confirmed.amount_received).toBe(12_345);
    expect(confirmed.payment_method).toMatch(/^pm_/);
    expect(confirmed.latest_charge).toMatch(/^ch_/);

    const charge = await stripe.charges.retrieve(confirmed.latest_charge as string, { expand: ["balance_transaction"] });
    expect(charge).toMatchObject({
      status: "succeeded",
      paid: true,
      captured: true,
      amount: 12_345,
      amount_captured: 12_345,
      payment_intent: created.id,
      transfer_group: "order_42",
      metadata: { order_id: "order_42", tenant: "acme" },
      payment_method_details: { type: "card", card: { brand: "visa", last4: "4242" } },
    });
    const txn = charge.balance_transaction as Stripe.BalanceTransaction;
    expect(txn.object).toBe("balance_transaction");
    expect(txn.net).toBe(txn.amount - txn.fee);
  });

  it("confirms raw test card numbers: 4242… succeeds, 0002 and 9995 decline", async () => {
    const withCard = (number: string) =>
      stripe.paymentIntents.create({
        amount: 2_000,
        currency: "eur",
        ...cardOnly,
        confirm: true,
        // Raw card data is not in the SDK's types (Stripe discourages it) but is accepted on the wire.
        payment_method_data: { type: "card", card: { number, exp_month: 12, exp_year: 2034, cvc: "123" } } as unknown as Stripe.PaymentIntentCreateParams.PaymentMethodData,
      });
    expect((await withCard("4242424242424242")).status).toBe("succeeded");
    expect((await cardError(withCard("4000000000000002"))).decline_code).toBe("generic_decline");
    const insufficient = await cardError(withCard("4000000000009995"));
    expect(insufficient.code).toBe("card_declined");
    expect(insufficient.decline_code).toBe("insufficient_funds");
    expect((await cardError(withCard("4242424242424241"))).code).toBe("incorrect_number");
  });

  it("declines with StripeCardError, records the failure on the intent and emits payment_failed", async () => {
    const pi = await stripe.paymentIntents.create({ amount: 5_000, currency: "usd", ...cardOnly });
    const err = await cardError(stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa_chargeDeclined" }));
    expect(err.statusCode).toBe(402);
    expect(err.code).toBe("card_declined");
    expect(err.decline_code).toBe("generic_decline");
    expect(err.message).toBe("Your card was declined.");
    expect(err.payment_intent?.id).toBe(pi.id);
    expect(err.payment_intent?.status).toBe("requires_payment_method");
    expect(err.charge).toMatch(/^ch_/);

    const after = await stripe.paymentIntents.retrieve(pi.id);
    expect(after.status).toBe("requires_payment_method");
    expect(after.last_payment_error).toMatchObject({ type: "card_error", code: "card_declined", decline_code: "generic_decline", charge: err.charge });
    const failedCharge = await stripe.charges.retrieve(err.charge as string);
    expect(failedCharge).toMatchObject({ status: "failed", paid: false, failure_code: "card_declined", outcome: { type: "issuer_declined" } });

    const events = await stripe.events.list({ type: "payment_intent.payment_failed" });
    expect(events.data.map((e) => (e.data.object as { id: string }).id)).toEqual([pi.id]);

    // The intent can be retried with another card, as at Stripe.
    const retried = await stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa" });
    expect(retried.status).toBe("succeeded");
    expect(retried.last_payment_error).toBeNull();
  });

  it("retrieves by id, expands, and answers 404 resource_missing for an unknown id", async () => {
    const pi = await paidIntent();
    const got = await stripe.paymentIntents.retrieve(pi.id, { expand: ["latest_charge.balance_transaction"] });
    const charge = got.latest_charge as Stripe.Charge;
    expect(charge.object).toBe("charge");
    expect((charge.balance_transaction as Stripe.BalanceTransaction).object).toBe("balance_transaction");

    const err = await requestError(stripe.paymentIntents.retrieve("pi_doesnotexist"));
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe("resource_missing");
    expect(err.message).toBe("No such payment_intent: 'pi_doesnotexist'");
  });

  it("replays an idempotent create and refuses the key with different parameters", async () => {
    const params = { amount: 7_500, currency: "usd", ...cardOnly, metadata: { order_id: "o-7" } };
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: "order-o-7-payment" });
    const again = await stripe.paymentIntents.create(params, { idempotencyKey: "order-o-7-payment" });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect((await stripe.paymentIntents.list({ limit: 100 })).data).toHaveLength(1);
    expect((await stripe.events.list({ type: "payment_intent.created" })).data).toHaveLength(1);

    const err = await requestError(stripe.paymentIntents.create({ ...params, amount: 7_600 }, { idempotencyKey: "order-o-7-payment" }));
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(err.statusCode).toBe(400);

    // A replayed decline is the same decline, not a second attempt.
    const decline = () =>
      stripe.paymentIntents.create({ amount: 1_000, currency: "usd", ...cardOnly, payment_method: "pm_card_chargeDeclined", confirm: true }, { idempotencyKey: "declined-once" });
    const e1 = await cardError(decline());
    const e2 = await cardError(decline());
    expect(e2.charge).toBe(e1.charge);
    expect((await stripe.charges.list({ limit: 100 })).data.filter((c) => c.status === "failed")).toHaveLength(1);
  });

  it("cancels, and refuses to confirm a canceled or already succeeded intent", async () => {
    const pi = await stripe.paymentIntents.create({ amount: 5_000, currency: "usd", ...cardOnly });
    const canceled = await stripe.paymentIntents.cancel(pi.id, { cancellation_reason: "abandoned" });
    expect(canceled).toMatchObject({ status: "canceled", cancellation_reason: "abandoned" });
    expect(typeof canceled.canceled_at).toBe("number");
    expect((await requestError(stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa" }))).code).toBe("payment_intent_unexpected_state");

    const paid = await paidIntent();
    expect((await requestError(stripe.paymentIntents.confirm(paid.id, { payment_method: "pm_card_visa" }))).code).toBe(
      "payment_intent_unexpected_state",
    );
    expect((await requestError(stripe.paymentIntents.cancel(paid.id))).code).toBe("payment_intent_unexpected_state");
  });

  it("updates metadata and description; amount only before payment", async () => {
    const pi = await stripe.paymentIntents.create({ amount: 5_000, currency: "usd", ...cardOnly, metadata: { a: "1", b: "2" } });
    const updated = await stripe.paymentIntents.update(pi.id, { amount: 6_000, description: "more gifts", metadata: { b: "", c: "3" } });
    expect(updated).toMatchObject({ amount: 6_000, description: "more gifts", metadata: { a: "1", c: "3" } });
    const paid = await stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa" });
    expect(paid.amount_received).toBe(6_000);
    expect((await stripe.paymentIntents.update(pi.id, { metadata: { note: "after" } })).metadata).toEqual({ a: "1", c: "3", note: "after" });
    expect((await requestError(stripe.paymentIntents.update(pi.id, { amount: 1_000 }))).code).toBe("payment_intent_unexpected_state");
  });

  it("validates like Stripe: unknown params, minimum amount, return_url with automatic payment methods, API key", async () => {
    const unknown = await requestError(stripe.paymentIntents.create({ amount: 5_000, currency: "usd", colour: "blue" } as Stripe.PaymentIntentCreateParams));
    expect(unknown.message).toBe("Received unknown parameter: colour");
    expect(unknown.param).toBe("colour");

    const noCard = await requestError(stripe.paymentIntents.create({ amount: 5_000, currency: "usd", ...cardOnly, confirm: true }));
    expect(noCard.code).toBe("payment_intent_unexpected_state");

    const small = await requestError(stripe.paymentIntents.create({ amount: 10, currency: "usd", ...cardOnly }));
    expect(small.code).toBe("amount_too_small");

    const legacy = await requestError(
      stripe.paymentIntents.create({ amount: 5_000, currency: "usd", payment_method_types: ["card"] } as Stripe.PaymentIntentCreateParams),
    );
    expect(legacy.param).toBe("payment_method_types");
    // Before API version 2026-09-30.endive, payment_method_types was the parameter.
    const older = new Stripe("sk_test_sandbox", { ...standIn.sdkConfig, apiVersion: "2025-03-31.basil" as Stripe.LatestApiVersion });
    const legacyOk = await older.paymentIntents.create({ amount: 5_000, currency: "usd", payment_method_types: ["card"] } as Stripe.PaymentIntentCreateParams);
    expect(legacyOk).toMatchObject({ payment_method_types: ["card"], automatic_payment_methods: null });
    await stripe.paymentIntents.cancel(legacyOk.id);

    // Automatic payment methods (the default) may redirect, so a server-side confirm needs a return_url.
    const noReturn = await requestError(stripe.paymentIntents.create({ amount: 5_000, currency: "usd", payment_method: "pm_card_visa", confirm: true }));
    expect(noReturn.message).toMatch(/return_url/);
    expect((await stripe.paymentIntents.list()).data.filter((p) => p.status !== "canceled")).toHaveLength(0);
    const withReturn = await stripe.paymentIntents.create({
      amount: 5_000,
      currency: "usd",
      payment_method: "pm_card_visa",
      confirm: true,
      return_url: "https://example.com/done",
    });
    expect(withReturn.status).toBe("succeeded");
    const noRedirects = await stripe.paymentIntents.create({
      amount: 5_000,
      currency: "usd",
      automatic_payment_methods: { enabled: true, allow_redirects: "never" },
      payment_method: "pm_card_visa",
      confirm: true,
    });
    expect(noRedirects.status).toBe("succeeded");

    const wrongKey = new Stripe("sk_live_nope", { ...standIn.sdkConfig });
    expect(await requestError(wrongKey.paymentIntents.list())).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    const anonymous = await fetch(`${standIn.url}/v1/payment_intents`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
  });

  it("lists newest first and pages with the SDK's auto-pagination", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await stripe.paymentIntents.create({ amount: 1_000 + i, currency: "usd", ...cardOnly })).id);
    const page = await stripe.paymentIntents.list({ limit: 2 });
    expect(page.object).toBe("list");
    expect(page.url).toBe("/v1/payment_intents");
    expect(page.has_more).toBe(true);
    expect(page.data.map((p) => p.id)).toEqual([ids[4], ids[3]]);
    const all = await stripe.paymentIntents.list({ limit: 2 }).autoPagingToArray({ limit: 10 });
    expect(all.map((p) => p.id)).toEqual([...ids].reverse());
    const before = await stripe.paymentIntents.list({ limit: 2, ending_before: ids[1] });
    expect(before.data.map((p) => p.id)).toEqual([ids[3], ids[2]]);
  });
});

describe("refunds through the SDK", () => {
  it("refunds partially, then the remainder, then refuses to over-refund", async () => {
    const pi = await paidIntent(5_000);
    const partial = await stripe.refunds.create({ payment_intent: pi.id, amount: 1_500, reason: "requested_by_customer", metadata: { unit: "u1" } });
    expect(partial).toMatchObject({ object: "refund", amount: 1_500, status: "pending", payment_intent: pi.id, charge: pi.latest_charge, reason: "requested_by_customer", metadata: { unit: "u1" } });
    expect(partial.id).toMatch(/^re_/);

    const tooMuch = await requestError(stripe.refunds.create({ payment_intent: pi.id, amount: 3_501 }));
    expect(tooMuch).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.param).toBe("amount");
    expect(tooMuch.message).toBe("Refund amount ($35.01) is greater than unrefunded amount on charge ($35.00)");

    const rest = await stripe.refunds.create({ charge: pi.latest_charge as string });
    expect(rest.amount).toBe(3_500);

    const again = await requestError(stripe.refunds.create({ payment_intent: pi.id, amount: 1 }));
    expect(again.code).toBe("charge_already_refunded");

    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ amount_refunded: 5_000, refunded: true });
    expect(charge.refunds?.data.map((r) => r.id)).toEqual([rest.id, partial.id]);

    // Refunds settle asynchronously, as card refunds do.
    await eventually(async () => expect((await stripe.refunds.retrieve(partial.id)).status).toBe("succeeded"));
    await eventually(async () => expect((await stripe.refunds.retrieve(rest.id)).status).toBe("succeeded"));
    const refundEvents = await stripe.events.list({ types: ["refund.created", "refund.updated", "charge.refunded"], limit: 100 });
    expect(refundEvents.data.map((e) => e.type).sort()).toEqual(
      ["charge.refunded", "charge.refunded", "refund.created", "refund.created", "refund.updated", "refund.updated"].sort(),
    );
    const listed = await stripe.refunds.list({ payment_intent: pi.id });
    expect(listed.data.map((r) => r.id)).toEqual([rest.id, partial.id]);
  });

  it(`fails a refund of ${FAILING_REFUND_AMOUNT} and a refund of a pm_card_refundFail charge, making the amount refundable again`, async () => {
    const pi = await paidIntent(5_000);
    const doomed = await stripe.refunds.create({ payment_intent: pi.id, amount: FAILING_REFUND_AMOUNT });
    const failed = await eventually(async () => {
      const r = await stripe.refunds.retrieve(doomed.id);
      expect(r.status).toBe("failed");
      return r;
    });
    expect(failed.failure_reason).toBe("expired_or_canceled_card");
    expect((await stripe.charges.retrieve(pi.latest_charge as string)).amount_refunded).toBe(0);
    expect((await stripe.events.list({ type: "refund.failed" })).data).toHaveLength(1);

    const refundFail = await paidIntent(5_000, "pm_card_refundFail");
    const r = await stripe.refunds.create({ payment_intent: refundFail.id });
    await eventually(async () => expect((await stripe.refunds.retrieve(r.id)).status).toBe("failed"));
  });

  it("refuses to refund a failed payment or an unknown charge", async () => {
    const pi = await stripe.paymentIntents.create({ amount: 5_000, currency: "usd", ...cardOnly });
    expect((await requestError(stripe.refunds.create({ payment_intent: pi.id }))).param).toBe("payment_intent");
    const missing = await requestError(stripe.refunds.create({ charge: "ch_nope" }));
    expect(missing.code).toBe("resource_missing");
  });
});

describe("disputes and events", () => {
  it("opens a dispute through the sandbox control, blocks refunds, and closes it", async () => {
    const pi = await paidIntent(8_000);
    const res = await fetch(`${standIn.url}/_sandbox/charges/${pi.latest_charge as string}/dispute`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "reason=product_not_received",
    });
    expect(res.status).toBe(200);
    const opened = (await res.json()) as Stripe.Dispute;
    expect(opened).toMatchObject({ object: "dispute", amount: 8_000, reason: "product_not_received", status: "needs_response", payment_intent: pi.id });

    const dispute = await stripe.disputes.retrieve(opened.id);
    expect(dispute.charge).toBe(pi.latest_charge);
    expect((await stripe.charges.retrieve(pi.latest_charge as string)).disputed).toBe(true);
    expect((await requestError(stripe.refunds.create({ payment_intent: pi.id }))).code).toBe("charge_disputed");

    const closed = await stripe.disputes.close(opened.id);
    expect(closed.status).toBe("lost");
    const types = (await stripe.events.list({ type: "charge.dispute.*" })).data.map((e) => e.type);
    expect(types).toEqual(["charge.dispute.closed", "charge.dispute.funds_withdrawn", "charge.dispute.created"]);
  });

  it("disputes a pm_card_createDispute payment automatically, as Stripe's test mode does", async () => {
    const pi = await paidIntent(3_000, "pm_card_createDispute");
    const disputes = await stripe.disputes.list({ payment_intent: pi.id });
    expect(disputes.data).toHaveLength(1);
    expect(disputes.data[0]?.reason).toBe("fraudulent");
  });

  it("lists events newest first with the request that caused them", async () => {
    const pi = await stripe.paymentIntents.create({ amount: 5_000, currency: "usd", ...cardOnly }, { idempotencyKey: "create-1" });
    await stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa" });
    const events = await stripe.events.list();
    expect(events.data.map((e) => e.type)).toEqual(["payment_intent.succeeded", "charge.succeeded", "payment_intent.created"]);
    const created = events.data[2];
    expect(created?.request).toMatchObject({ idempotency_key: "create-1" });
    expect(created?.request?.id).toMatch(/^req_/);
    expect(created?.api_version).toBe("2026-10-28.endive");
    const one = await stripe.events.retrieve(created?.id ?? "");
    expect((one.data.object as Stripe.PaymentIntent).status).toBe("requires_payment_method");
    const paged = await stripe.events.list({ limit: 1, starting_after: events.data[0]?.id ?? "" });
    expect(paged.data.map((e) => e.type)).toEqual(["charge.succeeded"]);
  });
});

describe("webhooks", () => {
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
    standIn.setWebhookUrl(receiver.url);
  });
  afterEach(async () => {
    standIn.setWebhookUrl(null);
    await receiver.close();
  });

  it("delivers every event signed so that stripe.webhooks.constructEvent accepts it, in order per payment and per refund", async () => {
    const pi = await paidIntent(5_000);
    await stripe.refunds.create({ payment_intent: pi.id, amount: 1_000 });
    await eventually(() => expect(receiver.received.map((r) => JSON.parse(r.rawBody).type)).toContain("refund.updated"));
    await standIn.whenDeliveriesSettled();

    const verified = receiver.received.map((r) => stripe.webhooks.constructEvent(r.rawBody, r.signature, standIn.webhookSecret));
    // A payment's events arrive in order; a refund's own events too, independently of the
    // payment's (as with Stripe, which does not order across objects).
    const types = verified.map((e) => e.type);
    expect(types.filter((t) => !t.startsWith("refund."))).toEqual(["payment_intent.created", "charge.succeeded", "payment_intent.succeeded", "charge.refunded"]);
    expect(types.filter((t) => t.startsWith("refund."))).toEqual(["refund.created", "refund.updated"]);
    expect(receiver.received[0]?.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(receiver.received[0]?.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verified[0]?.pending_webhooks).toBe(1);
    // Tampering with the body or using another secret is caught by the SDK's verification.
    const first = receiver.received[0];
    expect(() => stripe.webhooks.constructEvent(`${first?.rawBody ?? ""} `, first?.signature ?? "", standIn.webhookSecret)).toThrow();
    expect(() => stripe.webhooks.constructEvent(first?.rawBody ?? "", first?.signature ?? "", "whsec_other")).toThrow();

    // Delivered events no longer count as pending.
    const listed = await stripe.events.list({ limit: 100 });
    expect(listed.data.every((e) => e.pending_webhooks === 0)).toBe(true);
  });

  it("retries after a 500 and records each attempt", async () => {
    receiver.respond = (_body, attempt) => (attempt === 1 ? 500 : 200);
    await paidIntent(5_000);
    await standIn.whenDeliveriesSettled();

    const deliveries = standIn.deliveries;
    expect(deliveries.map((d) => d.eventType)).toEqual(["payment_intent.created", "charge.succeeded", "payment_intent.succeeded"]);
    for (const d of deliveries) {
      expect(d.status).toBe("delivered");
      expect(d.attempts.map((a) => a.status)).toEqual([500, 200]);
      expect(d.lastStatus).toBe(200);
    }
    // Each retry is freshly signed and still verifies.
    for (const r of receiver.received) expect(() => stripe.webhooks.constructEvent(r.rawBody, r.signature, standIn.webhookSecret)).not.toThrow();
    // Order per payment holds across retries.
    const okTypes = receiver.received.filter((r) => r.status === 200).map((r) => JSON.parse(r.rawBody).type);
    expect(okTypes).toEqual(["payment_intent.created", "charge.succeeded", "payment_intent.succeeded"]);
  });

  it("gives up after the configured retries and leaves the event pending", async () => {
    receiver.respond = () => 503;
    const pi = await stripe.paymentIntents.create({ amount: 5_000, currency: "usd", ...cardOnly });
    await standIn.whenDeliveriesSettled();
    const [delivery] = standIn.deliveries;
    expect(delivery?.status).toBe("failed");
    expect(delivery?.attempts.map((a) => a.status)).toEqual([503, 503, 503, 503]);
    const [event] = (await stripe.events.list({ type: "payment_intent.created" })).data;
    expect((event?.data.object as { id: string }).id).toBe(pi.id);
    expect(event?.pending_webhooks).toBe(1);
  });

  it("retries on network errors", async () => {
    await receiver.close();
    standIn.setWebhookUrl(receiver.url); // nothing listens there any more
    await stripe.paymentIntents.create({ amount: 5_000, currency: "usd", ...cardOnly });
    await standIn.whenDeliveriesSettled();
    const [delivery] = standIn.deliveries;
    expect(delivery?.status).toBe("failed");
    expect(delivery?.attempts).toHaveLength(4);
    expect(delivery?.attempts.every((a) => a.status === null && a.error)).toBe(true);
    receiver = await startWebhookReceiver(); // for afterEach
  });
});
