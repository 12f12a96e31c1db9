import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ACCOUNT_LINK_TTL_SECONDS, startStripeStandIn, type StripeStandIn } from "./server.ts";
import { eventually, openLink, startWebhookReceiver, submitOnboarding, type WebhookReceiver } from "./test-support.ts";

// Connect accounts through the official SDK, as the product's payouts module will use them:
// Express-equivalent accounts created with controller properties, onboarding through Account
// Links and the stand-in's onboarding page (driven over HTTP here; in Chromium in
// onboarding.browser.test.ts), capabilities, login links, deauthorization, and the Connect
// webhooks that report all of it.

let standIn: StripeStandIn;
let stripe: Stripe;

beforeAll(async () => {
  standIn = await startStripeStandIn({ retry: { delaysMs: [50, 100, 200], timeoutMs: 2_000 } });
  stripe = new Stripe("sk_test_connect", { ...standIn.sdkConfig });
});
afterAll(async () => {
  await standIn.stop();
});
beforeEach(() => standIn.reset());

const RETURN_URL = "https://brand.example/app/payouts?return=1";
const REFRESH_URL = "https://brand.example/app/payouts/refresh";

/** The account the product creates for a brand: Express-equivalent controller properties, transfers only. */
const expressParams = (extra: Partial<Stripe.AccountCreateParams> = {}): Stripe.AccountCreateParams => ({
  controller: {
    stripe_dashboard: { type: "express" },
    fees: { payer: "application" },
    losses: { payments: "application" },
    requirement_collection: "stripe",
  },
  capabilities: { transfers: { requested: true } },
  country: "US",
  email: "finance@northwind.example",
  business_profile: { name: "Northwind Goods" },
  metadata: { vendor_id: "v_1" },
  ...extra,
});

async function requestError(p: Promise<unknown>): Promise<InstanceType<typeof Stripe.errors.StripeError>> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Stripe.errors.StripeError);
  return err as InstanceType<typeof Stripe.errors.StripeError>;
}

async function onboardingLink(account: string): Promise<Stripe.AccountLink> {
  return stripe.accountLinks.create({ account, type: "account_onboarding", refresh_url: REFRESH_URL, return_url: RETURN_URL });
}

async function onboard(account: string, outcome: string): Promise<Stripe.Account> {
  const opened = await openLink((await onboardingLink(account)).url);
  const done = await submitOnboarding(opened, outcome);
  expect(done).toEqual({ status: 303, location: RETURN_URL });
  return stripe.accounts.retrieve(account);
}

describe("accounts", () => {
  it("creates an Express-equivalent account with controller properties, not yet able to receive transfers", async () => {
    const account = await stripe.accounts.create(expressParams());
    expect(account.id).toMatch(/^acct_\w{16}$/);
    expect(account).toMatchObject({
      object: "account",
      type: "express",
      controller: {
        type: "application",
        is_controller: true,
        stripe_dashboard: { type: "express" },
        fees: { payer: "application" },
        losses: { payments: "application" },
        requirement_collection: "stripe",
      },
      capabilities: { transfers: "inactive" },
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
      country: "US",
      default_currency: "usd",
      email: "finance@northwind.example",
      business_profile: { name: "Northwind Goods" },
      metadata: { vendor_id: "v_1" },
    });
    expect(account.requirements?.disabled_reason).toBe("requirements.past_due");
    expect(account.requirements?.currently_due).toEqual(expect.arrayContaining(["external_account", "tos_acceptance.date", "business_type"]));
    expect(account.requirements?.past_due).toEqual(account.requirements?.currently_due);
    expect(account.requirements?.errors).toEqual([]);
    // Stripe sends no event for a creation.
    expect(standIn.events).toEqual([]);
  });

  it("replays an idempotent create and refuses the key with other parameters", async () => {
    const first = await stripe.accounts.create(expressParams(), { idempotencyKey: "vendor-v_1-connect" });
    const again = await stripe.accounts.create(expressParams(), { idempotencyKey: "vendor-v_1-connect" });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect((await stripe.accounts.list()).data.map((a) => a.id)).toEqual([first.id]);
    const other = await requestError(stripe.accounts.create(expressParams({ email: "other@northwind.example" }), { idempotencyKey: "vendor-v_1-connect" }));
    expect(other).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it("refuses controller combinations Stripe refuses, and requests it does not model", async () => {
    const both = await requestError(stripe.accounts.create({ ...expressParams(), type: "express" }));
    expect(both.code).toBe("parameters_exclusive");
    const feesOnAccount = await requestError(
      stripe.accounts.create(expressParams({ controller: { stripe_dashboard: { type: "express" }, fees: { payer: "account" }, losses: { payments: "application" } } })),
    );
    expect(feesOnAccount.param).toBe("controller[fees][payer]");
    const noCapability = await requestError(stripe.accounts.create(expressParams({ capabilities: {} })));
    expect(noCapability.param).toBe("capabilities");
    const unmodelled = await requestError(stripe.accounts.create(expressParams({ capabilities: { transfers: { requested: true }, klarna_payments: { requested: true } } })));
    expect(unmodelled.param).toBe("capabilities[klarna_payments]");
    expect(unmodelled.message).toMatch(/does not model/);
    const country = await requestError(stripe.accounts.create(expressParams({ country: "ZZ" })));
    expect(country.param).toBe("country");
    const unknown = await requestError(stripe.accounts.create({ ...expressParams(), colour: "blue" } as Stripe.AccountCreateParams));
    expect(unknown.code).toBe("parameter_unknown");
    // A legacy `type` maps to the same controller properties.
    const legacy = await stripe.accounts.create({ type: "express", capabilities: { transfers: { requested: true } } });
    expect(legacy.controller).toMatchObject({ stripe_dashboard: { type: "express" }, losses: { payments: "application" }, requirement_collection: "stripe" });
    expect((await stripe.accounts.list()).data.map((a) => a.id)).toEqual([legacy.id]);
  });

  it("retrieves, updates (account.updated with the previous values), lists with pagination", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await stripe.accounts.create(expressParams({ metadata: { vendor_id: `v_${i}` } }))).id);
    const got = await stripe.accounts.retrieve(ids[0] ?? "");
    expect(got.metadata).toEqual({ vendor_id: "v_0" });
    const updated = await stripe.accounts.update(ids[0] ?? "", { metadata: { plan: "pro" }, email: "pay@northwind.example", business_profile: { url: "https://northwind.example" } });
    expect(updated).toMatchObject({ metadata: { vendor_id: "v_0", plan: "pro" }, email: "pay@northwind.example", business_profile: { url: "https://northwind.example" } });
    const [event] = (await stripe.events.list({ type: "account.updated" }, { stripeAccount: ids[0] ?? "" })).data;
    expect(event?.account).toBe(ids[0]);
    expect(event?.data.previous_attributes).toMatchObject({ email: "finance@northwind.example", metadata: { vendor_id: "v_0" } });
    // Connect events are the connected account's, not the platform's.
    expect((await stripe.events.list({ type: "account.updated" })).data).toEqual([]);

    const page = await stripe.accounts.list({ limit: 2 });
    expect(page.has_more).toBe(true);
    expect(page.data.map((a) => a.id)).toEqual([ids[2], ids[1]]);
    expect((await stripe.accounts.list({ limit: 2 }).autoPagingToArray({ limit: 10 })).map((a) => a.id)).toEqual([...ids].reverse());

    const missing = await requestError(stripe.accounts.retrieve("acct_1NoSuchAccount00"));
    expect(missing).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(missing.statusCode).toBe(403);
    expect(missing.code).toBe("account_invalid");
  });

  it("lists and retrieves capabilities, and requests one later (capability.updated)", async () => {
    const account = await stripe.accounts.create(expressParams());
    const caps = await stripe.accounts.listCapabilities(account.id);
    expect(caps.data.map((c) => [c.id, c.status, c.requested])).toEqual([
      ["card_payments", "unrequested", false],
      ["transfers", "inactive", true],
    ]);
    const transfers = await stripe.accounts.retrieveCapability(account.id, "transfers");
    expect(transfers).toMatchObject({ object: "capability", account: account.id, requested: true, status: "inactive" });
    expect(transfers.requirements?.currently_due).toContain("external_account");
    expect(transfers.requirements?.disabled_reason).toBe("requirements.fields_needed");
    expect((await requestError(stripe.accounts.retrieveCapability(account.id, "treasury"))).code).toBe("resource_missing");

    const cards = await stripe.accounts.updateCapability(account.id, "card_payments", { requested: true });
    expect(cards).toMatchObject({ requested: true, status: "inactive" });
    expect((await stripe.accounts.retrieve(account.id)).capabilities).toEqual({ card_payments: "inactive", transfers: "inactive" });
    const events = (await stripe.events.list({ type: "capability.updated" }, { stripeAccount: account.id })).data;
    expect(events.map((e) => (e.data.object as Stripe.Capability).id)).toEqual(["card_payments"]);
  });

  it("lets the platform reject an account it is liable for", async () => {
    const account = await stripe.accounts.create(expressParams());
    await onboard(account.id, "complete");
    const rejected = await stripe.accounts.reject(account.id, { reason: "fraud" });
    expect(rejected.requirements?.disabled_reason).toBe("rejected.fraud");
    expect(rejected.capabilities).toEqual({ transfers: "inactive" });
    expect(rejected.payouts_enabled).toBe(false);
  });
});

describe("onboarding through account links", () => {
  it("completes onboarding on the stand-in's page: transfers active, then back to return_url", async () => {
    const account = await stripe.accounts.create(expressParams());
    const link = await onboardingLink(account.id);
    expect(link.object).toBe("account_link");
    expect(link.expires_at - link.created).toBe(ACCOUNT_LINK_TTL_SECONDS);
    expect(link.url.startsWith(`${standIn.url}/setup/e/${account.id}/`)).toBe(true);

    const opened = await openLink(link.url);
    expect(opened.status).toBe(200);
    expect(opened.html).toContain("Set up payouts for Northwind Goods");
    expect(opened.html).toContain("Bank account for payouts");
    expect(await submitOnboarding(opened, "complete")).toEqual({ status: 303, location: RETURN_URL });

    const active = await stripe.accounts.retrieve(account.id);
    expect(active).toMatchObject({ details_submitted: true, payouts_enabled: true, charges_enabled: false, capabilities: { transfers: "active" } });
    expect(active.requirements).toMatchObject({ currently_due: [], past_due: [], eventually_due: [], disabled_reason: null });
    expect(active.external_accounts?.data[0]).toMatchObject({ object: "bank_account", currency: "usd", last4: "6789", account: account.id });
    const types = (await stripe.events.list({}, { stripeAccount: account.id })).data.map((e) => e.type);
    expect(types).toEqual(["account.updated", "capability.updated"]);
  });

  it("is single-use and short-lived: a reopened, resubmitted or expired link goes to refresh_url", async () => {
    const account = await stripe.accounts.create(expressParams());
    const link = await onboardingLink(account.id);
    const opened = await openLink(link.url);
    expect(opened.status).toBe(200);
    expect(await openLink(link.url)).toMatchObject({ status: 302, location: REFRESH_URL, form: null });
    expect(await submitOnboarding(opened, "complete", "forged-session")).toEqual({ status: 303, location: REFRESH_URL });
    expect(await submitOnboarding(opened, "restricted")).toEqual({ status: 303, location: RETURN_URL });
    expect(await submitOnboarding(opened, "complete")).toEqual({ status: 303, location: REFRESH_URL });
    expect((await stripe.accounts.retrieve(account.id)).capabilities?.transfers).toBe("inactive");

    const stale = await onboardingLink(account.id);
    standIn.advanceClock(ACCOUNT_LINK_TTL_SECONDS + 1);
    expect(await openLink(stale.url)).toMatchObject({ status: 302, location: REFRESH_URL });
    expect((await openLink(`${standIn.url}/setup/e/${account.id}/not-a-token`)).status).toBe(404);

    expect((await requestError(stripe.accountLinks.create({ account: account.id, type: "account_onboarding", refresh_url: REFRESH_URL }))).param).toBe("return_url");
    expect((await requestError(stripe.accountLinks.create({ account: account.id, type: "account_onboarding", refresh_url: "not a url", return_url: RETURN_URL }))).param).toBe("refresh_url");
    expect((await requestError(onboardingLink("acct_1NoSuchAccount00"))).statusCode).toBe(403);
  });

  it("leaves requirements due (restricted), and a fresh link completes it", async () => {
    const account = await stripe.accounts.create(expressParams());
    const restricted = await onboard(account.id, "restricted");
    expect(restricted).toMatchObject({ details_submitted: true, payouts_enabled: false, capabilities: { transfers: "inactive" } });
    expect(restricted.requirements).toMatchObject({
      currently_due: ["external_account", "individual.verification.document"],
      past_due: ["external_account", "individual.verification.document"],
      disabled_reason: "requirements.past_due",
    });
    expect(restricted.requirements?.errors?.[0]).toMatchObject({ requirement: "individual.verification.document", code: "verification_document_not_readable" });
    const page = await openLink((await onboardingLink(account.id)).url);
    expect(page.html).toContain("Identity document");
    await submitOnboarding(page, "complete");
    expect((await stripe.accounts.retrieve(account.id)).capabilities?.transfers).toBe("active");
  });

  it("waits on verification (pending), which Stripe later finishes", async () => {
    const account = await stripe.accounts.create(expressParams());
    const pending = await onboard(account.id, "pending");
    expect(pending.capabilities?.transfers).toBe("pending");
    expect(pending.requirements).toMatchObject({ currently_due: [], disabled_reason: "requirements.pending_verification" });
    expect(pending.requirements?.pending_verification).toContain("individual.verification.document");
    const res = await fetch(`${standIn.url}/_sandbox/accounts/${account.id}/onboarding`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "outcome=complete",
    });
    expect(res.status).toBe(200);
    expect((await stripe.accounts.retrieve(account.id)).capabilities?.transfers).toBe("active");
    const capEvents = (await stripe.events.list({ type: "capability.updated" }, { stripeAccount: account.id })).data;
    expect(capEvents.map((e) => [(e.data.object as Stripe.Capability).status, (e.data.previous_attributes as Partial<Stripe.Capability> | undefined)?.status])).toEqual([
      ["active", "pending"],
      ["pending", "inactive"],
    ]);
  });

  it("rejects the account (rejected.other)", async () => {
    const account = await stripe.accounts.create(expressParams());
    const rejected = await onboard(account.id, "rejected");
    expect(rejected.requirements?.disabled_reason).toBe("rejected.other");
    expect(rejected).toMatchObject({ payouts_enabled: false, capabilities: { transfers: "inactive" } });
  });

  it("gives Express accounts that finished onboarding a single-use dashboard login link", async () => {
    const account = await stripe.accounts.create(expressParams());
    expect((await requestError(stripe.accounts.createLoginLink(account.id))).message).toMatch(/not completed onboarding/);
    await onboard(account.id, "complete");
    const login = await stripe.accounts.createLoginLink(account.id);
    expect(login.object).toBe("login_link");
    expect(login.url.startsWith(`${standIn.url}/express/${account.id}/`)).toBe(true);
    const first = await fetch(login.url);
    expect(first.status).toBe(200);
    const html = await first.text();
    expect(html).toContain("Northwind Goods");
    expect(html).toContain("STRIPE TEST BANK");
    expect((await fetch(login.url)).status).toBe(410);

    const standard = await stripe.accounts.create({ type: "standard" });
    await onboard(standard.id, "complete");
    expect((await requestError(stripe.accounts.createLoginLink(standard.id))).message).toMatch(/Express Dashboard/);
  });
});

describe("Connect webhooks", () => {
  let platform: WebhookReceiver;
  let connect: WebhookReceiver;
  beforeEach(async () => {
    platform = await startWebhookReceiver();
    connect = await startWebhookReceiver();
    standIn.setWebhookUrl(platform.url);
    standIn.setConnectWebhookUrl(connect.url);
  });
  afterEach(async () => {
    standIn.setWebhookUrl(null);
    standIn.setConnectWebhookUrl(null);
    await platform.close();
    await connect.close();
  });

  const types = (r: WebhookReceiver) => r.received.map((w) => (JSON.parse(w.rawBody) as Stripe.Event).type);

  it("sends connected accounts' events, carrying `account`, to the Connect endpoint only, signed with its secret", async () => {
    const account = await stripe.accounts.create(expressParams());
    await onboard(account.id, "complete");
    await stripe.paymentIntents.create({ amount: 5_000, currency: "usd", allowed_payment_method_types: ["card"], payment_method: "pm_card_bypassPending", confirm: true });
    await standIn.whenDeliveriesSettled();

    expect(types(connect)).toEqual(["capability.updated", "account.updated"]);
    for (const w of connect.received) {
      const event = stripe.webhooks.constructEvent(w.rawBody, w.signature, standIn.connectWebhookSecret);
      expect(event.account).toBe(account.id);
      expect(() => stripe.webhooks.constructEvent(w.rawBody, w.signature, standIn.webhookSecret)).toThrow();
    }
    const updated = stripe.webhooks.constructEvent(connect.received[1]?.rawBody ?? "", connect.received[1]?.signature ?? "", standIn.connectWebhookSecret);
    expect((updated.data.object as Stripe.Account).capabilities?.transfers).toBe("active");
    expect(updated.data.previous_attributes).toMatchObject({ details_submitted: false, capabilities: { transfers: "inactive" } });

    expect(types(platform)).toEqual(["payment_intent.created", "charge.succeeded", "payment_intent.succeeded"]);
    for (const w of platform.received) {
      const event = stripe.webhooks.constructEvent(w.rawBody, w.signature, standIn.webhookSecret);
      expect(event.account).toBeUndefined();
    }
    expect(standIn.deliveries.filter((d) => d.connect).map((d) => d.eventType)).toEqual(["capability.updated", "account.updated"]);
  });

  it("deauthorizes an account: account.application.deauthorized, then the platform cannot reach it", async () => {
    const account = await stripe.accounts.create(expressParams());
    await onboard(account.id, "complete");
    const res = await fetch(`${standIn.url}/_sandbox/accounts/${account.id}/deauthorize`, { method: "POST" });
    expect(res.status).toBe(200);
    await eventually(() => expect(types(connect)).toContain("account.application.deauthorized"), 20_000);
    const raw = connect.received.find((w) => w.rawBody.includes("account.application.deauthorized"));
    const event = stripe.webhooks.constructEvent(raw?.rawBody ?? "", raw?.signature ?? "", standIn.connectWebhookSecret);
    expect(event.account).toBe(account.id);
    expect(event.data.object).toMatchObject({ object: "application", id: expect.stringMatching(/^ca_/) });

    expect((await requestError(stripe.accounts.retrieve(account.id))).statusCode).toBe(403);
    expect((await requestError(stripe.balance.retrieve({}, { stripeAccount: account.id }))).code).toBe("account_invalid");
    expect((await requestError(onboardingLink(account.id))).statusCode).toBe(403);
    const transfer = await requestError(stripe.transfers.create({ amount: 100, currency: "usd", destination: account.id }));
    expect(transfer.param).toBe("destination");
    expect((await stripe.accounts.list()).data).toEqual([]);
    expect((await fetch(`${standIn.url}/_sandbox/accounts/${account.id}/deauthorize`, { method: "POST" })).status).toBe(400);
  });
});
