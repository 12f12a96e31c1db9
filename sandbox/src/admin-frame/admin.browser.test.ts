/**
 * The embedded app in Chromium, through the sandbox admin frame, as a brand would use it:
 * install (token exchange on first load) -> catalog sync -> mark products giftable ->
 * create an offer -> brand the storefront and set shipping. Every page is saved as a
 * screenshot in .artifacts/screenshots/ for people to look at.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";
import type { FrameLocator, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, type Chromium } from "./browser.ts";
import { startSandbox, type RunningSandbox } from "./sandbox.ts";

const SHOTS = path.resolve(fileURLToPath(new URL("../../../.artifacts/screenshots", import.meta.url)));

let sandbox: RunningSandbox;
let chromium: Chromium;
let page: Page;
let app: FrameLocator;
const problems: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const [s, c] = await Promise.allSettled([startSandbox(), launchChromium()]);
  if (s.status === "fulfilled") sandbox = s.value;
  if (c.status === "fulfilled") chromium = c.value;
  if (s.status === "rejected") throw s.reason;
  if (c.status === "rejected") throw c.reason;
  const context = await chromium.newContext();
  page = await context.newPage();
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 500) problems.push(`${r.status()} ${r.url()}`);
  });
  app = page.frameLocator("#app-frame");
}, 180_000);

afterAll(async () => {
  await chromium?.close();
  await sandbox?.stop();
});

async function shot(name: string) {
  await page.waitForTimeout(250); // let Polaris transitions settle
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** Navigates with the admin's left nav (App Bridge nav menu), as a person does. */
async function nav(label: string, heading: string) {
  await page.locator("#app-menu a", { hasText: label }).click();
  await app.getByRole("heading", { name: heading, level: 1 }).waitFor();
}

async function visible(locator: Locator) {
  await locator.waitFor({ state: "visible", timeout: 15_000 });
}

async function toast(text: string | RegExp) {
  await page.locator("#toasts .toast", { hasText: text }).first().waitFor();
}

/** A small valid PNG (solid colour), for the logo upload. */
function png(width = 64, height = 64, rgb: [number, number, number] = [242, 193, 78]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

describe("the embedded app in the sandbox admin", () => {
  it("installs on first open: token exchange, vendor created, catalog sync started", async () => {
    await page.goto(sandbox.adminUrl);
    await app.getByText("Setup guide").waitFor({ timeout: 30_000 });
    await visible(app.getByText("Corporate gifting for Giftloop Demo"));
    // The admin shows the app's nav menu (ui-nav-menu) in its left navigation.
    await expect.poll(() => page.locator("#app-menu a").allTextContents()).toEqual(["Catalog", "Gift offers", "Storefront", "Orders", "Settings"]);
    await shot("01-home-after-install");
  }, 60_000);

  it("syncs the catalog and shows progress until it is up to date", async () => {
    await nav("Catalog", "Catalog");
    await expect.poll(() => page.url()).toMatch(/\/apps\/giftloop\/catalog$/); // the admin URL follows the app
    await app.getByText("Up to date").waitFor({ timeout: 45_000 });
    await visible(app.getByText(/Last full sync .*: \d+ products/));
    await shot("02-catalog-synced");
  }, 60_000);

  it("marks products giftable with a bulk action", async () => {
    const rows = app.locator("tbody tr");
    for (const i of [0, 1, 2]) await rows.nth(i).locator('input[type="checkbox"]').check({ force: true });
    await app.getByRole("button", { name: "Make giftable" }).click();
    await toast("3 products made giftable");
    await visible(rows.nth(0).getByText("Giftable", { exact: true }));
    await shot("03-catalog-giftable");

    // Filter: giftable only.
    await app.getByRole("button", { name: /Search and filter/ }).click();
    await app.getByRole("button", { name: "Giftable" }).first().click();
    await app.locator('input[type="radio"][value="yes"]').click({ force: true });
    await expect.poll(() => rows.count()).toBe(3);
    await shot("04-catalog-filtered");
  }, 60_000);

  it("creates a recipient's-choice offer with a price from the money input and publishes it", async () => {
    await nav("Gift offers", "Gift offers");
    await visible(app.getByText("Create your first gift offer"));
    await shot("05-offers-empty");

    await app.getByRole("link", { name: "Create offer" }).first().click();
    await app.getByRole("heading", { name: "New gift offer", level: 1 }).waitFor();
    await app.getByLabel("Name", { exact: true }).fill("Thank-you hamper");
    await app.getByLabel("Description").fill("A cosy thank-you for your team, shipped to their door.");
    await app.getByText("Recipient's choice", { exact: true }).click();
    const search = app.getByPlaceholder("Search giftable products");
    for (let i = 0; i < 2; i++) {
      await search.click();
      await app.getByRole("option").first().click();
    }
    await expect.poll(() => app.getByRole("button", { name: "Remove" }).count()).toBe(2);
    await app.getByLabel("Price per recipient").fill("45.50");
    await visible(app.getByText("Buyers pay $45.50 per gift, plus shipping."));
    await visible(app.getByText("Choose one:")); // the recipient preview
    await shot("06-offer-form");

    await app.getByRole("button", { name: "Save and publish" }).click();
    await toast("Offer created");
    await app.getByRole("heading", { name: "Thank-you hamper", level: 1 }).waitFor();
    await visible(app.getByText("Active", { exact: true }));
    expect(await app.getByLabel("Price per recipient").inputValue()).toBe("45.50");
    await shot("07-offer-saved");

    await nav("Gift offers", "Gift offers");
    await visible(app.getByText("Thank-you hamper"));
    await visible(app.getByText("$45.50"));
    await shot("08-offers-list");
  }, 60_000);

  it("brands the storefront (colours, welcome text, logo) and sets shipping rates, with a live preview", async () => {
    await nav("Storefront", "Storefront");
    await app.getByLabel("Welcome text").fill("Gifts from the Giftloop Demo team. Pick what you love.");
    await app.getByLabel("Primary colour", { exact: true }).fill("#0b3d2e");
    await visible(app.getByText("Gifts from the Giftloop Demo team. Pick what you love.").last()); // preview
    expect(await app.getByRole("checkbox", { name: /Thank-you hamper/ }).isChecked()).toBe(true);
    await app.getByRole("button", { name: "Save", exact: true }).click();
    await toast("Storefront saved");

    await app.locator('input[type="file"]').setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: png() });
    await toast("Logo uploaded");
    await visible(app.getByRole("button", { name: "Replace logo" }));

    await app.getByRole("button", { name: "Add a country" }).click();
    await app.getByLabel("Rate per recipient").first().fill("8.00");
    await app.getByRole("button", { name: "Save rates" }).click();
    await toast("Shipping rates saved");
    await shot("09-storefront-branded");

    // What buyers now see on the public storefront.
    const res = await fetch(`${sandbox.appUrl}/v1/storefronts/giftloop-demo`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { welcomeText: string; offers: Array<{ name: string; price: { amount: number } }> };
    expect(body.welcomeText).toBe("Gifts from the Giftloop Demo team. Pick what you love.");
    expect(body.offers.map((o) => [o.name, o.price.amount])).toEqual([["Thank-you hamper", 4550]]);
  }, 60_000);

  it("shows orders, settings (with the admin's save bar) and the finished setup guide", async () => {
    await nav("Orders", "Gift orders");
    await visible(app.getByText("No gift orders yet"));
    await shot("10-orders-empty");

    await nav("Settings", "Settings");
    await app.getByLabel("Default gift expiry").fill("120");
    await page.locator("#savebar").waitFor(); // ui-save-bar shown by the admin frame
    await shot("11-settings-save-bar");
    await page.locator("#savebar button", { hasText: "Save" }).click();
    await toast("Settings saved");
    await page.locator("#savebar").waitFor({ state: "hidden" });

    await page.locator("#app-home").click();
    await app.getByText("4 of 5 tasks complete").waitFor();
    await shot("12-home-setup-done");
    expect(problems.map((p) => p.slice(0, 300))).toEqual([]);
  }, 60_000);
});
