import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareShape, loadStripeFixtures, type ShapeReport } from "./fixture-shape.ts";
import { FAILING_REFUND_AMOUNT, startStripeStandIn, type StripeStandIn } from "./server.ts";
import { eventually, openLink, submitOnboarding } from "./test-support.ts";

// Contract: every object type the stand-in returns carries every field of Stripe's published
// example object for that type (../shared/specs/stripe-fixtures3.json), with the same JSON type.
// The objects are produced through the HTTP API in the states that fill the most fields
// (succeeded, declined, canceled, refunded, failed...) and read as raw JSON, exactly as they
// go over the wire. Where Stripe's example has a value and the stand-in sends null, the field
// must be listed in EXPECTED_NULLS with the reason; a new null fails the test.

type Json = Record<string, unknown>;

/** Fields the stand-in sends as null (in every sample) although Stripe's example has a value. */
const EXPECTED_NULLS: Record<string, Record<string, string>> = {
  payment_intent: {
    "$.managed_payments": "Stripe-managed payments are not modelled",
    "$.next_action": "no 3-D Secure or redirect flows: confirmations finish synchronously",
    "$.payment_method_configuration_details": "no payment method configurations",
    "$.processing": "card payments leave `processing` at once",
    "$.shipping": "shipping is accepted but not stored",
    "$.transfer_data": "Connect destination charges are refused",
  },
  charge: {
    "$.payment_method_details.card.installments": "no installment plans",
    "$.payment_method_details.card.three_d_secure": "no 3-D Secure",
    "$.payment_method_details.card.wallet": "no wallets (Apple Pay...)",
    "$.shipping": "shipping is accepted but not stored",
    "$.source": "PaymentIntents charge PaymentMethods, never legacy Sources",
    "$.transfer_data": "Connect destination charges are refused",
  },
  refund: {},
  dispute: {},
  event: {},
  balance_transaction: {},
  account: {},
  account_link: {},
  login_link: {},
  capability: {},
  transfer: {},
  transfer_reversal: {},
  balance: {},
  payment_method: {
    "$.card.generated_from": "cards are entered directly, not generated from card-present payments",
    "$.card.wallet": "no wallets (Apple Pay...)",
  },
  list: {},
};

let standIn: StripeStandIn;
let fixtures: Record<string, unknown>;
const samples: Record<string, Json[]> = {};

async function api(method: "GET" | "POST", path: string, form: Record<string, string> = {}, account?: string): Promise<Json> {
  const body = new URLSearchParams(form).toString();
  const res = await fetch(`${standIn.url}${path}`, {
    method,
    headers: {
      Authorization: "Bearer sk_test_contract",
      "Content-Type": "application/x-www-form-urlencoded",
      ...(account ? { "Stripe-Account": account } : {}),
    },
    ...(method === "POST" ? { body } : {}),
  });
  return (await res.json()) as Json;
}

/**
 * The example to compare an object with. An account's `capabilities` lists the capabilities
 * requested for it (the example account requested card_payments too), so it is compared with
 * the example's shape of one capability.
 */
function fixtureFor(type: string): unknown {
  if (type === "account") return { ...(fixtures.account as Json), capabilities: { transfers: "active" } };
  return fixtures[type];
}

function collect(type: string, obj: Json): void {
  expect(obj.object, `${type} sample`).toBe(type);
  (samples[type] ??= []).push(obj);
}

const cardOnly = { "allowed_payment_method_types[0]": "card" };

beforeAll(async () => {
  fixtures = loadStripeFixtures();
  standIn = await startStripeStandIn({ refundSettleDelayMs: 10 });

  // Payment intents in every state the stand-in produces.
  const paid = await api("POST", "/v1/payment_intents", {
    amount: "5000",
    currency: "usd",
    ...cardOnly,
    confirm: "true",
    description: "Gift order o1",
    receipt_email: "buyer@example.com",
    "metadata[order_id]": "o1",
    "payment_method_data[type]": "card",
    "payment_method_data[card][number]": "4242424242424242",
    "payment_method_data[card][exp_month]": "12",
    "payment_method_data[card][exp_year]": "2033",
    "payment_method_data[billing_details][name]": "Jenny Rosen",
    "payment_method_data[billing_details][email]": "jenny@example.com",
  });
  const automatic = await api("POST", "/v1/payment_intents", { amount: "5000", currency: "usd" });
  const canceled = await api("POST", `/v1/payment_intents/${String(automatic.id)}/cancel`, { cancellation_reason: "abandoned" });
  const declinedErr = await api("POST", "/v1/payment_intents", {
    amount: "5000",
    currency: "usd",
    ...cardOnly,
    payment_method: "pm_card_chargeDeclined",
    confirm: "true",
  });
  const declined = (declinedErr.error as Json).payment_intent as Json;
  for (const pi of [paid, canceled, declined, await api("GET", `/v1/payment_intents/${String(declined.id)}`)]) collect("payment_intent", pi);

  // Charges: succeeded, failed, refunded; refunds: pending, succeeded, failed.
  const pending = await api("POST", "/v1/refunds", { payment_intent: String(paid.id), amount: "1000", "metadata[unit]": "u1" });
  const doomed = await api("POST", "/v1/refunds", { payment_intent: String(paid.id), amount: String(FAILING_REFUND_AMOUNT) });
  collect("refund", pending);
  await eventually(async () => expect((await api("GET", `/v1/refunds/${String(doomed.id)}`)).status).toBe("failed"));
  await eventually(async () => expect((await api("GET", `/v1/refunds/${String(pending.id)}`)).status).toBe("succeeded"));
  collect("refund", await api("GET", `/v1/refunds/${String(pending.id)}`));
  collect("refund", await api("GET", `/v1/refunds/${String(doomed.id)}`));
  collect("charge", await api("GET", `/v1/charges/${String(paid.latest_charge)}`));
  collect("charge", await api("GET", `/v1/charges/${String(declined.latest_charge)}`));

  // Disputes: a chargeback (with its balance transaction) and an inquiry.
  const other = await api("POST", "/v1/payment_intents", { amount: "7000", currency: "gbp", ...cardOnly, payment_method: "pm_card_mastercard", confirm: "true" });
  const third = await api("POST", "/v1/payment_intents", { amount: "7000", currency: "eur", ...cardOnly, payment_method: "pm_card_visa", confirm: "true" });
  collect("dispute", await api("POST", `/_sandbox/charges/${String(other.latest_charge)}/dispute`, { reason: "fraudulent" }));
  collect("dispute", await api("POST", `/_sandbox/charges/${String(third.latest_charge)}/dispute`, { reason: "general", inquiry: "true" }));

  const charge = await api("GET", `/v1/charges/${String(paid.latest_charge)}`);
  collect("balance_transaction", await api("GET", `/v1/balance_transactions/${String(charge.balance_transaction)}`));
  collect("balance_transaction", await api("GET", `/v1/balance_transactions/${String(pending.balance_transaction)}`));
  collect("payment_method", await api("GET", `/v1/payment_methods/${String(paid.payment_method)}`));
  collect(
    "payment_method",
    await api("POST", "/v1/payment_methods", {
      type: "card",
      "card[number]": "5555555555554444",
      "card[exp_month]": "4",
      "card[exp_year]": "2031",
      "billing_details[name]": "Ada Lovelace",
      "billing_details[email]": "ada@example.com",
      "billing_details[phone]": "+442071234567",
      "billing_details[address][line1]": "1 Analytical Row",
      "billing_details[address][city]": "London",
      "billing_details[address][postal_code]": "N1 9GU",
      "billing_details[address][state]": "London",
      "billing_details[address][country]": "GB",
    }),
  );

  await collectConnect();
  for (const e of (await api("GET", "/v1/events?limit=100")).data as Json[]) collect("event", e);
  for (const path of ["/v1/payment_intents", "/v1/charges", "/v1/refunds", "/v1/events", "/v1/disputes", "/v1/balance_transactions", "/v1/accounts", "/v1/transfers"]) {
    collect("list", await api("GET", path));
  }
});

const express = {
  "controller[stripe_dashboard][type]": "express",
  "controller[fees][payer]": "application",
  "controller[losses][payments]": "application",
  "controller[requirement_collection]": "stripe",
  "capabilities[transfers][requested]": "true",
};

/** Connect objects in the states that fill the most fields: accounts at each onboarding outcome, transfers, reversals, balances. */
async function collectConnect(): Promise<void> {
  const accounts: Json[] = [];
  for (const outcome of [null, "complete", "pending", "restricted", "rejected"]) {
    const account = await api("POST", "/v1/accounts", { ...express, email: "finance@brand.example", "business_profile[name]": "Brand", "metadata[vendor]": "v1" });
    if (outcome) {
      const link = await api("POST", "/v1/account_links", {
        account: String(account.id),
        type: "account_onboarding",
        refresh_url: "https://brand.example/refresh",
        return_url: "https://brand.example/return",
      });
      collect("account_link", link);
      await submitOnboarding(await openLink(String(link.url)), outcome);
    }
    accounts.push(await api("GET", `/v1/accounts/${String(account.id)}`));
  }
  accounts.push(await api("POST", "/v1/accounts", { type: "standard", country: "GB", email: "shop@uk.example" }));
  for (const a of accounts) collect("account", a);
  for (const a of accounts) for (const cap of (await api("GET", `/v1/accounts/${String(a.id)}/capabilities`)).data as Json[]) collect("capability", cap);
  collect("list", await api("GET", `/v1/accounts/${String(accounts[1]?.id)}/capabilities`));
  const active = String(accounts[1]?.id);
  collect("login_link", await api("POST", `/v1/accounts/${active}/login_links`));

  const paid = await api("POST", "/v1/payment_intents", { amount: "20000", currency: "usd", ...cardOnly, payment_method: "pm_card_bypassPending", confirm: "true", transfer_group: "order_c" });
  const withSource = await api("POST", "/v1/transfers", {
    amount: "6000",
    currency: "usd",
    destination: active,
    source_transaction: String(paid.latest_charge),
    transfer_group: "order_c",
    description: "Payout p1",
    "metadata[payout]": "p1",
  });
  const plain = await api("POST", "/v1/transfers", { amount: "3000", currency: "usd", destination: active });
  const reversal = await api("POST", `/v1/transfers/${String(withSource.id)}/reversals`, { amount: "1000", "metadata[refund]": "r1" });
  collect("transfer_reversal", reversal);
  collect("transfer_reversal", await api("POST", `/v1/transfers/${String(plain.id)}/reversals`));
  for (const t of [withSource, plain]) collect("transfer", await api("GET", `/v1/transfers/${String(t.id)}`));
  collect("list", await api("GET", `/v1/transfers/${String(withSource.id)}/reversals`));

  collect("balance", await api("GET", "/v1/balance"));
  collect("balance", await api("GET", "/v1/balance", {}, active));
  for (const t of (await api("GET", "/v1/balance_transactions?limit=100", {}, active)).data as Json[]) collect("balance_transaction", t);
  for (const t of (await api("GET", "/v1/balance_transactions?limit=100")).data as Json[]) collect("balance_transaction", t);
  collect("list", await api("GET", "/v1/balance_transactions", {}, active));
  destinationPayment = await api("GET", `/v1/charges/${String(withSource.destination_payment)}`, {}, active);
  for (const e of (await api("GET", "/v1/events?limit=100", {}, active)).data as Json[]) collect("event", e);
  // A deauthorized account's events can no longer be listed by the platform: take the event as sent.
  standIn.deauthorize(String(accounts[4]?.id));
  for (const e of standIn.events.filter((x) => x.type === "account.application.deauthorized")) collect("event", e as unknown as Json);
}

/** The payment a transfer made on the connected account (`py_...`). */
let destinationPayment: Json;

afterAll(async () => {
  await standIn.stop();
});

/** Objects nested inside a sample (list items, expanded or embedded objects) are checked against their own fixture too. */
function checkEmbedded(value: unknown, path: string, report: ShapeReport): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkEmbedded(v, `${path}[${i}]`, report));
    return;
  }
  if (value === null || typeof value !== "object") return;
  const obj = value as Json;
  const type = typeof obj.object === "string" ? obj.object : undefined;
  if (path !== "$" && type && type !== "list" && type !== "event" && fixtures[type]) {
    const nested = compareShape(fixtureFor(type), obj, path);
    report.mismatches.push(...nested.mismatches);
  }
  for (const [k, v] of Object.entries(obj)) checkEmbedded(v, `${path}.${k}`, report);
}

function checkSamples(type: string, fixture: unknown, objects: Json[]): { mismatches: string[]; alwaysNull: string[] } {
  const mismatches: string[] = [];
  const nullCounts = new Map<string, number>();
  for (const obj of objects) {
    const report = compareShape(fixture, obj);
    checkEmbedded(obj, "$", report);
    mismatches.push(...report.mismatches.map((m) => `${type} ${String(obj.id ?? obj.url)}: ${m}`));
    for (const n of new Set(report.nulls.map((p) => p.replace(/\[\d+\]/g, "[]")))) nullCounts.set(n, (nullCounts.get(n) ?? 0) + 1);
  }
  const alwaysNull = [...nullCounts].filter(([, n]) => n === objects.length).map(([p]) => p).sort();
  return { mismatches, alwaysNull };
}

describe("stand-in objects match Stripe's published example objects", () => {
  const types = ["payment_intent", "charge", "refund", "dispute", "balance_transaction", "payment_method"];
  const connectTypes = ["account", "account_link", "login_link", "capability", "transfer", "transfer_reversal", "balance"];
  for (const type of [...types, ...connectTypes]) {
    it(type, () => {
      const objects = samples[type] ?? [];
      expect(objects.length).toBeGreaterThan(0);
      const { mismatches, alwaysNull } = checkSamples(type, fixtureFor(type), objects);
      console.log(`${type}: ${objects.length} samples; null where Stripe's example has a value: ${alwaysNull.join(", ") || "none"}`);
      expect(mismatches).toEqual([]);
      expect(alwaysNull).toEqual(Object.keys(EXPECTED_NULLS[type] ?? {}).sort());
    });
  }

  it("event, and each event's data.object against the fixture of its own type", () => {
    const events = samples.event ?? [];
    const seenTypes = new Set<string>();
    const mismatches: string[] = [];
    for (const e of events) {
      const dataObject = (e.data as Json).object as Json;
      const objectType = String(dataObject.object);
      seenTypes.add(`${String(e.type)} → ${objectType}`);
      // The fixture's event carries a plan; compare the envelope with our own data.object in its place.
      const envelopeFixture = { ...(fixtures.event as Json), data: { object: dataObject } };
      mismatches.push(...compareShape(envelopeFixture, e).mismatches.map((m) => `event ${String(e.type)}: ${m}`));
      expect(fixtures[objectType], `fixture for ${objectType}`).toBeDefined();
      const inner = checkSamples(objectType, fixtureFor(objectType), [dataObject]);
      mismatches.push(...inner.mismatches.map((m) => `event ${String(e.type)} data.object: ${m}`));
    }
    console.log(`event: ${events.length} samples covering ${[...seenTypes].sort().join(", ")}`);
    expect(mismatches).toEqual([]);
    const kinds = new Set([...seenTypes].map((s) => s.split(" → ")[1]));
    expect([...kinds].sort()).toEqual(["account", "application", "capability", "charge", "dispute", "payment_intent", "refund", "transfer"]);
    const connectEvents = events.filter((e) => e.account !== undefined);
    expect(new Set(connectEvents.map((e) => e.type))).toEqual(new Set(["account.updated", "capability.updated", "account.application.deauthorized"]));
    expect(checkSamples("event", fixtures.event, events).alwaysNull).toEqual([]);
  });

  it("balance_transaction covers every movement the product reconciles", () => {
    const kinds = new Set((samples.balance_transaction ?? []).map((t) => `${String(t.type)}/${String(t.reporting_category)}`));
    expect([...kinds].sort()).toEqual(
      ["charge/charge", "payment/charge", "payment_refund/refund", "refund/refund", "refund_failure/refund_failure", "transfer/transfer", "transfer_refund/transfer_reversal", "adjustment/dispute"].sort(),
    );
  });

  it("a transfer's payment on the connected account (py_) is a charge paid from a Stripe account, refunded by reversals (pyr_)", () => {
    expect(destinationPayment.id).toMatch(/^py_/);
    // Stripe's example charge is a card payment; this one's payment_method_details are of type
    // stripe_account, and its refunds (a reversal's pyr_) go back to a Stripe balance, not to a card.
    const { payment_method_details: _card, refunds: _refunds, ...chargeFixture } = fixtures.charge as Json;
    const { destination_details: _toCard, ...refundFixture } = fixtures.refund as Json;
    expect(compareShape(chargeFixture, destinationPayment).mismatches).toEqual([]);
    expect(destinationPayment.payment_method_details).toEqual({ stripe_account: {}, type: "stripe_account" });
    const refunds = (destinationPayment.refunds as Json).data as Json[];
    expect(refunds.map((r) => String(r.id).slice(0, 4))).toEqual(["pyr_"]);
    for (const r of refunds) expect(compareShape(refundFixture, r).mismatches).toEqual([]);
  });

  it("list (Stripe's example list is a charge's `refunds`)", () => {
    const lists = samples.list ?? [];
    const charge = fixtures.charge as Json;
    const { mismatches, alwaysNull } = checkSamples("list", charge.refunds, lists);
    expect(mismatches).toEqual([]);
    expect(alwaysNull).toEqual([]);
    for (const l of lists) expect((l.data as unknown[]).length).toBeGreaterThan(0);
  });
});
