import { mkdirSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, SCREENSHOT_DIR } from "../browser/chromium.ts";
import { startStripeStandIn, type StripeStandIn } from "./server.ts";

/**
 * The pages a brand's staff see at "Stripe" in sandbox mode, in Chromium: the onboarding an
 * Account Link opens (each choice is a button; finishing returns to the platform's return_url;
 * the link works once, then sends the browser to refresh_url) and the Express dashboard a login
 * link opens. Screenshots (1280x800 and 390x844) go to .artifacts/screenshots/stripe-*.png.
 */

// What page.evaluate callbacks use of the page's globals (this package compiles without the DOM library).
declare const document: { documentElement: { scrollWidth: number }; activeElement: { getAttribute(name: string): string | null } | null };
declare const window: { innerWidth: number };

let standIn: StripeStandIn;
let stripe: Stripe;
let browser: Browser;
let platform: http.Server;
let platformUrl: string;
const problems: string[] = [];

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  standIn = await startStripeStandIn();
  stripe = new Stripe("sk_test_browser", { ...standIn.sdkConfig });
  // The platform's side of the links: where the holder comes back to, or starts over from.
  platform = http.createServer((req, res) => {
    const where = req.url?.startsWith("/refresh") ? "refresh" : "return";
    res.writeHead(200, { "Content-Type": "text/html" }).end(`<!doctype html><title>${where}</title><h1 id="where">${where}</h1>`);
  });
  await new Promise<void>((resolve) => platform.listen(0, "127.0.0.1", () => resolve()));
  platformUrl = `http://127.0.0.1:${(platform.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await standIn?.stop();
  await new Promise<void>((resolve) => platform?.close(() => resolve()));
});

/** Responses a test expects to fail (e.g. a login link opened twice). */
const expectedFailures = new Set<string>();

async function open(viewport: { width: number; height: number }, url: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    // Failed loads are reported by the response handler, with their URL.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(`console: ${m.text()}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && !expectedFailures.has(`${r.status()} ${r.url()}`)) problems.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(url);
  return { context, page };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

function link(account: string): Promise<Stripe.AccountLink> {
  return stripe.accountLinks.create({ account, type: "account_onboarding", refresh_url: `${platformUrl}/refresh`, return_url: `${platformUrl}/return` });
}

describe("Stripe stand-in pages in Chromium", () => {
  it("onboards a brand: requirements in words, every outcome a button, back to return_url; a used link goes to refresh_url", async () => {
    const account = await stripe.accounts.create({
      controller: { stripe_dashboard: { type: "express" }, fees: { payer: "application" }, losses: { payments: "application" }, requirement_collection: "stripe" },
      capabilities: { transfers: { requested: true } },
      email: "finance@northwind.example",
      business_profile: { name: "Northwind Goods" },
    });

    const first = await link(account.id);
    const desktop = await open(DESKTOP, first.url);
    await desktop.page.getByRole("heading", { name: "Set up payouts for Northwind Goods" }).waitFor();
    for (const need of ["Bank account for payouts", "Type of business", "Acceptance of the Stripe Connected Account Agreement"]) {
      expect(await desktop.page.getByText(need).count()).toBe(1);
    }
    expect(await desktop.page.getByRole("button").count()).toBe(4);
    // The first button is the first stop for the keyboard.
    await desktop.page.keyboard.press("Tab");
    expect(await desktop.page.evaluate(() => document.activeElement?.getAttribute("data-outcome") ?? null)).toBe("complete");
    await shot(desktop.page, "stripe-onboarding-desktop");

    // On a phone, the holder stops short: the account is restricted.
    const phone = await open(PHONE, (await link(account.id)).url);
    await phone.page.getByRole("heading", { name: /Set up payouts/ }).waitFor();
    expect(await fitsWidth(phone.page)).toBe(true);
    await shot(phone.page, "stripe-onboarding-phone");
    await phone.page.getByRole("button", { name: /Stop with requirements due/ }).click();
    await phone.page.waitForURL(`${platformUrl}/return`);
    expect((await stripe.accounts.retrieve(account.id)).requirements?.currently_due).toEqual(["external_account", "individual.verification.document"]);

    // A fresh link shows what is still due.
    const again = await open(DESKTOP, (await link(account.id)).url);
    await again.page.getByText("Identity document (passport or driving licence)").waitFor();
    await shot(again.page, "stripe-onboarding-restricted-desktop");
    await again.page.getByRole("button", { name: /Complete onboarding/ }).click();
    await again.page.waitForURL(`${platformUrl}/return`);
    expect((await stripe.accounts.retrieve(account.id)).capabilities?.transfers).toBe("active");

    // Links are single-use: the first one, opened again, starts over at refresh_url.
    await desktop.page.goto(first.url);
    await desktop.page.waitForURL(`${platformUrl}/refresh`);
    expect(await desktop.page.locator("#where").textContent()).toBe("refresh");
    for (const c of [desktop, phone, again]) await c.context.close();
    expect(problems).toEqual([]);
  });

  it("shows the Express dashboard a login link opens, once", async () => {
    const account = await stripe.accounts.create({
      controller: { stripe_dashboard: { type: "express" }, fees: { payer: "application" }, losses: { payments: "application" }, requirement_collection: "stripe" },
      capabilities: { transfers: { requested: true } },
      business_profile: { name: "Northwind Goods" },
    });
    standIn.onboard(account.id, "complete");
    const pi = await stripe.paymentIntents.create({ amount: 12_500, currency: "usd", allowed_payment_method_types: ["card"], payment_method: "pm_card_visa", confirm: true, transfer_group: "order_42" });
    const transfer = await stripe.transfers.create({ amount: 9_800, currency: "usd", destination: account.id, source_transaction: pi.latest_charge as string, transfer_group: "order_42" });
    await stripe.transfers.createReversal(transfer.id, { amount: 1_200 });

    const login = await stripe.accounts.createLoginLink(account.id);
    const desktop = await open(DESKTOP, login.url);
    await desktop.page.getByRole("heading", { name: /Northwind Goods/ }).waitFor();
    expect(await desktop.page.getByText(transfer.id).count()).toBe(1);
    expect(await desktop.page.getByText("$12.00 reversed").count()).toBe(1);
    expect(await desktop.page.getByText("On the way: $86.00").count()).toBe(1);
    await shot(desktop.page, "stripe-express-dashboard-desktop");
    expectedFailures.add(`410 ${login.url}`);
    await desktop.page.reload();
    await desktop.page.getByRole("heading", { name: "This link has expired" }).waitFor();

    const phone = await open(PHONE, (await stripe.accounts.createLoginLink(account.id)).url);
    await phone.page.getByRole("heading", { name: /Northwind Goods/ }).waitFor();
    expect(await fitsWidth(phone.page)).toBe(true);
    await shot(phone.page, "stripe-express-dashboard-phone");
    for (const c of [desktop, phone]) await c.context.close();
    expect(problems).toEqual([]);
  });
});
