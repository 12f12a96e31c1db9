/**
 * The embedded app in Chromium, through the sandbox admin frame, as a brand would use it, on
 * the one demo shop (northwind-demo: the shop the demo brand, storefront and orders belong
 * to): install (token exchange on first load) -> catalog sync -> every product of a filter
 * made giftable -> a single-item offer of a product in sizes, picked with the resource
 * picker -> editing under the save bar -> storefront branding -> a buyer's order whose
 * recipient picks a size, arriving as a Shopify order -> a broken Shopify connection and the
 * reconnect -> a page the app does not have. Each step is saved as screenshots at desktop
 * and phone sizes in .artifacts/screenshots/ for people to look at.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";
import type { FrameLocator, Locator, Page, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, type Chromium } from "./browser.ts";
import { startSandbox, type RunningSandbox } from "./sandbox.ts";
import { eventually } from "../testing/net.ts";

const SHOTS = path.resolve(fileURLToPath(new URL("../../../.artifacts/screenshots", import.meta.url)));
const SHOP = "northwind-demo.myshopify.com";
const DESKTOP = { width: 1440, height: 960 };
const PHONE = { width: 390, height: 844 };

let sandbox: RunningSandbox;
let chromium: Chromium;
let page: Page;
let app: FrameLocator;
let urls: { stripe: string; shopify: string; buyerKey: string };
const problems: string[] = [];
/** Console errors from pages expected to answer 404 (the not-found step) are not problems. */
const expected404 = /\/app\/no-such-page/;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const [s, c] = await Promise.allSettled([startSandbox(), launchChromium()]);
  if (s.status === "fulfilled") sandbox = s.value;
  if (c.status === "fulfilled") chromium = c.value;
  if (s.status === "rejected") throw s.reason;
  if (c.status === "rejected") throw c.reason;
  const out = sandbox.output();
  urls = {
    stripe: /Stripe stand-in (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!,
    shopify: /Shopify stand-in (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!,
    buyerKey: /Demo buyer key\s+(gl_sk_\S+)/.exec(out)![1]!,
  };
  const context = await chromium.newContext(DESKTOP);
  page = await context.newPage();
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !expected404.test(m.location().url)) problems.push(`console: ${m.text()} @ ${m.location().url}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 500) problems.push(`${r.status()} ${r.url()}`);
  });
  app = page.frameLocator("#app-frame");
}, 600_000);

afterAll(async () => {
  await chromium?.close();
  await sandbox?.stop();
});

/** Saves the page at desktop size, then at phone size (and back). */
async function shot(name: string, opts: { phone?: boolean } = {}) {
  await page.waitForTimeout(250); // let Polaris transitions settle
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  if (opts.phone === false) return;
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(SHOTS, `${name}.phone.png`) });
  await page.setViewportSize(DESKTOP);
  await page.waitForTimeout(250);
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

const saveBar = () => page.locator("#savebar");
const saveBarButton = (label: string) => page.locator("#savebar button", { hasText: label });
const modal = (title: string) => page.locator(".modal", { hasText: title });

/** The buyer's API (the demo buyer's key). */
async function buyer<T>(method: string, pathname: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sandbox.appUrl}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${urls.buyerKey}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A paid order of one recipient of `offerId`: its unit's id and gift code once the gift email went out. */
async function paidGift(offerId: string, name: string): Promise<{ orderId: string; unitId: string; code: string }> {
  const { order } = await buyer<{ order: { id: string } }>("POST", "/v1/orders", {
    storefront: "northwind-demo",
    offerId,
    recipients: [{ name, email: `${name.toLowerCase().replace(/\W/g, "")}@example.test`, country: "US" }],
  });
  const { paymentIntentId } = await buyer<{ paymentIntentId: string }>("POST", `/v1/orders/${order.id}/checkout`);
  const confirm = await fetch(`${urls.stripe}/v1/payment_intents/${paymentIntentId}/confirm`, {
    method: "POST",
    headers: { authorization: "Bearer sk_test_sandbox", "content-type": "application/x-www-form-urlencoded" },
    body: "payment_method=pm_card_visa",
  });
  expect(confirm.status).toBe(200);
  const unitId = await eventually(async () => {
    const d = await buyer<{ recipients: Array<{ unit: { id: string; status: string } | null }> }>("GET", `/v1/orders/${order.id}`);
    return d.recipients[0]?.unit?.status === "sent" ? d.recipients[0].unit.id : undefined;
  }, 60_000);
  const csv = await (await fetch(`${sandbox.appUrl}/v1/orders/${order.id}/gift-links.csv`, { headers: { authorization: `Bearer ${urls.buyerKey}` } })).text();
  const code = /([A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})/.exec(csv)![1]!;
  return { orderId: order.id, unitId, code };
}

/** The recipient's side, over the API: the gift's choices, and a redemption of `pick(choices)`. */
async function redeem(code: string, pick: (choices: Array<{ variantId: string; productTitle: string; variantTitle: string }>) => string) {
  const json = { "content-type": "application/json" };
  const { token } = (await (await fetch(`${sandbox.appUrl}/v1/redeem/session`, { method: "POST", headers: json, body: JSON.stringify({ code }) })).json()) as { token: string };
  const gift = (await (await fetch(`${sandbox.appUrl}/v1/redeem/gift`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
    choices: Array<{ variantId: string; productTitle: string; variantTitle: string }>;
  };
  const res = await fetch(`${sandbox.appUrl}/v1/redeem/gift/redeem`, {
    method: "POST",
    headers: { ...json, authorization: `Bearer ${token}` },
    body: JSON.stringify({ variantId: pick(gift.choices), address: { name: "Ada Lovelace", line1: "1 Main St", city: "Springfield", region: "IL", postalCode: "62701", country: "US" } }),
  });
  expect(res.status).toBe(200);
  return gift.choices;
}

const shopOrders = async () => ((await (await fetch(`${urls.shopify}/_sandbox/shops/${SHOP}/orders`)).json()) as { orders: Array<{ id: number; tags: string; line_items: Array<{ variant_title: string }> }> }).orders;

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

let offerId: string;

describe("the embedded app in the sandbox admin", () => {
  it("opens the demo brand's shop and installs on first open: token exchange, the brand's own vendor", async () => {
    await page.goto(sandbox.adminUrl);
    await app.getByText("Setup guide").waitFor({ timeout: 30_000 });
    await visible(app.getByText("Corporate gifting for Northwind Goods"));
    await visible(page.locator(".store-name", { hasText: "Northwind Goods" }));
    // The admin shows the app's nav menu (ui-nav-menu) in its left navigation.
    await expect.poll(() => page.locator("#app-menu a").allTextContents()).toEqual(["Catalog", "Gift offers", "Storefront", "Orders", "Payouts", "Settings"]);
    await shot("01-home-after-install");
  }, 60_000);

  it("syncs the shop's catalog (its images load offline) and makes every product of a filter giftable, not only the page", async () => {
    await nav("Catalog", "Catalog");
    await expect.poll(() => page.url()).toMatch(/\/apps\/giftloop\/catalog$/); // the admin URL follows the app
    await app.getByText("Up to date").waitFor({ timeout: 60_000 });
    await visible(app.getByText(/Last full sync .*: 243 products/));
    // Product images come from the Shopify stand-in and load without the internet.
    await expect.poll(() => app.locator("tbody img").first().evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth > 0)).toBe(true);
    await shot("02-catalog-synced");

    await app.getByRole("button", { name: /Search and filter/ }).click();
    await app.getByRole("button", { name: "Product type" }).click();
    await app.getByPlaceholder("e.g. Apparel").fill("Apparel");
    await visible(app.getByText("Type: Apparel"));
    const count = async () => Number(/^(\d+) products$/.exec((await app.getByText(/^\d+ products$/).textContent()) ?? "")?.[1]);
    await expect.poll(count).toBeLessThan(243);
    const total = await count();
    expect(total).toBeGreaterThan(25); // more than one page
    await app.locator("thead input[type=checkbox]").first().check({ force: true });
    await app.getByRole("button", { name: `Select all ${total} products in this filter` }).click();
    await visible(app.getByText(`All ${total} products in this filter are selected`));
    await shot("03-catalog-select-all");
    await app.getByRole("button", { name: "Make giftable", exact: true }).click();
    await toast(`${total} products made giftable`);
    // Every one of them, on every page: none of this filter is left not giftable.
    await app.getByRole("button", { name: "Giftable" }).first().click();
    await app.locator('input[type="radio"][value="no"]').click({ force: true });
    await visible(app.getByText("No products match"));
  }, 120_000);

  it("creates a single-item offer of a product in sizes with Shopify's resource picker; identical names are told apart", async () => {
    await nav("Gift offers", "Gift offers");
    await app.getByRole("link", { name: "Create offer" }).first().click();
    await app.getByRole("heading", { name: "New gift offer", level: 1 }).waitFor();
    await app.getByRole("button", { name: "Choose a product" }).click();
    await page.locator(".picker-product").first().waitFor();
    await page.locator(".picker-search").fill("Alpine Lounge Pants");
    // Two products share the name: each shows its image, vendor and handle.
    await expect.poll(async () => (await page.locator(".picker-product .picker-sub").allTextContents()).sort()).toEqual([
      "Harbor & Pine · alpine-lounge-pants-129",
      "Northwind Goods · alpine-lounge-pants",
    ]);
    await page.locator(".picker-product", { hasText: "Northwind Goods · alpine-lounge-pants" }).click();
    await shot("04-offer-resource-picker");
    await page.locator(".modal-foot button", { hasText: "Add" }).click();
    await visible(app.getByText("Northwind Goods · alpine-lounge-pants"));
    await visible(app.getByText("Recipients choose from all 8 variants"));
    // The brand narrows the sizes offered.
    for (const v of ["XS / Sky", "XS / Blush", "XS / Black"]) await app.getByRole("checkbox", { name: v }).uncheck({ force: true });
    await visible(app.getByText("Recipients choose from 5 of 8 variants"));
    await app.getByLabel("Name", { exact: true }).fill("Lounge pants for the team");
    await app.getByLabel("Price per recipient").fill("62.50");
    await visible(app.getByText("The recipient picks one of 5 variants (size, colour…)."));
    await saveBar().waitFor(); // ui-save-bar shown by the admin frame
    await shot("05-offer-form-single-item");

    await saveBarButton("Save").click();
    await toast("Offer created");
    await app.getByRole("heading", { name: "Lounge pants for the team", level: 1 }).waitFor();
    offerId = /\/offers\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    await visible(app.getByText("Draft", { exact: true }));
    await saveBar().waitFor({ state: "hidden" });
    await app.getByRole("button", { name: "Publish" }).click();
    await toast("Offer published");
    await visible(app.getByText("Active", { exact: true }));
    expect(await app.getByLabel("Price per recipient").inputValue()).toBe("62.50");
    await shot("06-offer-published");
  }, 120_000);

  it("edits under the save bar: errors clear as fields are corrected, Discard and leaving ask first", async () => {
    const name = app.getByLabel("Name", { exact: true });
    await name.fill("");
    await saveBarButton("Save").click();
    await visible(app.getByText("Give the offer a name"));
    await shot("07-offer-field-error");
    await name.fill("Lounge pants, thank you");
    await app.getByText("Give the offer a name").waitFor({ state: "hidden" });

    // Discard asks, then restores what was saved.
    await page.locator("#savebar button", { hasText: "Discard" }).click();
    await visible(modal("Discard all unsaved changes"));
    await page.locator(".modal button", { hasText: "Discard changes" }).click();
    await expect.poll(() => name.inputValue()).toBe("Lounge pants for the team");
    await saveBar().waitFor({ state: "hidden" });

    // Leaving from the admin's navigation with unsaved changes asks; "Stay" stays.
    await name.fill("Lounge pants, unsaved");
    await saveBar().waitFor();
    await page.locator("#app-menu a", { hasText: "Catalog" }).click();
    await visible(modal("Leave page with unsaved changes?"));
    await shot("08-offer-leave-confirmation");
    await page.locator(".modal button", { hasText: "Stay" }).click();
    expect(await name.inputValue()).toBe("Lounge pants, unsaved");
    // The app's own back action asks too; "Leave page" leaves without saving.
    await app.locator('a[aria-label="Gift offers"], button[aria-label="Gift offers"]').first().click();
    await visible(modal("Leave page with unsaved changes?"));
    await page.locator(".modal button", { hasText: "Leave page" }).click();
    await app.getByRole("heading", { name: "Gift offers", level: 1 }).waitFor();
    await visible(app.getByText("Lounge pants for the team"));
    await saveBar().waitFor({ state: "hidden" });
  }, 90_000);

  it("brands the storefront with the new offer on sale; a logo of a refused type gets an error", async () => {
    await nav("Storefront", "Storefront");
    await app.getByLabel("Welcome text").fill("Gifts from the Northwind team. Pick what you love.");
    await app.getByRole("checkbox", { name: /Lounge pants for the team/ }).check({ force: true });
    await app.getByRole("button", { name: "Save", exact: true }).click();
    await toast("Storefront saved");

    await app.locator('input[type="file"]').setInputFiles({ name: "logo.gif", mimeType: "image/gif", buffer: Buffer.from("GIF89a") });
    await visible(app.getByText("logo.gif is a GIF: use a PNG, JPEG or WebP image."));
    await shot("09-storefront-logo-refused");
    await app.locator('input[type="file"]').setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: png() });
    await toast("Logo uploaded");
    await app.getByText("logo.gif is a GIF").waitFor({ state: "hidden" });
    await visible(app.getByRole("button", { name: "Replace logo" }));

    const res = await fetch(`${sandbox.appUrl}/v1/storefronts/northwind-demo`);
    const body = (await res.json()) as { welcomeText: string; offers: Array<{ id: string; kind: string; choices: unknown[] }> };
    expect(body.welcomeText).toBe("Gifts from the Northwind team. Pick what you love.");
    expect(body.offers.find((o) => o.id === offerId)).toMatchObject({ kind: "single", choices: expect.any(Array) });
    expect(body.offers.find((o) => o.id === offerId)!.choices).toHaveLength(5);
  }, 90_000);

  it("a recipient of the single-item offer picks a size; the gift becomes an order in the brand's shop and on the Orders page", async () => {
    const gift = await paidGift(offerId, "Grace Hopper");
    // The recipient's page (phone): the product, with its sizes to choose from.
    const phone = await chromium.newContext(PHONE);
    const recipient = await phone.newPage();
    await recipient.goto(`${sandbox.appUrl}/g/${gift.code}`);
    await recipient.getByText("Alpine Lounge Pants").first().waitFor({ timeout: 30_000 });
    await recipient.waitForTimeout(400);
    await recipient.screenshot({ path: path.join(SHOTS, "10-recipient-picks-a-size.phone.png") });
    await phone.close();

    const choices = await redeem(gift.code, (c) => c.find((x) => x.variantTitle === "XS / Oat")!.variantId);
    expect(choices.map((c) => c.variantTitle).sort()).toEqual(["XS / Charcoal", "XS / Forest", "XS / Navy", "XS / Oat", "XS / Rust"]);
    const order = await eventually(async () => (await shopOrders()).find((o) => o.tags.includes(`giftloop-unit-${gift.unitId}`)), 60_000);
    expect(order.line_items.map((l) => l.variant_title)).toEqual(["XS / Oat"]);

    // The brand sees it in the app: the same shop, so its Orders page has the order.
    await nav("Orders", "Gift orders");
    await visible(app.getByText("Acme Corp", { exact: true }).first());
    await shot("11-orders-page");
    await page.goto(`${sandbox.adminUrl}/units/${gift.unitId}`);
    await app.getByRole("heading", { name: "Gift for Grace Hopper", level: 1 }).waitFor();
    await visible(app.getByText(`Shopify order: #${order.id}`));
  }, 180_000);

  it("a broken Shopify connection stops the sync and holds the order push with its reason; Reconnect restores both", async () => {
    // The shop revokes the app's token (an uninstall whose webhook never came); the next sync finds out.
    expect((await fetch(`${urls.shopify}/_sandbox/shops/${SHOP}/access_tokens`, { method: "DELETE" })).status).toBe(200);
    await nav("Catalog", "Catalog");
    await app.getByRole("button", { name: "Sync now" }).click();
    await visible(app.getByText("Giftloop lost access to your Shopify store"));
    await visible(app.getByText("Stopped", { exact: true }));
    await visible(app.getByText(/Syncing is stopped/));
    await shot("12-connection-broken-catalog");

    // A gift redeemed meanwhile waits for the connection, with the reason.
    const gift = await paidGift(offerId, "Katherine Johnson");
    await redeem(gift.code, (c) => c[0]!.variantId);

    // Within the app (opening it afresh would reconnect by itself): Orders -> the order -> the gift.
    await nav("Orders", "Gift orders");
    await app.getByRole("button", { name: /Search and filter/ }).click();
    await app.getByPlaceholder("Search recipients, buyers or references").fill("Katherine");
    await expect.poll(() => app.locator("tbody tr").count()).toBe(1);
    await app.locator("tbody tr").first().click();
    await app.locator("tbody tr", { hasText: "Katherine Johnson" }).click();
    await app.getByRole("heading", { name: "Gift for Katherine Johnson", level: 1 }).waitFor();
    await visible(app.getByText("Waiting for your Shopify connection"));
    await visible(app.getByText(/401 Unauthorized/).first());
    await visible(app.getByText(/1 redeemed gift waits to become a Shopify order/));
    await shot("13-connection-broken-gift-held");

    await app.getByRole("button", { name: "Reconnect" }).click();
    await toast("Reconnected to Shopify");
    await app.getByText("Giftloop lost access to your Shopify store").waitFor({ state: "hidden" });
    const order = await eventually(async () => (await shopOrders()).find((o) => o.tags.includes(`giftloop-unit-${gift.unitId}`)), 60_000);
    await page.reload();
    await visible(app.getByText(`Shopify order: #${order.id}`));
    await nav("Catalog", "Catalog");
    await app.getByText("Up to date").waitFor({ timeout: 60_000 });
    await shot("14-connection-restored", { phone: false });
  }, 240_000);

  it("an address the app does not have shows a not-found page inside the app, with its navigation", async () => {
    await page.goto(`${sandbox.adminUrl}/no-such-page`);
    await visible(app.getByText("There's no page at this address"));
    await expect.poll(() => page.locator("#app-menu a").count()).toBe(6);
    await shot("15-not-found");
    await app.getByRole("link", { name: "Go to Home" }).click();
    await app.getByText("Setup guide").waitFor();
  }, 60_000);

  it("shows settings with the admin's save bar, and the phone layout's navigation", async () => {
    await nav("Settings", "Settings");
    await app.getByLabel("Default gift expiry").fill("120");
    await saveBar().waitFor();
    await shot("16-settings-save-bar");
    await saveBarButton("Save").click();
    await toast("Settings saved");
    await saveBar().waitFor({ state: "hidden" });

    await page.setViewportSize(PHONE);
    await page.locator("#menu-toggle").click();
    await visible(page.locator("#app-menu a", { hasText: "Gift offers" }));
    await page.screenshot({ path: path.join(SHOTS, "17-phone-navigation.phone.png") });
    await page.locator("#app-menu a", { hasText: "Gift offers" }).click();
    await app.getByRole("heading", { name: "Gift offers", level: 1 }).waitFor();
    await page.setViewportSize(DESKTOP);
    expect(problems.map((p) => p.slice(0, 300))).toEqual([]);
  }, 60_000);

  it("a menu click made while the app's page is shown but cannot route yet opens the page once it can", async () => {
    // The app's scripts are held back: its server-rendered Home is on screen and its menu in
    // the admin, but nothing in the app listens for navigation yet (a slow network or CPU).
    const scripts = /\/assets\/.*\.js(\?|$)/;
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const continued: Array<Promise<void>> = [];
    const hold = (route: Route) => {
      const p = held.then(() => route.continue());
      continued.push(p);
      return p;
    };
    await page.route(scripts, hold);
    try {
      await page.goto(sandbox.adminUrl, { waitUntil: "commit" });
      await app.getByText("Setup guide").waitFor({ timeout: 30_000 });
      await page.locator("#app-menu a", { hasText: "Orders" }).click();
      expect(await app.getByRole("heading", { name: "Gift orders", level: 1 }).count()).toBe(0); // still Home
    } finally {
      release();
      await Promise.all(continued);
      await page.unroute(scripts, hold);
    }
    await app.getByRole("heading", { name: "Gift orders", level: 1 }).waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator("#app-menu a.active").allTextContents()).toEqual(["Orders"]);
  }, 90_000);
});
