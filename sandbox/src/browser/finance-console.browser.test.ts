import { readFileSync } from "node:fs";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, SCREENSHOT_DIR } from "./chromium.ts";
import { freePort } from "../testing/net.ts";
import { ensureFinanceBuild } from "@giftloop/storefront/build";
import { startAccountingStack, type AccountingStack } from "@giftloop/core/testing/accounting";
import { addStaff } from "@giftloop/core/accounting/staff-session";
import { ensureRecord } from "@giftloop/core/accounting/records";
import { daysAgo, paidOrder, setAccount, shipAt } from "@giftloop/core/testing/payouts";
import { updatePlatformSettings } from "@giftloop/core/payouts/settings";
import { seedVendor } from "@giftloop/core/testing/seed";
import { disconnect, startConnect } from "@giftloop/core/accounting/xero-connect";
import { platformContext } from "@giftloop/core/platform/use-case";

/**
 * The finance console in Chromium: staff sign in by emailed link, then every page (overview,
 * payouts, exceptions, reconciliation, Xero connection and mapping, settings) is shown,
 * screenshot at 1280x800 into .artifacts/screenshots, and checked with axe-core (WCAG 2.2 AA
 * tags: no violations). Writes go through the session's CSRF token; a support account cannot
 * change the mapping, run payouts or change payout settings. Payout runs: the preview names who
 * is paid and who carries over and why, a run makes drafts (approval required) that are
 * approved from the page; payout settings show the api's field errors beside the fields.
 */
let stack: AccountingStack;
let server: ServerType;
let browser: Browser;
let base: string;

type Sent = { to: string | string[]; text: string };
const sentTo = (email: string) => ((stack.t.deps.email as unknown as { sent: Sent[] }).sent ?? []).filter((m) => [m.to].flat().includes(email));

beforeAll(async () => {
  await ensureFinanceBuild();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  stack = await startAccountingStack({ env: { PUBLIC_URL: base } });
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: stack.t.app.fetch, hostname: "127.0.0.1", port }, () => resolve(s));
  });
  const deps = stack.t.deps;
  await addStaff(deps, { email: "ada@giftloop.test", name: "Ada Finance", role: "admin" });
  await addStaff(deps, { email: "sam@giftloop.test", name: "Sam Support", role: "support" });
  // Something on each page: a booked payout, a record Xero refused, a parked one, a day that does not reconcile.
  const bill = await ensureRecord(deps, { kind: "payout_bill", sourceId: "5f0c8d52-0000-4000-8000-000000000001", day: "2026-12-05", currency: "USD", amount: 17500, stripeRef: "tr_1Demo,tr_2Demo" });
  await deps.db.sql.execute(`UPDATE accounting_record SET status = 'booked', xero_document_id = '8e5a0a9c-5f7c-4a53-9d1b-1f9c2a0e0001', xero_document_number = 'GL-P-demo' WHERE id = $1::uuid`, [bill]);
  const refused = await ensureRecord(deps, { kind: "sale_invoice", sourceId: "0c1e6a3b-0000-4000-8000-000000000002", day: "2026-12-05", currency: "JPY", amount: 9000, stripeRef: "pi_demo" });
  await deps.db.sql.execute(`UPDATE accounting_record SET status = 'needs_attention', message = 'amounts in JPY: the currency is not enabled in the Xero organisation' WHERE id = $1::uuid`, [refused]);
  const parked = await ensureRecord(deps, { kind: "stripe_fees", sourceId: "2026-12-05:USD", day: "2026-12-05", currency: "USD", amount: 612 });
  await deps.db.sql.execute(`UPDATE accounting_record SET status = 'parked', parked_reason = 'day_limit' WHERE id = $1::uuid`, [parked]);
  await deps.db.sql.execute(`UPDATE job SET status = 'succeeded' WHERE type = 'accounting.book'`);
  await deps.db.sql.execute(
    `INSERT INTO reconciliation_day (day, currency, reconciled, stripe_net, ledger_net, xero_net, differences) VALUES ('2026-12-05', 'USD', false, 8586, 8709, 8709, $1::jsonb)`,
    [JSON.stringify([{ kind: "unknown_to_us", subject: "transfer", ours: null, stripe: ["txn_9", "tr_Injected"], xero: null, stripeAmount: -123, ledgerAmount: null, xeroAmount: null, currency: "USD", detail: "Stripe transfer tr_Injected of -123 is not in our ledger" }])],
  );
  // Two brands with units shipped a month ago: one with an active Stripe account, one without.
  const paid = await seedVendor(deps.db, { slug: "harbor" });
  const carried = await seedVendor(deps.db, { slug: "meadow" });
  await deps.db.sql.execute(`UPDATE vendor SET name = 'Harbor Ceramics' WHERE id = $1::uuid`, [paid.vendorId]);
  await deps.db.sql.execute(`UPDATE vendor SET name = 'Meadow Tea' WHERE id = $1::uuid`, [carried.vendorId]);
  await setAccount(deps, paid.vendorId, "active", "acct_harbor");
  for (const s of [paid, carried]) await shipAt(deps, (await paidOrder(deps, s, { recipients: 2 })).unitIds, daysAgo(30));
  await updatePlatformSettings(platformContext({ db: deps.db, actor: "test", log: deps.log }), { approvalRequired: true });
  browser = await launchChromium();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  expect(await stack.stop()).toEqual([]);
});

declare const document: unknown;

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
async function expectAccessible(page: Page, what: string) {
  await page.evaluate(readFileSync(AXE, "utf8"));
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Array<{ id: string; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  });
  expect(violations, `accessibility of ${what}`).toEqual([]);
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `finance-${name}.png`), fullPage: true });
}

async function signIn(page: Page, email: string) {
  await page.goto(`${base}/finance`);
  await page.getByLabel("Work email").fill(email);
  const before = sentTo(email).length;
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await page.getByRole("status").waitFor();
  await expect.poll(() => sentTo(email).length).toBe(before + 1);
  const link = /(http\S+\/finance\/sign-in\?token=\S+)/.exec(sentTo(email).at(-1)!.text)![1]!;
  await page.goto(link);
  await page.getByRole("navigation", { name: "Console" }).waitFor();
}

describe("finance console", () => {
  it("signs in by emailed link and shows every page, accessible", { timeout: 120_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${base}/finance`);
    await page.getByRole("heading", { name: "Giftloop finance" }).waitFor();
    await expectAccessible(page, "sign-in");
    await shot(page, "01-sign-in");

    await signIn(page, "ada@giftloop.test");
    const cookie = (await page.context().cookies()).find((c) => c.name === "gl_staff");
    expect(cookie).toMatchObject({ httpOnly: true });
    await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
    await page.getByText("Paid to brands").first().waitFor();
    await expectAccessible(page, "overview");
    await shot(page, "02-overview");

    const pages: Array<[string, string, string]> = [
      ["Payout runs", "03-payout-runs", "Stripe account not active"],
      ["Payouts", "03-payouts", "GL-P-demo"],
      ["Exceptions", "04-exceptions", "currency is not enabled"],
      ["Reconciliation", "05-reconciliation", "tr_Injected"],
      ["Xero", "06-xero", "Account mapping"],
      ["Settings", "07-settings", "Platform currency"],
    ];
    for (const [name, file, text] of pages) {
      await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name }).click();
      await page.getByRole("heading", { name, level: 1 }).waitFor();
      await page.getByText(text).first().waitFor();
      expect(new URL(page.url()).pathname).toBe(`/finance/${name.toLowerCase().replace(" ", "-")}`);
      await expectAccessible(page, name);
      await shot(page, file);
    }

    // The mapping form saves through the API (CSRF token and all), checked against the chart.
    await page.getByRole("link", { name: "Xero" }).click();
    const fees = page.getByLabel("Stripe fees account");
    await expect.poll(() => fees.locator("option").count()).toBeGreaterThan(2);
    await fees.selectOption("404");
    await page.getByRole("button", { name: "Save mapping" }).click();
    await page.getByText("Mapping saved").waitFor();
    expect((await stack.t.deps.db.prisma.xeroConnection.findFirst())?.mapping).toMatchObject({ feesAccountCode: "404" });

    await page.getByRole("link", { name: "Exceptions" }).click();
    await page.getByRole("button", { name: "Book again" }).first().click();
    await page.getByText("Queued for booking again.").waitFor();
    await shot(page, "08-exceptions-after-retry");
    await page.close();
  });

  it("payout runs: preview, a busy run shown, a run making a draft, approval; payout settings validated beside the fields", { timeout: 120_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, "ada@giftloop.test");
    await page.getByRole("link", { name: "Payout runs" }).click();
    const preview = page.getByRole("table", { name: "Preview: who gets paid" });
    await preview.getByText("Harbor Ceramics").waitFor();
    await page.getByRole("table", { name: "Preview: who carries over" }).getByText("Meadow Tea").waitFor();

    // Another run under way: the page says so (the api's 409 run_in_progress).
    await page.route("**/v1/finance/payout-runs", (route) =>
      route.fulfill({ status: 409, contentType: "application/problem+json", body: JSON.stringify({ type: "/problems/run-in-progress", title: "Conflict", status: 409, code: "run_in_progress", detail: "Another payout run is under way; try again when it has finished." }) }),
    );
    await page.getByRole("button", { name: "Run payouts now" }).click();
    await page.getByRole("alert").getByText("Another payout run is under way").waitFor();
    await page.unroute("**/v1/finance/payout-runs");

    await page.getByRole("button", { name: "Run payouts now" }).click();
    await page.getByText("Run done: 1 payout(s), 1 carried over.").waitFor();
    const approve = page.getByRole("button", { name: /^Approve Harbor Ceramics/ });
    await approve.waitFor();
    await expectAccessible(page, "payout runs after a run");
    await shot(page, "09-payout-runs-after-run");
    await approve.click();
    await page.getByText("Harbor Ceramics: approved, transfers start.").waitFor();
    await page.getByText("No draft waits for approval.").waitFor();
    const audit = await stack.t.deps.db.sql.query<{ action: string; actor: string }>(`SELECT action, actor FROM audit_log WHERE action = 'payouts.approved'`);
    expect(audit).toEqual([{ action: "payouts.approved", actor: "staff:ada@giftloop.test" }]);

    await page.getByRole("link", { name: "Settings" }).click();
    const commission = page.getByLabel("Commission (% of the item price)").first();
    await commission.fill("12.345");
    await page.getByLabel("Minimum payout per currency").first().fill("usd 25");
    await page.getByRole("button", { name: "Save" }).first().click();
    await page.getByText("whole basis points (a percent with at most two decimals)").waitFor();
    await page.getByText("usd: an ISO 4217 currency code in capitals").waitFor();
    expect(await commission.getAttribute("aria-invalid")).toBe("true");
    await expectAccessible(page, "settings with field errors");
    await shot(page, "10-settings-errors");
    await commission.fill("12.5");
    await page.getByLabel("Minimum payout per currency").first().fill("USD 25.00");
    await page.getByRole("button", { name: "Save" }).first().click();
    await page.getByText("Saved.").waitFor();
    expect((await stack.t.deps.db.sql.query<{ commission_bps: number; minimum_payout: unknown }>(`SELECT commission_bps, minimum_payout FROM payout_settings`))[0]).toEqual({ commission_bps: 1250, minimum_payout: { USD: 2500 } });

    await page.getByLabel("Brand", { exact: true }).selectOption({ label: "Meadow Tea" });
    await page.getByLabel("Settlement window (days after shipment)").nth(1).fill("400");
    await page.getByRole("button", { name: "Save" }).nth(1).click();
    await page.getByText("at most 365 days").waitFor();
    await page.getByLabel("Settlement window (days after shipment)").nth(1).fill("21");
    await page.getByRole("button", { name: "Save" }).nth(1).click();
    await page.getByText("In effect: 12.5% commission, 21 days").waitFor();
    await shot(page, "11-settings-brand");
    await page.close();
  });

  it("a write without the session's CSRF token, a support account changing the mapping, and no session are refused", async () => {
    const page = await browser.newPage();
    await signIn(page, "sam@giftloop.test");
    const noCsrf = await page.evaluate(async () => (await fetch("/v1/finance/reconciliation/2026-12-05", { method: "POST" })).status);
    expect(noCsrf).toBe(403);
    const support = await page.evaluate(async () => {
      const me = (await (await fetch("/v1/finance/me")).json()) as { csrfToken: string };
      const r = await fetch("/v1/finance/xero/mapping", { method: "PUT", headers: { "content-type": "application/json", "x-csrf-token": me.csrfToken }, body: "{}" });
      return { status: r.status, code: ((await r.json()) as { code: string }).code };
    });
    expect(support).toEqual({ status: 403, code: "role_not_allowed" });
    const supportPayouts = await page.evaluate(async () => {
      const me = (await (await fetch("/v1/finance/me")).json()) as { csrfToken: string };
      const h = { "content-type": "application/json", "x-csrf-token": me.csrfToken };
      const run = await fetch("/v1/finance/payout-runs", { method: "POST", headers: h, body: "{}" });
      const settings = await fetch("/v1/finance/payout-settings", { method: "PATCH", headers: h, body: JSON.stringify({ commissionBps: 1 }) });
      const preview = await fetch("/v1/finance/payout-runs/preview");
      return [run.status, settings.status, preview.status];
    });
    expect(supportPayouts).toEqual([403, 403, 200]);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Work email").waitFor();
    expect(await page.evaluate(async () => (await fetch("/v1/finance/overview")).status)).toBe(401);
    const reused = await fetch(`${base}/finance/sign-in?token=${/token=(\S+)/.exec(sentTo("sam@giftloop.test").at(-1)!.text)![1]}`, { redirect: "manual" });
    expect(reused.status).toBe(400);
    await page.close();
  });
  it("connecting Xero: several organisations are chosen among in words, a foreign-currency one is refused, a replayed sign-in is explained", { timeout: 120_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, "ada@giftloop.test");
    // After a disconnect (which revokes the grant at Xero), consent to two organisations, neither
    // the one connected before: the platform's new books in USD and a EUR one.
    const ctx = platformContext({ db: stack.t.deps.db, actor: "staff:ada@giftloop.test", log: stack.t.deps.log });
    expect(await disconnect(ctx, stack.t.deps)).toMatchObject({ ok: true, view: { status: "disconnected" } });
    const started = await startConnect(ctx, stack.t.deps);
    if (!started.ok) throw new Error(started.detail);
    const europe = stack.standIn.organisationNamed("Europe");
    const books = stack.standIn.addOrganisation({ name: "Giftloop Books 2027", baseCurrency: "USD", countryCode: "US", taxRate: 0 });
    const redirect = await stack.standIn.consent(started.consentUrl, { tenantIds: [europe.tenantId, books.tenantId] });
    const callback = `${base}/finance/xero/callback${new URL(redirect).search}`;
    await page.goto(callback);
    await page.getByRole("heading", { name: "Xero", level: 1 }).waitFor();
    const choice = page.getByRole("group", { name: /which one keeps the platform's books/ });
    await choice.waitFor();
    expect(await page.locator(".badge").first().textContent()).toBe("Choose the organisation");
    expect(await page.getByText("Not chosen yet").count()).toBe(1); // not the organisation connected before
    await expectAccessible(page, "choosing the organisation");
    await shot(page, "12-xero-choose-organisation");

    await choice.getByLabel(europe.name).check();
    await page.getByRole("button", { name: "Use this organisation" }).click();
    await page.getByRole("alert").filter({ hasText: "keeps its books in EUR" }).waitFor();
    expect((await stack.t.deps.db.prisma.xeroConnection.findFirst())?.status).toBe("choose_organisation");
    await shot(page, "13-xero-currency-refused");

    await choice.getByLabel(books.name).check();
    await page.getByRole("button", { name: "Use this organisation" }).click();
    await page.getByRole("heading", { name: "Account mapping" }).waitFor();
    expect(await page.locator(".badge").first().textContent()).toBe("Connected");
    // Another organisation's chart: its accounts are mapped afresh.
    expect(await stack.t.deps.db.prisma.xeroConnection.findFirst()).toMatchObject({ status: "connected", tenantId: books.tenantId, tenantName: books.name, mapping: null });

    // The same sign-in again (a reload, the back button): said in words, and nothing changes.
    await page.goto(callback);
    await page.getByRole("alert").filter({ hasText: "This Xero sign-in was already used" }).waitFor();
    expect(new URL(page.url()).search).toBe(""); // the code is not kept in the address bar
    expect(await page.locator(".badge").first().textContent()).toBe("Connected");
    await expectAccessible(page, "a replayed sign-in");
    await shot(page, "14-xero-sign-in-used");
    await page.close();
  });
});
