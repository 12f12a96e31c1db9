import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import path from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, SCREENSHOT_DIR } from "./chromium.ts";
import { startMailbox, type Mailbox } from "../smtp/mailbox.ts";
import { startSmtpSink, type SmtpSink } from "../smtp/smtp-sink.ts";
import { startStripeStandIn, type StripeStandIn } from "../stripe/server.ts";
import { startWorker } from "@giftloop/core/jobs/create-queue";
import { waitUntil } from "@giftloop/core/testing/jobs";
import type { Worker } from "@giftloop/core/jobs/worker";
import { testApp, type TestApp } from "@giftloop/core/testing/http";
import { seedVendor, type Seeded } from "@giftloop/core/testing/seed";
import { ensureStorefrontBuild } from "@giftloop/storefront/build";

/**
 * The buyer storefront in Chromium against the real api, the Stripe stand-in, and the SMTP
 * sink read through the sandbox mailbox's JSON API: sign up by the emailed link, browse the
 * brand's site, upload 25 recipients by CSV with 3 bad rows and fix them in place, pay (a
 * decline, 3-D Secure failed, 3-D Secure passed), see the gifts sent, a recipient redeems and
 * the status follows, cancel one gift and see its refund; a second order typed and paid by
 * keyboard only; a sender of the team cannot get receipts; another organisation's order is a
 * 404. axe-core (WCAG 2.2 AA tags) on every page and error state; desktop and phone
 * screenshots in .artifacts/screenshots/buyer-*.png.
 */
let t: TestApp;
let server: ServerType;
let browser: Browser;
let base: string;
let s: Seeded;
let smtp: SmtpSink;
let mailbox: Mailbox;
let standIn: StripeStandIn;
let worker: Worker;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const [built] = await Promise.all([ensureStorefrontBuild(), (async () => (browser = await launchChromium()))()]);
  void built;
  standIn = await startStripeStandIn({ port: 0, retry: { delaysMs: [50, 100, 200] } });
  smtp = await startSmtpSink({ port: 0 });
  mailbox = await startMailbox(smtp, { port: 0 });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await testApp({
    env: {
      STRIPE_SECRET_KEY: "sk_test_buyer",
      STRIPE_WEBHOOK_SECRET: standIn.webhookSecret,
      STRIPE_API_URL: standIn.url,
      SMTP_URL: smtp.url,
      PUBLIC_URL: base,
      JOB_POLL_INTERVAL_MS: "10",
      LOG_LEVEL: "warn",
    },
  });
  server = await new Promise<ServerType>((resolve) => {
    const srv = serve({ fetch: t.app.fetch, hostname: "127.0.0.1", port }, () => resolve(srv));
  });
  standIn.setWebhookUrl(`${base}/webhooks/stripe`);
  worker = startWorker(t.deps);
  s = await seedVendor(t.deps.db, { slug: "northwind-gifts" });
  await t.deps.db.prisma.variant.updateMany({ where: { vendorId: s.vendorId }, data: { inventoryQuantity: 1000 } });
  await t.deps.db.prisma.storefront.update({
    where: { id: s.storefrontId },
    data: { welcomeText: "Thoughtful gifts for your clients and team, shipped by us.", primaryColor: "#1f2a44", accentColor: "#b45309" },
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await new Promise((r) => server?.close(r));
  await mailbox?.stop();
  await smtp?.stop();
  await standIn?.stop();
  await t?.close();
});

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

async function shot(page: Page, name: string) {
  const was = page.viewportSize()!;
  for (const [tag, size] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `buyer-${name}-${tag}.png`), fullPage: true });
  }
  await page.setViewportSize(was);
}

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
async function expectAccessible(page: Page, what: string) {
  await page.evaluate(readFileSync(AXE, "utf8"));
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Array<{ id: string; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const r = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  });
  expect(violations, `accessibility of ${what}`).toEqual([]);
}

interface MailSummary { id: string; subject: string; links: string[] }
async function mailTo(to: string, subject?: string): Promise<MailSummary> {
  let found: MailSummary | undefined;
  await waitUntil(async () => {
    const q = new URLSearchParams({ to, ...(subject ? { subject } : {}) });
    const r = (await (await fetch(`${mailbox.url}api/messages?${q}`)).json()) as { items: MailSummary[] };
    found = r.items[0];
    return Boolean(found);
  }, 20_000);
  return (await (await fetch(`${mailbox.url}api/messages/${found!.id}`)).json()) as MailSummary;
}

/** Signs up through the pages, opening the emailed link; leaves the page signed in. */
async function signUp(page: Page, email: string, company: string) {
  await page.goto(`${base}/buy/sign-up`);
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Company name").fill(company);
  await page.getByRole("button", { name: "Email me a link" }).click();
  await page.getByText("Check your inbox").waitFor();
  const mail = await mailTo(email);
  const link = mail.links.find((l) => l.includes("/buy/sign-in#token="))!;
  await page.goto(link.replace(/^https?:\/\/[^/]+/, base));
}

function csv25(): string {
  const lines = ["Full name,Email,Country,Message"];
  for (let i = 1; i <= 25; i++) {
    const name = i === 7 ? "" : `Person ${i}`;
    const email = i === 12 ? "not-an-email" : `person${i}@client.test`;
    const country = i === 19 ? "XX" : "US";
    lines.push(`${name},${email},${country},${i === 3 ? '"Thanks, truly"' : ""}`);
  }
  return `${lines.join("\n")}\n`;
}

let orderId = "";
let owner: BrowserContext;

describe("the buyer storefront", () => {
  it("signs up by the emailed link, browses the brand's site, uploads 25 recipients and fixes 3 bad rows in place", async () => {
    owner = await browser.newContext({ viewport: DESKTOP });
    const page = await owner.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));

    await page.goto(`${base}/buy/northwind-gifts`);
    await page.getByRole("heading", { level: 1 }).waitFor();
    await expect(page.getByText("Thoughtful gifts for your clients")).toBeTruthy();
    await page.getByRole("heading", { name: "Where it ships" }).waitFor();
    await expectAccessible(page, "brand site");
    await shot(page, "brand-site");

    await page.getByRole("link", { name: "Send gifts" }).click();
    await page.getByRole("heading", { name: /Sign in to send gifts/ }).waitFor();
    await expectAccessible(page, "sign-in prompt");
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByRole("heading", { name: "Create your team's account" }).waitFor();
    await expectAccessible(page, "sign-up");
    await shot(page, "sign-up");
    // A personal email is refused with a clear message.
    await page.getByLabel("Work email").fill("maya@gmail.com");
    await page.getByLabel("Company name").fill("Acme Corp");
    await page.getByRole("button", { name: "Email me a link" }).click();
    await page.getByRole("alert").filter({ hasText: "work email" }).waitFor();
    await expectAccessible(page, "sign-up error");

    await signUp(page, "maya@acme.test", "Acme Corp");
    // After signing in, the builder the buyer was heading to.
    await page.getByRole("heading", { name: /Send gifts from/ }).waitFor({ timeout: 10_000 }).catch(async (e: unknown) => {
      console.error("DEBUG", page.url(), await page.locator("main").innerText(), errors);
      throw e;
    });
    await page.getByRole("link", { name: "Team", exact: true }).waitFor();

    await page.setInputFiles("#file", { name: "recipients.csv", mimeType: "text/csv", buffer: Buffer.from(csv25()) });
    await page.getByRole("button", { name: "Use these 25 recipients" }).waitFor();
    await expectAccessible(page, "column mapping");
    await page.getByRole("button", { name: "Use these 25 recipients" }).click();
    const report = page.locator(".row-report");
    await report.getByText("3 rows have problems").waitFor({ timeout: 15_000 });
    await expect(await page.locator("#cell-11-email").getAttribute("aria-invalid")).toBe("true");
    await expectAccessible(page, "row report");
    await shot(page, "bad-rows");

    // Fixed in place: each link of the report focuses its cell.
    await report.getByRole("button", { name: /Row 7, name/ }).click();
    await page.waitForFunction(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id === "cell-6-name");
    await page.keyboard.type("Person 7");
    await page.locator("#cell-11-email").fill("person12@client.test");
    await page.locator("#cell-18-country").fill("CA");
    await page.getByRole("row", { name: /Total/ }).waitFor({ timeout: 15_000 });
    expect(await report.count()).toBe(0);
    await page.getByLabel(/Message for everyone/).fill("Thank you for a wonderful year!");
    await page.getByRole("button", { name: /Preview what recipients see/ }).click();
    await page.getByText("sent you a gift").waitFor();
    await expectAccessible(page, "order builder with quote and preview");
    await shot(page, "builder");

    await page.getByRole("button", { name: /Place order/ }).click();
    await page.waitForURL(/\/buy\/orders\//);
    orderId = new URL(page.url()).pathname.split("/").pop()!;
    await page.getByText("Sandbox: no charge").waitFor();
    await expectAccessible(page, "pay form");
    await shot(page, "pay");
    expect(errors).toEqual([]);
  }, 180_000);

  it("pays: a decline, 3-D Secure failed, then 3-D Secure passed; the gifts are sent", async () => {
    const page = await owner.newPage();
    await page.goto(`${base}/buy/orders/${orderId}`);
    const pay = async (number: string) => {
      await page.getByLabel("Card number").fill(number);
      await page.getByRole("button", { name: /^Pay / }).click();
    };
    await pay("4000 0000 0000 0002");
    await page.getByRole("alert").filter({ hasText: "declined" }).waitFor();
    await expectAccessible(page, "declined");
    await shot(page, "declined");

    await pay("4000 0000 0000 3220");
    await page.getByRole("heading", { name: "Confirm this payment" }).waitFor();
    await shot(page, "3ds-challenge");
    await page.getByRole("button", { name: "Fail authentication" }).click();
    await page.waitForURL(new RegExp(`/buy/orders/${orderId}`));
    await page.getByRole("alert").filter({ hasText: "3-D Secure" }).waitFor();
    await expectAccessible(page, "3DS failed");

    await pay("4000 0000 0000 3220");
    await page.getByRole("button", { name: "Complete authentication" }).click();
    await page.waitForURL(new RegExp(`/buy/orders/${orderId}`));
    await page.getByText("Payment received").waitFor({ timeout: 30_000 });
    await waitUntil(async () => {
      await page.reload();
      await page.getByRole("heading", { name: "Recipients" }).waitFor();
      return (await page.getByText("Sent", { exact: true }).count()) > 0;
    }, 60_000, 500);
    await page.getByRole("button", { name: "Download receipt (PDF)" }).waitFor();
    await expectAccessible(page, "paid order");
    await shot(page, "paid");
    // One receipt email with the PDF.
    const receipt = await mailTo("maya@acme.test", "Receipt");
    expect(receipt.subject).toMatch(/Receipt: .* for 25 gifts/);
  }, 180_000);

  it("a recipient redeems and the status follows; a gift is canceled and its refund shown", async () => {
    const page = await owner.newPage();
    const giftMail = await mailTo("person1@client.test");
    const link = giftMail.links.find((l) => l.includes("/g/"))!;
    const code = decodeURIComponent(new URL(link).pathname.split("/").pop()!);
    const session = (await (await fetch(`${base}/v1/redeem/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code }) })).json()) as { token: string };
    const gift = (await (await fetch(`${base}/v1/redeem/gift`, { headers: { authorization: `Bearer ${session.token}` } })).json()) as { choices: Array<{ variantId: string; available: number | null }> };
    const redeemed = await fetch(`${base}/v1/redeem/gift/redeem`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ variantId: gift.choices[0]!.variantId, address: { name: "Person 1", line1: "1 Main St", city: "Springfield", region: "IL", postalCode: "62701", country: "US" } }),
    });
    expect(redeemed.status).toBe(200);

    await page.goto(`${base}/buy/orders/${orderId}`);
    await page.getByLabel("Search name or email").fill("person1@");
    await page.getByRole("cell", { name: /^Redeemed/ }).first().waitFor();
    await page.getByLabel("Search name or email").fill("");
    await page.getByLabel("Filter by status").selectOption("Sent");
    await page.getByRole("button", { name: /Resend email: Person 3 / }).click();
    await page.getByRole("status").filter({ hasText: "being sent again" }).waitFor();
    page.once("dialog", (d) => void d.accept("person4.new@client.test"));
    await page.getByRole("button", { name: /Change email: Person 4 / }).click();
    await page.getByRole("status").filter({ hasText: "emailed again to person4.new@client.test" }).waitFor();
    await mailTo("person4.new@client.test");
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: /Cancel gift: Person 2 / }).click();
    await page.getByRole("status").filter({ hasText: "is being refunded" }).waitFor();
    await page.getByLabel("Filter by status").selectOption("");
    await expectAccessible(page, "order after cancel");
    await shot(page, "canceled");
  }, 120_000);

  it("a second order typed and paid with the keyboard only", async () => {
    const page = await owner.newPage();
    await page.goto(`${base}/buy/northwind-gifts/order`);
    await page.getByRole("heading", { name: /Send gifts from/ }).waitFor();
    await page.locator("#cell-0-name").focus();
    await page.keyboard.type("Ada Lovelace");
    await page.keyboard.press("Tab");
    await page.keyboard.type("ada@client.test");
    await page.keyboard.press("Tab");
    await page.keyboard.type("US");
    await page.getByRole("row", { name: /Total/ }).waitFor({ timeout: 15_000 });
    await page.getByRole("button", { name: /Place order/ }).focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/buy\/orders\//);
    await page.getByLabel("Card number").focus();
    await page.keyboard.type("4242424242424242");
    await page.keyboard.press("Enter");
    await page.getByText("Payment received").waitFor({ timeout: 30_000 });
  }, 120_000);

  it("a sender of the team cannot get receipts; another organisation's order is a 404", async () => {
    const page = await owner.newPage();
    await page.goto(`${base}/buy/account`);
    await page.getByLabel("Invite by email").fill("sam@acme.test");
    await page.getByLabel("Role", { exact: true }).selectOption("sender");
    await page.getByRole("button", { name: "Send invitation" }).click();
    await page.getByText("Invitation sent").waitFor();
    await expectAccessible(page, "team page");
    await shot(page, "team");

    const senderCtx = await browser.newContext({ viewport: PHONE });
    const sender = await senderCtx.newPage();
    const invite = await mailTo("sam@acme.test");
    await sender.goto(invite.links.find((l) => l.includes("#token="))!.replace(/^https?:\/\/[^/]+/, base));
    await sender.getByRole("heading", { name: "Your gift orders" }).waitFor();
    await sender.goto(`${base}/buy/orders/${orderId}`);
    await sender.getByRole("heading", { name: "Recipients" }).waitFor();
    expect(await sender.getByRole("button", { name: "Download receipt (PDF)" }).count()).toBe(0);
    const status = await sender.evaluate(async (id) => (await fetch(`/v1/buyer/orders/${id}/receipt`)).status, orderId);
    expect(status).toBe(403);
    await expectAccessible(sender, "sender's order page");
    await sender.screenshot({ path: path.join(SCREENSHOT_DIR, "buyer-sender-phone.png"), fullPage: true });

    const otherCtx = await browser.newContext({ viewport: DESKTOP });
    const other = await otherCtx.newPage();
    await signUp(other, "lee@globex.test", "Globex");
    await other.getByRole("heading", { name: "Your gift orders" }).waitFor();
    await other.goto(`${base}/buy/orders/${orderId}`);
    await other.getByRole("heading", { name: "Order not found" }).waitFor();
    await expectAccessible(other, "another organisation's order");
    await shot(other, "not-found");
    await senderCtx.close();
    await otherCtx.close();
  }, 120_000);

  it("a reused sign-in link is refused with a clear message", async () => {
    const ctx = await browser.newContext({ viewport: DESKTOP });
    const page = await ctx.newPage();
    const mail = await mailTo("sam@acme.test");
    await page.goto(mail.links.find((l) => l.includes("#token="))!.replace(/^https?:\/\/[^/]+/, base));
    await page.getByRole("alert").filter({ hasText: "already used" }).waitFor();
    await expectAccessible(page, "reused link");
    await shot(page, "link-used");
    await ctx.close();
  }, 60_000);
});
