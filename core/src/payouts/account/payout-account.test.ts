import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stripeSignatureHeader } from "@giftloop/sandbox/stripe/server";
import { waitUntil } from "../../jobs/testing/harness.ts";
import { openPayoutDashboard, payoutAccount, refreshPayoutAccount, startOnboarding } from "./payout-account.ts";
import { startConnectStack, type ConnectStack } from "./testing.ts";
import { brandContext } from "../../testing/deps.ts";

let s: ConnectStack;
beforeAll(async () => {
  s = await startConnectStack();
});
afterAll(async () => {
  await s?.stop();
});

const urls = { returnUrl: "https://admin.example/payouts?stripe=return", refreshUrl: "https://admin.example/payouts?stripe=refresh" };
/** The brand's context as the embedded app builds it for one of its users. */
const brand = (vendorId: string) => brandContext(s.t.deps, vendorId, "shopify-user:42");
const statusOf = async (vendorId: string) => (await payoutAccount(brand(vendorId)))!;

async function onboarded(outcome: "complete" | "restricted" | "pending" | "rejected") {
  const vendorId = await s.newVendor();
  const started = await startOnboarding(brand(vendorId), s.t.deps, urls);
  if (!started.ok) throw new Error(started.detail);
  s.standIn.onboard(started.accountId, outcome);
  return { vendorId, accountId: started.accountId };
}

describe("onboarding", () => {
  it("creates one Express-like account per brand with only the transfers capability, and a fresh link each time", async () => {
    const vendorId = await s.newVendor({ currency: "GBP" });
    expect((await statusOf(vendorId)).status).toBe("not_started");
    const [a, b] = await Promise.all([startOnboarding(brand(vendorId), s.t.deps, urls), startOnboarding(brand(vendorId), s.t.deps, urls)]);
    if (!a.ok || !b.ok) throw new Error("onboarding refused");
    expect(b.accountId).toBe(a.accountId);
    expect(b.url).not.toBe(a.url);
    const again = await startOnboarding(brand(vendorId), s.t.deps, urls);
    expect(again.ok && again.accountId).toBe(a.accountId);
    const account = await s.stripe.accounts.retrieve(a.accountId);
    expect(account.controller).toMatchObject({
      stripe_dashboard: { type: "express" },
      fees: { payer: "application" },
      losses: { payments: "application" },
      requirement_collection: "stripe",
    });
    expect(account.capabilities).toEqual({ transfers: "inactive" });
    expect(account).toMatchObject({ country: "GB", metadata: { giftloop_vendor_id: vendorId } });
    const view = await statusOf(vendorId);
    expect(view).toMatchObject({ status: "onboarding", stripeAccountId: a.accountId, dashboardAvailable: false });
    expect(view.requirementsInWords).toContain("Bank account for payouts");
    expect(await s.t.deps.db.prisma.auditLog.count({ where: { vendorId, action: "vendor.payout_account_created" } })).toBe(1);
  });

  it("the brand completes onboarding: account.updated makes it active", async () => {
    const { vendorId } = await onboarded("complete");
    await waitUntil(async () => (await statusOf(vendorId)).status === "active");
    expect(await statusOf(vendorId)).toMatchObject({ requirements: [], disabledReason: null, dashboardAvailable: true });
    const audit = await s.t.deps.db.prisma.auditLog.findMany({ where: { vendorId, action: "vendor.payout_account_status" }, orderBy: { at: "asc" } });
    expect(audit.at(-1)?.data).toMatchObject({ from: "onboarding", to: "active" });
  });

  it("requirements left due make it restricted, with what Stripe needs in words", async () => {
    const { vendorId } = await onboarded("restricted");
    await waitUntil(async () => (await statusOf(vendorId)).status === "restricted");
    const view = await statusOf(vendorId);
    expect(view.requirements).toEqual(["external_account", "individual.verification.document"]);
    expect(view.requirementsInWords).toEqual(["Bank account for payouts", "Identity document (passport or driving licence)"]);
    expect(view.disabledReasonInWords).toBe("Stripe needs more information before it can send you money.");
  });

  it("a rejected account is disabled, and onboarding is refused with a reason", async () => {
    const { vendorId } = await onboarded("rejected");
    await waitUntil(async () => (await statusOf(vendorId)).status === "disabled");
    expect((await statusOf(vendorId)).disabledReason).toBe("rejected.other");
    const again = await startOnboarding(brand(vendorId), s.t.deps, urls);
    expect(again).toMatchObject({ ok: false, code: "account_disabled" });
  });

  it("returning from Stripe reads the account, whatever the webhooks did", async () => {
    s.standIn.setConnectWebhookUrl(null);
    try {
      const { vendorId } = await onboarded("pending");
      expect((await statusOf(vendorId)).status).toBe("onboarding");
      const r = await refreshPayoutAccount(brand(vendorId), s.t.deps);
      expect(r).toMatchObject({ ok: true, account: { status: "onboarding", disabledReason: "requirements.pending_verification", dashboardAvailable: true } });
      s.standIn.onboard((await statusOf(vendorId)).stripeAccountId!, "complete");
      expect(await refreshPayoutAccount(brand(vendorId), s.t.deps)).toMatchObject({ ok: true, account: { status: "active" } });
    } finally {
      s.standIn.setConnectWebhookUrl(s.connectWebhookUrl);
    }
  });

  it("an uninstalled brand cannot start onboarding; nothing is created", async () => {
    const vendorId = await s.newVendor({ status: "uninstalled" });
    const before = (await s.stripe.accounts.list({ limit: 100 })).data.length;
    expect(await startOnboarding(brand(vendorId), s.t.deps, urls)).toMatchObject({ ok: false, code: "vendor_uninstalled" });
    expect((await s.stripe.accounts.list({ limit: 100 })).data.length).toBe(before);
    expect((await statusOf(vendorId)).stripeAccountId).toBeNull();
  });

  it("opens the Express dashboard once details are submitted; before, Stripe's refusal comes back as a code", async () => {
    const vendorId = await s.newVendor();
    expect(await openPayoutDashboard(brand(vendorId), s.t.deps)).toMatchObject({ ok: false, code: "account_missing" });
    const started = await startOnboarding(brand(vendorId), s.t.deps, urls);
    if (!started.ok) throw new Error(started.detail);
    expect(await openPayoutDashboard(brand(vendorId), s.t.deps)).toMatchObject({ ok: false, code: "stripe_refused" });
    s.standIn.onboard(started.accountId, "complete");
    const link = await openPayoutDashboard(brand(vendorId), s.t.deps);
    expect(link.ok && link.url).toMatch(/\/express\/acct_/);
  });
});

describe("Connect webhook endpoint", () => {
  const post = (body: string, signature?: string) =>
    s.t.app.request("/webhooks/stripe/connect", {
      method: "POST",
      headers: { "content-type": "application/json", ...(signature ? { "stripe-signature": signature } : {}) },
      body,
    });
  const event = (id: string, type: string, account: string, created: number, object: Record<string, unknown> = { id: account, object: "account" }) =>
    JSON.stringify({ id, object: "event", type, account, created, api_version: "2026-10-28.endive", livemode: false, data: { object: object } });

  it("refuses a missing signature, a wrong one and the platform endpoint's secret with 400, recording nothing", async () => {
    const body = event("evt_connect_forged", "account.updated", "acct_x", 1);
    const missing = await post(body);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ code: "missing_signature" });
    for (const secret of ["whsec_wrong", s.standIn.webhookSecret]) {
      const res = await post(body, stripeSignatureHeader(body, secret));
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(await res.json()).toMatchObject({ code: "invalid_signature" });
    }
    expect(await s.t.deps.db.prisma.webhookEvent.count({ where: { externalId: "evt_connect_forged" } })).toBe(0);
  });

  it("the same event delivered five times is recorded and applied once", async () => {
    s.standIn.setConnectWebhookUrl(null);
    try {
      const { vendorId, accountId } = await onboarded("complete");
      const body = event("evt_connect_5x", "account.updated", accountId, s.standIn.now());
      const sig = stripeSignatureHeader(body, s.standIn.connectWebhookSecret);
      const res = await Promise.all(Array.from({ length: 5 }, () => post(body, sig)));
      expect(res.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect((await Promise.all(res.map((r) => r.json()))).filter((j) => !(j as { duplicate: boolean }).duplicate)).toHaveLength(1);
      await waitUntil(async () => (await s.t.deps.db.prisma.webhookEvent.findFirstOrThrow({ where: { externalId: "evt_connect_5x" } })).processedAt !== null);
      expect((await statusOf(vendorId)).status).toBe("active");
      expect(await s.t.deps.db.prisma.auditLog.count({ where: { vendorId, action: "vendor.payout_account_status", data: { path: ["to"], equals: "active" } } })).toBe(1);
    } finally {
      s.standIn.setConnectWebhookUrl(s.connectWebhookUrl);
    }
  });

  it("an event older than the last one applied changes nothing; a newer one brings the account as Stripe has it", async () => {
    s.standIn.setConnectWebhookUrl(null);
    try {
      const { vendorId, accountId } = await onboarded("complete");
      const t0 = s.standIn.now();
      const deliver = async (id: string, type: string, created: number) => {
        const body = event(id, type, accountId, created, type === "capability.updated" ? { id: "transfers", object: "capability", account: accountId } : { id: accountId, object: "account" });
        expect((await post(body, stripeSignatureHeader(body, s.standIn.connectWebhookSecret))).status).toBe(200);
        await waitUntil(async () => (await s.t.deps.db.prisma.webhookEvent.findFirstOrThrow({ where: { externalId: id } })).processedAt !== null);
      };
      await deliver(`evt_ooo_new_${accountId}`, "account.updated", t0 + 10);
      expect((await statusOf(vendorId)).status).toBe("active");
      // Stripe now has the account restricted, but the event that says so is late; an older one arrives first.
      s.standIn.onboard(accountId, "restricted");
      await deliver(`evt_ooo_old_${accountId}`, "capability.updated", t0 + 5);
      expect((await statusOf(vendorId)).status).toBe("active");
      await deliver(`evt_ooo_newer_${accountId}`, "capability.updated", t0 + 20);
      expect((await statusOf(vendorId)).status).toBe("restricted");
      expect((await statusOf(vendorId)).updatedAt?.getTime()).toBe((t0 + 20) * 1000);
    } finally {
      s.standIn.setConnectWebhookUrl(s.connectWebhookUrl);
    }
  });

  it("account.application.deauthorized disables payouts for good, even against later events", async () => {
    const { vendorId, accountId } = await onboarded("complete");
    await waitUntil(async () => (await statusOf(vendorId)).status === "active");
    s.standIn.deauthorize(accountId);
    await waitUntil(async () => (await statusOf(vendorId)).status === "disabled");
    expect(await statusOf(vendorId)).toMatchObject({ disabledReason: "deauthorized", disabledReasonInWords: "You disconnected your Stripe account from Giftloop." });
    const body = event(`evt_after_deauth_${accountId}`, "account.updated", accountId, s.standIn.now() + 60);
    expect((await post(body, stripeSignatureHeader(body, s.standIn.connectWebhookSecret))).status).toBe(200);
    await waitUntil(async () => (await s.t.deps.db.prisma.webhookEvent.findFirstOrThrow({ where: { externalId: `evt_after_deauth_${accountId}` } })).processedAt !== null);
    expect((await statusOf(vendorId)).status).toBe("disabled");
    expect(await startOnboarding(brand(vendorId), s.t.deps, urls)).toMatchObject({ ok: false, code: "account_disabled" });
    expect(await refreshPayoutAccount(brand(vendorId), s.t.deps)).toMatchObject({ ok: true, account: { status: "disabled" } });
  });

  it("an event for an account no brand has is recorded and processed as nothing to do", async () => {
    const body = event("evt_connect_stranger", "account.updated", "acct_1NotOursAtAll00", s.standIn.now());
    expect((await post(body, stripeSignatureHeader(body, s.standIn.connectWebhookSecret))).status).toBe(200);
    await waitUntil(async () => (await s.t.deps.db.prisma.webhookEvent.findFirstOrThrow({ where: { externalId: "evt_connect_stranger" } })).processedAt !== null);
  });
});

describe("vendor API /v1/vendor/payout-account", () => {
  const shopOf = async (vendorId: string) => (await s.t.deps.db.prisma.vendor.findUniqueOrThrow({ where: { id: vendorId } })).shopDomain;
  const call = async (vendorId: string, method: "GET" | "POST", path = "") =>
    s.t.app.request(`/v1/vendor/payout-account${path}`, { method, headers: { authorization: `Bearer ${await s.t.vendorToken(await shopOf(vendorId))}` } });

  it("shows the status, mints onboarding links back to the app's Payouts page, and a dashboard link once submitted", async () => {
    const vendorId = await s.newVendor();
    const before = await call(vendorId, "GET");
    expect(before.status).toBe(200);
    expect(await before.json()).toMatchObject({ status: "not_started", stripeAccountId: null, requirements: [], dashboardAvailable: false });
    const link = await call(vendorId, "POST", "/onboarding-link");
    expect(link.status).toBe(200);
    const { url } = (await link.json()) as { url: string };
    expect(url).toMatch(/\/setup\/e\/acct_/);
    const dash = await call(vendorId, "POST", "/dashboard-link");
    expect(dash.status).toBe(422);
    expect(await dash.json()).toMatchObject({ code: "stripe_refused" });
    const accountId = (await statusOf(vendorId)).stripeAccountId!;
    s.standIn.onboard(accountId, "complete");
    await waitUntil(async () => (await statusOf(vendorId)).status === "active");
    expect(await (await call(vendorId, "GET")).json()).toMatchObject({ status: "active", stripeAccountId: accountId, dashboardAvailable: true });
    expect((await call(vendorId, "POST", "/dashboard-link")).status).toBe(200);
  });

  it("an uninstalled brand gets 403 and nothing is created; a disabled account 409; no token 401", async () => {
    const gone = await s.newVendor({ status: "uninstalled" });
    const res = await call(gone, "POST", "/onboarding-link");
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await res.json()).toMatchObject({ code: "app_uninstalled" });
    expect((await statusOf(gone)).stripeAccountId).toBeNull();

    const { vendorId } = await onboarded("rejected");
    await waitUntil(async () => (await statusOf(vendorId)).status === "disabled");
    const refused = await call(vendorId, "POST", "/onboarding-link");
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: "account_disabled" });

    expect((await s.t.app.request("/v1/vendor/payout-account/onboarding-link", { method: "POST" })).status).toBe(401);
  });
});
