import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CARD_AVAILABILITY_DELAY_SECONDS, startStripeStandIn, type StripeStandIn } from "./server.ts";

// Transfers, reversals, balances and balance transactions through the official SDK: the money
// side of brand payouts ("separate charges and transfers"). Covers Stripe's funds availability
// rule (source_transaction), refusals (balance, capability, currency), reversals refused when the
// connected account's balance is short, the clock that makes funds available, Stripe-Account
// scoping, and idempotent replays.

let standIn: StripeStandIn;
let stripe: Stripe;

beforeAll(async () => {
  standIn = await startStripeStandIn();
  stripe = new Stripe("sk_test_transfers", { ...standIn.sdkConfig });
});
afterAll(async () => {
  await standIn.stop();
});
beforeEach(() => standIn.reset());

async function requestError(p: Promise<unknown>): Promise<InstanceType<typeof Stripe.errors.StripeError>> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Stripe.errors.StripeError);
  return err as InstanceType<typeof Stripe.errors.StripeError>;
}

/** A brand's connected account, onboarded (transfers active) unless told otherwise. */
async function brand(opts: { onboard?: boolean; country?: string } = {}): Promise<string> {
  const account = await stripe.accounts.create({
    controller: { stripe_dashboard: { type: "express" }, fees: { payer: "application" }, losses: { payments: "application" }, requirement_collection: "stripe" },
    capabilities: { transfers: { requested: true } },
    country: opts.country ?? "US",
  });
  if (opts.onboard ?? true) standIn.onboard(account.id, "complete");
  return account.id;
}

/** A buyer's payment on the platform (`transfer_group` = the order), as the product makes it. */
async function payment(amount: number, order = "order_1", paymentMethod = "pm_card_visa"): Promise<Stripe.Charge> {
  const pi = await stripe.paymentIntents.create({
    amount,
    currency: "usd",
    allowed_payment_method_types: ["card"],
    payment_method: paymentMethod,
    confirm: true,
    transfer_group: order,
  });
  return stripe.charges.retrieve(pi.latest_charge as string);
}

async function available(account?: string): Promise<number> {
  const b = await stripe.balance.retrieve({}, account ? { stripeAccount: account } : {});
  return b.available.find((x) => x.currency === "usd")?.amount ?? 0;
}

async function pending(account?: string): Promise<number> {
  const b = await stripe.balance.retrieve({}, account ? { stripeAccount: account } : {});
  return b.pending.find((x) => x.currency === "usd")?.amount ?? 0;
}

describe("funds availability", () => {
  it("keeps card funds pending until the clock passes available_on; a transfer without source_transaction needs available funds", async () => {
    const dest = await brand();
    const charge = await payment(10_000);
    const txn = await stripe.balanceTransactions.retrieve(charge.balance_transaction as string);
    expect(txn).toMatchObject({ type: "charge", reporting_category: "charge", amount: 10_000, fee: 320, net: 9_680, status: "pending", source: charge.id });
    expect(txn.available_on - txn.created).toBe(CARD_AVAILABILITY_DELAY_SECONDS);
    expect(await available()).toBe(0);
    expect(await pending()).toBe(9_680);

    const refused = await requestError(stripe.transfers.create({ amount: 1_000, currency: "usd", destination: dest }));
    expect(refused).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(refused.code).toBe("balance_insufficient");
    expect((await stripe.transfers.list()).data).toEqual([]);

    const res = await fetch(`${standIn.url}/_sandbox/clock/advance`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "days=2" });
    expect(((await res.json()) as { offset_seconds: number }).offset_seconds).toBe(2 * 86_400);
    expect((await stripe.balanceTransactions.retrieve(txn.id)).status).toBe("available");
    expect(await available()).toBe(9_680);

    const transfer = await stripe.transfers.create({ amount: 9_680, currency: "usd", destination: dest });
    expect(transfer.source_transaction).toBeNull();
    expect(await available()).toBe(0);
    // Without a source transaction the connected account can use the funds at once.
    expect(await available(dest)).toBe(9_680);
    expect((await requestError(stripe.transfers.create({ amount: 1, currency: "usd", destination: dest }))).code).toBe("balance_insufficient");
  });

  it("makes funds available at once for the bypass-pending test card (4000000000000077)", async () => {
    const dest = await brand();
    await payment(5_000, "order_fast", "pm_card_bypassPending");
    expect(await available()).toBe(4_825);
    const transfer = await stripe.transfers.create({ amount: 4_825, currency: "usd", destination: dest });
    expect(transfer.amount).toBe(4_825);
  });

  it("lets a transfer with source_transaction take what is left of that charge, whatever the available balance", async () => {
    const dest = await brand();
    const charge = await payment(10_000, "order_7");
    expect(await available()).toBe(0);
    const first = await stripe.transfers.create({
      amount: 6_000,
      currency: "usd",
      destination: dest,
      source_transaction: charge.id,
      transfer_group: "order_7",
      metadata: { payout: "po_1", order: "order_7", brand: "v_1" },
    });
    expect(first).toMatchObject({ object: "transfer", amount: 6_000, source_transaction: charge.id, transfer_group: "order_7", destination: dest, reversed: false });
    // The connected account gets the funds when the charge's would be available.
    const chargeTxn = await stripe.balanceTransactions.retrieve(charge.balance_transaction as string);
    const paymentTxn = (await stripe.balanceTransactions.list({}, { stripeAccount: dest })).data[0];
    expect(paymentTxn).toMatchObject({ type: "payment", reporting_category: "charge", amount: 6_000, net: 6_000, status: "pending", available_on: chargeTxn.available_on });
    expect(paymentTxn?.source).toBe(first.destination_payment);
    expect(await pending(dest)).toBe(6_000);

    const tooMuch = await requestError(stripe.transfers.create({ amount: 4_001, currency: "usd", destination: dest, source_transaction: charge.id }));
    expect(tooMuch.code).toBe("balance_insufficient");
    expect(tooMuch.param).toBe("amount");
    await stripe.refunds.create({ charge: charge.id, amount: 1_000 });
    expect((await requestError(stripe.transfers.create({ amount: 3_001, currency: "usd", destination: dest, source_transaction: charge.id }))).code).toBe("balance_insufficient");
    await stripe.transfers.create({ amount: 3_000, currency: "usd", destination: dest, source_transaction: charge.id, transfer_group: "order_7" });
    expect((await stripe.transfers.list({ transfer_group: "order_7" })).data.map((t) => t.amount)).toEqual([3_000, 6_000]);

    standIn.advanceClock(CARD_AVAILABILITY_DELAY_SECONDS);
    expect(await available(dest)).toBe(9_000);
    expect(await pending(dest)).toBe(0);
  });

  it("refuses a failed, unknown or other-currency source_transaction", async () => {
    const dest = await brand();
    const declined = await stripe.paymentIntents
      .create({ amount: 5_000, currency: "usd", allowed_payment_method_types: ["card"], payment_method: "pm_card_chargeDeclined", confirm: true })
      .catch((e: { raw: { charge: string } }) => e.raw.charge);
    expect((await requestError(stripe.transfers.create({ amount: 100, currency: "usd", destination: dest, source_transaction: declined as string }))).param).toBe("source_transaction");
    expect((await requestError(stripe.transfers.create({ amount: 100, currency: "usd", destination: dest, source_transaction: "ch_nope" }))).code).toBe("resource_missing");
    const eur = await stripe.paymentIntents.create({ amount: 5_000, currency: "eur", allowed_payment_method_types: ["card"], payment_method: "pm_card_visa", confirm: true });
    const mismatch = await requestError(stripe.transfers.create({ amount: 100, currency: "usd", destination: dest, source_transaction: eur.latest_charge as string }));
    expect(mismatch.param).toBe("currency");
  });
});

describe("destinations", () => {
  it("refuses an account whose transfers capability is not active, an unknown one, and a currency it cannot receive", async () => {
    const charge = await payment(10_000);
    const notReady = await brand({ onboard: false });
    const refused = await requestError(stripe.transfers.create({ amount: 1_000, currency: "usd", destination: notReady, source_transaction: charge.id }));
    expect(refused.code).toBe("insufficient_capabilities_for_transfer");
    expect(refused.message).toMatch(/transfers/);
    standIn.onboard(notReady, "pending");
    expect((await requestError(stripe.transfers.create({ amount: 1_000, currency: "usd", destination: notReady, source_transaction: charge.id }))).code).toBe(
      "insufficient_capabilities_for_transfer",
    );
    const unknown = await requestError(stripe.transfers.create({ amount: 1_000, currency: "usd", destination: "acct_1NoSuchAccount00", source_transaction: charge.id }));
    expect(unknown).toMatchObject({ code: "resource_missing", param: "destination" });

    const uk = await brand({ country: "GB" });
    const gbpCharge = await stripe.paymentIntents.create({ amount: 5_000, currency: "gbp", allowed_payment_method_types: ["card"], payment_method: "pm_card_visa", confirm: true });
    await stripe.transfers.create({ amount: 1_000, currency: "gbp", destination: uk, source_transaction: gbpCharge.latest_charge as string });
    const wrongCurrency = await requestError(stripe.transfers.create({ amount: 1_000, currency: "usd", destination: uk, source_transaction: charge.id }));
    expect(wrongCurrency.param).toBe("currency");
    expect(wrongCurrency.message).toMatch(/cannot receive USD/);
    expect((await stripe.transfers.list({ destination: uk })).data).toHaveLength(1);
  });
});

describe("transfers", () => {
  it("retrieves, updates metadata (transfer.updated), lists by destination, transfer_group and created, pages", async () => {
    const a = await brand();
    const b = await brand();
    const charge = await payment(50_000);
    const made: Stripe.Transfer[] = [];
    for (let i = 0; i < 5; i++) {
      made.push(await stripe.transfers.create({ amount: 1_000 + i, currency: "usd", destination: i % 2 ? b : a, source_transaction: charge.id, transfer_group: `order_${i % 3}` }));
    }
    expect((await stripe.transfers.retrieve(made[0]?.id ?? "")).amount).toBe(1_000);
    const updated = await stripe.transfers.update(made[0]?.id ?? "", { metadata: { payout: "po_9" }, description: "Payout po_9" });
    expect(updated).toMatchObject({ metadata: { payout: "po_9" }, description: "Payout po_9" });
    const [ev] = (await stripe.events.list({ type: "transfer.updated" })).data;
    expect(ev?.data.previous_attributes).toEqual({ metadata: {}, description: null });
    expect(ev?.account).toBeUndefined();

    const ids = (xs: Stripe.Transfer[]) => xs.map((t) => t.id);
    expect(ids((await stripe.transfers.list({ destination: b })).data)).toEqual(ids([made[3]!, made[1]!]));
    expect(ids((await stripe.transfers.list({ transfer_group: "order_0" })).data)).toEqual(ids([made[3]!, made[0]!]));
    expect(ids((await stripe.transfers.list({ transfer_group: "order_1", destination: b })).data)).toEqual(ids([made[1]!]));
    const since = made[0]?.created ?? 0;
    expect((await stripe.transfers.list({ created: { gte: since } })).data).toHaveLength(5);
    expect((await stripe.transfers.list({ created: { gt: since + 3_600 } })).data).toHaveLength(0);
    const page = await stripe.transfers.list({ limit: 2 });
    expect(page.has_more).toBe(true);
    expect(ids(await stripe.transfers.list({ limit: 2 }).autoPagingToArray({ limit: 10 }))).toEqual(ids([...made].reverse()));
    expect((await requestError(stripe.transfers.retrieve("tr_nope"))).statusCode).toBe(404);
  });

  it("replays an idempotent create: one transfer, one event, the same answer", async () => {
    const dest = await brand();
    const charge = await payment(10_000);
    const params: Stripe.TransferCreateParams = { amount: 2_500, currency: "usd", destination: dest, source_transaction: charge.id, transfer_group: "order_1", metadata: { transfer: "gl_tr_1" } };
    const first = await stripe.transfers.create(params, { idempotencyKey: "transfer-gl_tr_1" });
    const again = await stripe.transfers.create(params, { idempotencyKey: "transfer-gl_tr_1" });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect((await stripe.transfers.list()).data).toHaveLength(1);
    expect((await stripe.events.list({ type: "transfer.created" })).data).toHaveLength(1);
    expect(await pending(dest)).toBe(2_500);
    const conflict = await requestError(stripe.transfers.create({ ...params, amount: 2_600 }, { idempotencyKey: "transfer-gl_tr_1" }));
    expect(conflict).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    // Stripe keeps keys for 24 hours: after that the same key makes a new transfer.
    standIn.advanceClock(24 * 3_600 + 1);
    const later = await stripe.transfers.create(params, { idempotencyKey: "transfer-gl_tr_1" });
    expect(later.id).not.toBe(first.id);
  });
});

describe("reversals", () => {
  it("reverses part then the rest: the platform gets the funds back, the connected account's payment is refunded", async () => {
    const dest = await brand();
    await payment(20_000, "order_1", "pm_card_bypassPending");
    const platformBefore = await available();
    const transfer = await stripe.transfers.create({ amount: 8_000, currency: "usd", destination: dest, transfer_group: "order_1" });
    const part = await stripe.transfers.createReversal(transfer.id, { amount: 3_000, metadata: { refund: "gl_rf_1" } }, { idempotencyKey: "reversal-gl_rf_1" });
    expect(part).toMatchObject({ object: "transfer_reversal", amount: 3_000, transfer: transfer.id, currency: "usd", metadata: { refund: "gl_rf_1" } });
    expect(part.destination_payment_refund).toMatch(/^pyr_/);
    const replay = await stripe.transfers.createReversal(transfer.id, { amount: 3_000, metadata: { refund: "gl_rf_1" } }, { idempotencyKey: "reversal-gl_rf_1" });
    expect(replay.id).toBe(part.id);

    const after = await stripe.transfers.retrieve(transfer.id);
    expect(after).toMatchObject({ amount_reversed: 3_000, reversed: false });
    expect(after.reversals.data.map((r) => r.id)).toEqual([part.id]);
    expect(await available()).toBe(platformBefore - 8_000 + 3_000);
    expect(await available(dest)).toBe(5_000);
    const platformTxn = await stripe.balanceTransactions.retrieve(part.balance_transaction as string);
    expect(platformTxn).toMatchObject({ type: "transfer_refund", reporting_category: "transfer_reversal", amount: 3_000, source: part.id });
    const destTxns = (await stripe.balanceTransactions.list({ type: "payment_refund" }, { stripeAccount: dest })).data;
    expect(destTxns.map((t) => [t.amount, t.source])).toEqual([[-3_000, part.destination_payment_refund]]);
    const py = await stripe.charges.retrieve(transfer.destination_payment as string, {}, { stripeAccount: dest });
    expect(py).toMatchObject({ amount: 8_000, amount_refunded: 3_000, refunded: false, source_transfer: transfer.id });

    const rest = await stripe.transfers.createReversal(transfer.id);
    expect(rest.amount).toBe(5_000);
    expect(await stripe.transfers.retrieve(transfer.id)).toMatchObject({ amount_reversed: 8_000, reversed: true });
    expect((await stripe.transfers.listReversals(transfer.id)).data.map((r) => r.id)).toEqual([rest.id, part.id]);
    expect((await stripe.transfers.retrieveReversal(transfer.id, part.id)).amount).toBe(3_000);
    expect((await stripe.transfers.updateReversal(transfer.id, part.id, { metadata: { note: "canceled unit" } })).metadata).toEqual({ refund: "gl_rf_1", note: "canceled unit" });
    // The connected account sees the refunds of its payment; the platform does not.
    const pyr = await stripe.refunds.list({ charge: transfer.destination_payment as string }, { stripeAccount: dest });
    expect(pyr.data.map((r) => [r.amount, r.status])).toEqual([
      [5_000, "succeeded"],
      [3_000, "succeeded"],
    ]);
    expect((await requestError(stripe.refunds.retrieve(pyr.data[0]!.id))).statusCode).toBe(404);
    const events = (await stripe.events.list({ type: "transfer.reversed" })).data;
    expect(events.map((e) => (e.data.object as Stripe.Transfer).amount_reversed)).toEqual([8_000, 3_000]);
    expect(events[1]?.data.previous_attributes).toMatchObject({ amount_reversed: 0, reversed: false });
    expect((await requestError(stripe.transfers.createReversal(transfer.id, { amount: 1 }))).param).toBe("amount");
  });

  it("refuses a reversal the connected account's balance cannot cover, and changes nothing", async () => {
    const dest = await brand();
    await payment(20_000, "order_1", "pm_card_bypassPending");
    const transfer = await stripe.transfers.create({ amount: 8_000, currency: "usd", destination: dest });
    // The brand's balance leaves for its bank (Stripe's automatic payout).
    const res = await fetch(`${standIn.url}/_sandbox/payouts`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ account: dest }) });
    const { payouts } = (await res.json()) as { payouts: Array<{ id: string; amount: number }> };
    expect(payouts.map((p) => p.amount)).toEqual([8_000]);
    expect(await available(dest)).toBe(0);

    const refused = await requestError(stripe.transfers.createReversal(transfer.id, { amount: 1_000 }, { idempotencyKey: "reversal-short" }));
    expect(refused).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(refused.code).toBe("balance_insufficient");
    expect(await stripe.transfers.retrieve(transfer.id)).toMatchObject({ amount_reversed: 0, reversed: false });
    expect((await stripe.events.list({ type: "transfer.reversed" })).data).toEqual([]);
    // A refusal is not saved under the key: once the brand has funds again, the same key works.
    await stripe.transfers.create({ amount: 2_000, currency: "usd", destination: dest });
    const ok = await stripe.transfers.createReversal(transfer.id, { amount: 1_000 }, { idempotencyKey: "reversal-short" });
    expect(ok.amount).toBe(1_000);
  });
});

describe("balance transactions", () => {
  it("lists every movement of the platform with fee, net, type, source, reporting category and availability; filters by type, created and payout", async () => {
    const dest = await brand();
    const charge = await payment(10_000, "order_1", "pm_card_bypassPending");
    await stripe.refunds.create({ charge: charge.id, amount: 2_000 });
    const transfer = await stripe.transfers.create({ amount: 3_000, currency: "usd", destination: dest });
    await stripe.transfers.createReversal(transfer.id, { amount: 500 });
    const other = await payment(7_000, "order_2", "pm_card_bypassPending");
    standIn.openDispute(other.id, { reason: "fraudulent" });

    const all = (await stripe.balanceTransactions.list({ limit: 100 })).data;
    expect(all.map((t) => [t.type, t.reporting_category, t.amount, t.fee, t.net])).toEqual([
      ["adjustment", "dispute", -7_000, 1_500, -8_500],
      ["charge", "charge", 7_000, 233, 6_767],
      ["transfer_refund", "transfer_reversal", 500, 0, 500],
      ["transfer", "transfer", -3_000, 0, -3_000],
      ["refund", "refund", -2_000, 0, -2_000],
      ["charge", "charge", 10_000, 320, 9_680],
    ]);
    for (const t of all) expect(t.net).toBe(t.amount - t.fee);
    expect(all.find((t) => t.type === "transfer")?.source).toBe(transfer.id);
    expect((await stripe.balanceTransactions.list({ type: "charge" })).data).toHaveLength(2);
    expect((await stripe.balanceTransactions.list({ type: "charge", limit: 1 }).autoPagingToArray({ limit: 10 })).length).toBe(2);
    expect((await stripe.balanceTransactions.list({ created: { lt: all.at(-1)!.created } })).data).toHaveLength(0); // nothing before the oldest

    const { payouts } = (await (await fetch(`${standIn.url}/_sandbox/payouts`, { method: "POST" })).json()) as { payouts: Array<{ id: string; amount: number }> };
    const [po] = payouts;
    // Everything above was available: both charges, the refund, the transfer and its reversal, the chargeback.
    expect(payouts).toHaveLength(1);
    expect(po?.amount).toBe(9_680 - 2_000 - 3_000 + 500 + 6_767 - 8_500);
    expect(await available()).toBe(0);
    const paidOut = (await stripe.balanceTransactions.list({ payout: po?.id ?? "", limit: 100 })).data;
    expect(paidOut.map((t) => t.type).sort()).toEqual(["adjustment", "charge", "charge", "payout", "refund", "transfer", "transfer_refund"]);
    expect(paidOut.find((t) => t.type === "payout")).toMatchObject({ amount: -(po?.amount ?? 0), reporting_category: "payout", source: po?.id });
    expect((await requestError(stripe.balanceTransactions.list({ payout: "po_nope" }))).code).toBe("resource_missing");
  });

  it("scopes balances and balance transactions to the account named by Stripe-Account", async () => {
    const a = await brand();
    const b = await brand();
    const charge = await payment(10_000);
    await stripe.transfers.create({ amount: 4_000, currency: "usd", destination: a, source_transaction: charge.id });
    const toB = await stripe.transfers.create({ amount: 1_500, currency: "usd", destination: b, source_transaction: charge.id });

    const aTxns = (await stripe.balanceTransactions.list({}, { stripeAccount: a })).data;
    const bTxns = (await stripe.balanceTransactions.list({}, { stripeAccount: b })).data;
    expect(aTxns.map((t) => t.amount)).toEqual([4_000]);
    expect(bTxns.map((t) => t.amount)).toEqual([1_500]);
    // One account cannot read another's, nor the platform's; the platform does not see theirs without the header.
    expect((await requestError(stripe.balanceTransactions.retrieve(bTxns[0]!.id, {}, { stripeAccount: a }))).statusCode).toBe(404);
    expect((await requestError(stripe.balanceTransactions.retrieve(charge.balance_transaction as string, {}, { stripeAccount: a }))).statusCode).toBe(404);
    expect((await requestError(stripe.balanceTransactions.retrieve(aTxns[0]!.id))).statusCode).toBe(404);
    expect((await stripe.balanceTransactions.list({ limit: 100 })).data.every((t) => t.amount !== 4_000 || t.type !== "payment")).toBe(true);
    expect((await stripe.balance.retrieve({}, { stripeAccount: a })).pending).toEqual([{ amount: 4_000, currency: "usd", source_types: { card: 4_000 } }]);
    expect((await requestError(stripe.charges.retrieve(toB.destination_payment as string, {}, { stripeAccount: a }))).statusCode).toBe(404);
    expect((await stripe.charges.list({}, { stripeAccount: b })).data.map((c) => c.id)).toEqual([toB.destination_payment]);
    expect((await stripe.charges.list()).data.map((c) => c.id)).toEqual([charge.id]);

    // Stripe-Account is refused where the stand-in does not model connected accounts' own objects.
    const direct = await requestError(stripe.transfers.create({ amount: 100, currency: "usd", destination: b }, { stripeAccount: a }));
    expect(direct.param).toBe("Stripe-Account");
    const unknown = await requestError(stripe.balance.retrieve({}, { stripeAccount: "acct_1NoSuchAccount00" }));
    expect(unknown).toBeInstanceOf(Stripe.errors.StripePermissionError);
  });
});
