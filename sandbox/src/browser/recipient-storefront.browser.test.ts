import { mkdirSync } from "node:fs";
import path from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, SCREENSHOT_DIR } from "./chromium.ts";
import { createBuyerOrg } from "../../../core/src/buyers/buyers.service.ts";
import { testApp, type TestApp } from "../../../core/src/http/testing.ts";
import { createOrder } from "../../../core/src/orders/create-order.ts";
import { giftLinksCsv } from "../../../core/src/orders/gift-links.ts";
import { splitOrder } from "../../../core/src/orders/split-order.ts";
import { seedVendor, type Seeded } from "../../../core/src/testing/seed.ts";
import { formatCode, generateCode } from "../../../core/src/redemption/codes/codes.ts";
import { ensureStorefrontBuild } from "../../../storefront/build.ts";

/**
 * The hosted recipient pages in a real browser (Debian's Chromium): open the gift link from
 * the email, choose a variant, give an address (with a field the server rejects first),
 * confirm, then see the status and, once shipped, the tracking. Builds storefront/dist first
 * if it is missing or stale. Screenshots go to .artifacts/screenshots.
 */
let t: TestApp;
let server: ServerType;
let browser: Browser;
let base: string;
let s: Seeded;
let links: Array<{ link: string; unitId: string; email: string }>;

beforeAll(async () => {
  await ensureStorefrontBuild();
  t = await testApp();
  s = await seedVendor(t.deps.db);
  const buyer = await createBuyerOrg(t.deps.db, { name: "Acme", email: "ap@acme.test" }, { actor: "test" });
  const created = await createOrder(t.deps, { buyerOrgId: buyer.id, apiKeyId: buyer.apiKey.id }, {
    storefront: s.storefrontSlug,
    offerId: s.choiceOfferId,
    senderName: "Maya at Acme",
    recipients: [
      { name: "Ada Lovelace", email: "ada@example.test", country: "US", message: "Thank you for an amazing year.\nEnjoy!" },
      { name: "Grace Hopper", email: "grace@example.test", country: "US" },
    ],
  } as never);
  if (!created.ok) throw new Error("order not created");
  await t.deps.db.prisma.giftOrder.update({ where: { id: created.orderId }, data: { stripePaymentIntentId: "pi_browser" } });
  await splitOrder(t.deps, { paymentIntentId: "pi_browser", amount: created.quote.totalAmount, currency: "usd" });
  const csv = (await giftLinksCsv(t.deps, buyer.id, created.orderId))!;
  const header = csv.split("\n")[0]!.split(",");
  const units = await t.deps.db.prisma.fulfillmentUnit.findMany({ where: { orderId: created.orderId } });
  links = csv.trim().split("\n").slice(1).map((line) => {
    const cells = line.split(",");
    const col = (name: string) => cells[header.indexOf(name)]!;
    return { link: col("gift_url"), unitId: units.find((u) => u.recipientEmail === col("email"))!.id, email: col("email") };
  });
  server = await new Promise<ServerType>((resolve) => {
    const srv = serve({ fetch: t.app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(srv));
  });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  browser = await launchChromium();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  await t?.close();
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOT_DIR, `recipient-${name}.png`), fullPage: true });
const localLink = (link: string) => `${base}${new URL(link).pathname}`;

describe("recipient storefront (Chromium)", () => {
  it("opens the gift link, chooses, gives an address, confirms, and later sees tracking", async () => {
    const ada = links.find((l) => l.email === "ada@example.test")!;
    const page = await browser.newPage({ viewport: { width: 1180, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(localLink(ada.link));
    await page.getByRole("heading", { name: /Hi Ada/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/gift"); // the code does not stay in the address bar
    await expect(page.getByText("Thank you for an amazing year.")).toBeTruthy();
    expect(await page.getByText("Maya at Acme sent you a gift").count()).toBe(1);
    await shot(page, "1-gift");

    // Hoodie: S/Navy etc.; choose M / Navy (in stock in the seed) .
    await page.getByRole("radio", { name: /Organic Hoodie/ }).click();
    await page.locator("label.value", { hasText: /^M/ }).click();
    await page.locator("label.value", { hasText: /^Navy/ }).click();
    await page.getByRole("button", { name: "Continue to shipping" }).click();
    await page.getByRole("heading", { name: "Where should we send it?" }).waitFor();
    expect(await page.getByRole("combobox", { name: "Country" }).inputValue()).toBe("US"); // the brand ships to the US and CA
    await page.getByLabel("Address", { exact: true }).fill("12 Analytical Way");
    await page.getByLabel("City").fill("Springfield");
    await page.getByLabel("ZIP code").fill("62701");
    await page.getByRole("button", { name: "Confirm and send my gift" }).click();
    await page.getByText("State is required for addresses in US").waitFor(); // the server's field error, beside its field
    await shot(page, "2-address-error");
    await page.getByLabel("State").fill("IL");
    await page.getByRole("button", { name: "Confirm and send my gift" }).click();
    await page.getByRole("heading", { name: "Your gift is confirmed" }).waitFor();
    expect(await page.getByText("M / Navy").count()).toBeGreaterThan(0);
    await shot(page, "3-confirmed");

    const unit = await t.deps.db.prisma.fulfillmentUnit.findUniqueOrThrow({ where: { id: ada.unitId } });
    expect(unit).toMatchObject({ status: "redeemed", chosenVariantId: s.variants["hoodie:M/Navy"] });
    expect(unit.shippingAddress).toMatchObject({ line1: "12 Analytical Way", region: "IL", country: "US" });

    // Shipped (the fulfillment loop sets this from Shopify's webhook): the page shows tracking.
    await t.deps.db.sql.query(
      "UPDATE fulfillment_unit SET status = 'shipped', tracking_carrier = 'UPS', tracking_number = '1Z999AA10123456784', tracking_url = 'https://www.ups.com/track?tracknum=1Z999AA10123456784' WHERE id = $1::uuid",
      [ada.unitId],
    );
    await page.reload();
    await page.getByRole("heading", { name: "Your gift is on its way" }).waitFor();
    expect(await page.getByText("1Z999AA10123456784").count()).toBe(1);
    await shot(page, "4-shipped");
    expect(errors).toEqual([]);
  }, 60_000);

  it("a wrong code gets a clear message; an expired gift says so", async () => {
    const page = await browser.newPage({ viewport: { width: 420, height: 860 } });
    await page.goto(`${base}/g/${formatCode(generateCode())}`); // well formed, never issued
    await page.getByText("We could not find a gift with this code").waitFor();
    await shot(page, "5-unknown-code");

    const grace = links.find((l) => l.email === "grace@example.test")!;
    await t.deps.db.sql.query("UPDATE fulfillment_unit SET expires_at = now() - interval '1 day' WHERE id = $1::uuid", [grace.unitId]);
    await page.goto(localLink(grace.link));
    await page.getByText(/This gift expired on/).waitFor();
    await shot(page, "6-expired-mobile");
  }, 60_000);
});
