/**
 * Stripe Connect onboarding from the embedded app, in Chromium through the sandbox admin
 * frame, as the demo brand does it: Payouts -> "Set up payouts" opens a fresh Account Link in
 * the whole window -> the Stripe stand-in's onboarding page -> back in the admin, the account
 * read again: active. Then Stripe finds requirements due (restricted: shown in words), a used
 * link sends the brand through refresh_url to a new one, and the Express dashboard opens.
 * Then a gift is paid, redeemed and shipped in the Shopify stand-in, a second one redeemed and
 * waiting, a payout run pays the first: the page shows pending and paid amounts, the weekly
 * chart, the payout with its line and Stripe transfer, and exports the lines as CSV.
 * Screenshots at desktop size in .artifacts/screenshots/payouts-*.png; axe-core (WCAG 2.2 A/AA)
 * finds no violations on the Payouts pages in each state.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FrameLocator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, type Chromium } from "./browser.ts";
import { startSandbox, type RunningSandbox } from "./sandbox.ts";
import { eventually } from "../testing/net.ts";
import { mintOperatorToken } from "@giftloop/core/http/operator-auth";

const SHOTS = path.resolve(fileURLToPath(new URL("../../../.artifacts/screenshots", import.meta.url)));
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

let sandbox: RunningSandbox;
let chromium: Chromium;
let page: Page;
let app: FrameLocator;
let stripeUrl: string;
let shopifyUrl: string;
let buyerKey: string;
const SHOP = "northwind-demo.myshopify.com";
const OPERATOR_TOKEN_SECRET = "payouts-browser-test-operator-secret-0123456789";
const problems: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const [s, c] = await Promise.allSettled([startSandbox({ OPERATOR_TOKEN_SECRET }), launchChromium()]);
  if (s.status === "fulfilled") sandbox = s.value;
  if (c.status === "fulfilled") chromium = c.value;
  if (s.status === "rejected") throw s.reason;
  if (c.status === "rejected") throw c.reason;
  stripeUrl = /Stripe stand-in (http:\/\/127\.0\.0\.1:\d+)/.exec(sandbox.output())![1]!;
  shopifyUrl = /Shopify stand-in (http:\/\/127\.0\.0\.1:\d+)/.exec(sandbox.output())![1]!;
  buyerKey = /Demo buyer key\s+(gl_sk_\S+)/.exec(sandbox.output())![1]!;
  page = await (await chromium.newContext({ width: 1440, height: 960 })).newPage();
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("response", (r) => {
    if (r.status() >= 500) problems.push(`${r.status()} ${r.url()}`);
  });
  app = page.frameLocator("#app-frame");
}, 600_000);

afterAll(async () => {
  await chromium?.close();
  await sandbox?.stop();
});

async function shot(name: string) {
  await page.waitForTimeout(250); // let Polaris transitions settle
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** axe-core's WCAG 2.2 A/AA checks of the app's page (inside the admin's frame): no violations. */
async function expectAccessible(what: string) {
  const frame = page.frame({ name: "app-iframe" });
  if (!frame) throw new Error("the app's frame is not there");
  await frame.evaluate(readFileSync(AXE, "utf8"));
  const violations = await frame.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Array<{ id: string; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const r = await axe.run((globalThis as unknown as { document: unknown }).document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  });
  expect(violations, `accessibility of ${what}`).toEqual([]);
}

const badge = (text: string) => app.locator(".Polaris-Badge", { hasText: text });

async function openPayouts() {
  await page.locator("#app-menu a", { hasText: "Payouts" }).click();
  await app.getByRole("heading", { name: "Payouts", level: 1 }).waitFor();
}

let accountId: string;

/** The demo buyer's and the operator's APIs. */
async function api<T>(who: "buyer" | "operator", method: string, pathname: string, body?: unknown): Promise<T> {
  const token = who === "buyer" ? buyerKey : await mintOperatorToken({ OPERATOR_TOKEN_SECRET, NODE_ENV: "development", DATA_DIR: "." }, { sub: "ops@giftloop.test", ttlSeconds: 300 });
  const res = await fetch(`${sandbox.appUrl}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A paid gift of the demo storefront's first offer, redeemed by `name`: its gift order id once it is in the brand's Shopify store. */
async function redeemedGift(name: string): Promise<string> {
  const front = await api<{ offers: Array<{ id: string }> }>("buyer", "GET", "/v1/storefronts/northwind-demo");
  const { order } = await api<{ order: { id: string } }>("buyer", "POST", "/v1/orders", {
    storefront: "northwind-demo",
    offerId: front.offers[0]!.id,
    recipients: [{ name, email: `${name.toLowerCase().replace(/\W/g, "")}@example.test`, country: "US" }],
  });
  const { paymentIntentId } = await api<{ paymentIntentId: string }>("buyer", "POST", `/v1/orders/${order.id}/checkout`);
  const paid = await fetch(`${stripeUrl}/v1/payment_intents/${paymentIntentId}/confirm`, {
    method: "POST",
    headers: { authorization: "Bearer sk_test_sandbox", "content-type": "application/x-www-form-urlencoded" },
    body: "payment_method=pm_card_visa",
  });
  expect(paid.status).toBe(200);
  await eventually(async () => {
    const d = await api<{ recipients: Array<{ unit: { status: string } | null }> }>("buyer", "GET", `/v1/orders/${order.id}`);
    return d.recipients[0]?.unit?.status === "sent" ? true : undefined;
  }, 60_000);
  const csv = await (await fetch(`${sandbox.appUrl}/v1/orders/${order.id}/gift-links.csv`, { headers: { authorization: `Bearer ${buyerKey}` } })).text();
  const code = /([A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})/.exec(csv)![1]!;
  const json = { "content-type": "application/json" };
  const { token } = (await (await fetch(`${sandbox.appUrl}/v1/redeem/session`, { method: "POST", headers: json, body: JSON.stringify({ code }) })).json()) as { token: string };
  const gift = (await (await fetch(`${sandbox.appUrl}/v1/redeem/gift`, { headers: { authorization: `Bearer ${token}` } })).json()) as { choices: Array<{ variantId: string }> };
  const res = await fetch(`${sandbox.appUrl}/v1/redeem/gift/redeem`, {
    method: "POST",
    headers: { ...json, authorization: `Bearer ${token}` },
    body: JSON.stringify({ variantId: gift.choices[0]!.variantId, address: { name, line1: "1 Main St", city: "Springfield", region: "IL", postalCode: "62701", country: "US" } }),
  });
  expect(res.status).toBe(200);
  return order.id;
}

const shopOrders = async () => ((await (await fetch(`${shopifyUrl}/_sandbox/shops/${SHOP}/orders`)).json()) as { orders: Array<{ id: number; note_attributes?: Array<{ name: string; value: string }>; tags: string }> }).orders;

describe("Stripe Connect onboarding from the Payouts page", () => {
  it("Home's setup guide leads to Payouts, where nothing is set up yet", async () => {
    await page.goto(sandbox.adminUrl);
    await app.getByText("Setup guide").waitFor({ timeout: 60_000 });
    await expect.poll(() => page.locator("#app-menu a").allTextContents()).toContain("Payouts");
    const step = app.getByRole("link", { name: "Set up payouts" });
    await step.waitFor();
    await step.click();
    await app.getByRole("heading", { name: "Payouts", level: 1 }).waitFor();
    await badge("Not set up").waitFor();
    await app.getByRole("button", { name: "Set up payouts" }).waitFor();
    await expectAccessible("Payouts, not set up");
    await shot("payouts-01-not-set-up");
  }, 90_000);

  it("Set up payouts opens Stripe's onboarding in the whole window; completing it brings the brand back, active", async () => {
    await app.getByRole("button", { name: "Set up payouts" }).click();
    await page.waitForURL(/\/setup\/e\/acct_/, { timeout: 30_000 });
    expect(page.url().startsWith(stripeUrl)).toBe(true);
    accountId = /\/setup\/e\/(acct_\w+)\//.exec(page.url())![1]!;
    await page.getByRole("heading", { name: /Set up payouts for Northwind Goods/ }).waitFor();
    await shot("payouts-02-stripe-onboarding");
    await page.locator('button[data-outcome="complete"]').click();
    // Stripe's return_url: the app's Payouts page inside the admin, which reads the account again.
    await page.waitForURL(/\/apps\/[^/]+\/payouts/, { timeout: 30_000 });
    await app.getByRole("heading", { name: "Payouts", level: 1 }).waitFor({ timeout: 30_000 });
    await badge("Active").waitFor({ timeout: 30_000 });
    await app.getByText("Payouts are set up").waitFor();
    await app.getByText(`Stripe account ${accountId}`).waitFor();
    await expectAccessible("Payouts, active");
    await shot("payouts-03-active");
  }, 90_000);

  it("the setup guide shows the payouts step done", async () => {
    await page.locator("#app-home").click();
    await app.getByText("Setup guide").waitFor();
    await app.getByRole("link", { name: "Review" }).last().waitFor();
    await expect.poll(() => app.getByRole("link", { name: "Set up payouts" }).count()).toBe(0);
  }, 60_000);

  it("when Stripe finds requirements due, the page says what it needs in words; a used link leads to a fresh one", async () => {
    // Stripe's verification finds the ID unreadable: account.updated reaches the Connect endpoint.
    const res = await fetch(`${stripeUrl}/_sandbox/accounts/${accountId}/onboarding`, { method: "POST", body: new URLSearchParams({ outcome: "restricted" }) });
    expect(res.status).toBe(200);
    // The page shows the status as the Connect webhook left it: open it again until it arrived.
    await expect
      .poll(async () => {
        await page.locator("#app-home").click();
        await app.getByText("Setup guide").waitFor();
        await openPayouts();
        return badge("Action needed").count();
      }, { timeout: 30_000 })
      .toBe(1);
    await app.getByText("Bank account for payouts").waitFor();
    await app.getByText("Identity document (passport or driving licence)").waitFor();
    await app.getByRole("button", { name: "View Stripe dashboard" }).waitFor();
    await expectAccessible("Payouts, restricted");
    await shot("payouts-04-restricted");

    await app.getByRole("button", { name: "Continue setup" }).click();
    await page.waitForURL(/\/setup\/e\/acct_/, { timeout: 30_000 });
    const used = page.url();
    await page.locator('button[data-outcome="restricted"]').click();
    await page.waitForURL(/\/apps\/[^/]+\/payouts\?stripe=return/, { timeout: 30_000 });
    await app.getByText("Your setup is not finished yet").waitFor({ timeout: 30_000 });
    await shot("payouts-05-returned-unfinished");
    // The link was single-use: Stripe sends the brand to refresh_url, and the app mints a new one.
    await page.goto(used);
    await page.waitForURL((u) => /\/setup\/e\/acct_/.test(u.href) && u.href !== used, { timeout: 30_000 });
    await page.getByRole("heading", { name: /Set up payouts for/ }).waitFor();
  }, 120_000);

  it("View Stripe dashboard opens the brand's Express dashboard", async () => {
    await page.goto(sandbox.adminUrl);
    await app.getByText("Setup guide").waitFor({ timeout: 30_000 });
    await openPayouts();
    await app.getByRole("button", { name: "View Stripe dashboard" }).click();
    await page.waitForURL(/\/express\/acct_/, { timeout: 30_000 });
    await page.getByRole("heading", { name: /Northwind Goods/ }).waitFor();
  }, 60_000);

  it("after a payout: pending and paid amounts, the weekly chart, the payout's line and Stripe transfer, and its CSV", async () => {
    // Stripe verifies the account after all; payouts settle on shipment (no window) for this test.
    expect((await fetch(`${stripeUrl}/_sandbox/accounts/${accountId}/onboarding`, { method: "POST", body: new URLSearchParams({ outcome: "complete" }) })).status).toBe(200);
    await api("operator", "PATCH", "/v1/operator/payouts/settings", { settlementDays: 0 });
    const before = new Set((await shopOrders()).map((o) => o.id));
    await redeemedGift("Ada Lovelace");
    const shopOrder = await eventually(async () => (await shopOrders()).find((o) => !before.has(o.id)), 60_000);
    await redeemedGift("Grace Hopper"); // redeemed, not shipped: pending
    expect((await fetch(`${shopifyUrl}/_sandbox/shops/${SHOP}/orders/${shopOrder.id}/fulfill`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).ok).toBe(true);
    // The brand's account must be active and the gift shipped before the run pays it.
    let seen: unknown;
    const paidPayout = await eventually(async () => {
      const list = await api<{ items: Array<{ id: string; status: string; lineCount: number }> }>("operator", "GET", "/v1/operator/payouts").catch((err: Error) => {
        seen = err.message;
        throw err;
      });
      if (list.items.length === 0) seen = await api("operator", "POST", "/v1/operator/payouts/runs", {}).catch((err: Error) => err.message);
      else seen = list;
      return list.items.find((p) => p.status === "paid");
    }, 90_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(seen)}`);
    });
    expect(paidPayout.lineCount).toBe(1);

    await page.goto(sandbox.adminUrl);
    await app.getByText("Setup guide").waitFor({ timeout: 30_000 });
    await openPayouts();
    await badge("Active").waitFor();
    await app.getByRole("heading", { name: /Earnings per week/ }).waitFor();
    await app.locator('[data-testid="earnings-chart"] svg').first().waitFor();
    await app.getByRole("cell", { name: /Paid/ }).first().waitFor();
    await expectAccessible("Payouts with a paid payout");
    await shot("payouts-06-amounts-and-list");

    await app.locator(".Polaris-IndexTable__TableRow").first().click();
    await app.getByRole("heading", { name: /Payout of/, level: 1 }).waitFor();
    await app.getByRole("cell", { name: "Ada" }).waitFor();
    await app.getByRole("cell", { name: /^tr_/ }).waitFor();
    await expectAccessible("a payout");
    await shot("payouts-07-payout-detail");
    const [download] = await Promise.all([page.waitForEvent("download"), app.getByRole("button", { name: "Export CSV" }).click()]);
    const text = readFileSync((await download.path())!, "utf8");
    expect(text.split("\n")[0]).toContain("recipient_first_name");
    expect(text).toContain("Ada");
    expect(problems).toEqual([]);
  }, 240_000);
});
