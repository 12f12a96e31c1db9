import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, SCREENSHOT_DIR } from "../browser/chromium.ts";
import { startXeroStandIn, type XeroStandIn } from "./server.ts";

// The stand-in's consent page in Chromium, as a finance person meets it: the app's name, what it
// may do, the organisations to choose from; Allow goes back to the app with a code for the chosen
// organisation, Cancel with access_denied. Screenshots (1280x800 and 390x844) go to
// .artifacts/screenshots/xero-consent-*.png.

let x: XeroStandIn;
let browser: Browser;

function authorizeUrl(state: string): string {
  const c = x.client;
  return `${x.url}/identity/connect/authorize?${new URLSearchParams({
    response_type: "code",
    client_id: c.clientId,
    redirect_uri: c.redirectUris[0] as string,
    scope: "openid profile email offline_access accounting.settings accounting.contacts accounting.invoices accounting.payments accounting.banktransactions",
    state,
  })}`;
}

/** Opens the consent page, does `act`, and returns the URL the browser was sent back to (the app's callback). */
async function consent(state: string, viewport: { width: number; height: number }, act: (page: import("playwright-core").Page) => Promise<void>, shot: string): Promise<URL> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const callback = new Promise<URL>((resolve) => {
    // The app's callback is not running here: catch the redirect to it.
    void page.route(`${x.client.redirectUris[0]}**`, async (route) => {
      resolve(new URL(route.request().url()));
      await route.fulfill({ status: 200, contentType: "text/html", body: "<p>back in the app</p>" });
    });
  });
  await page.goto(authorizeUrl(state));
  await page.getByRole("heading", { level: 1 }).waitFor();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `xero-consent-${shot}.png`), fullPage: true });
  await act(page);
  const url = await callback;
  await context.close();
  return url;
}

beforeAll(async () => {
  x = await startXeroStandIn();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await x?.stop();
});

describe("Xero consent page (Chromium)", () => {
  it("shows the app, its scopes and the organisations; Allow connects the chosen one", async () => {
    const europe = x.organisationNamed("Europe");
    const back = await consent(
      "desk-1",
      { width: 1280, height: 800 },
      async (page) => {
        await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Giftloop (sandbox) wants access to your Xero");
        await expect(page.getByText("View and manage your invoices, bills and credit notes").isVisible()).resolves.toBe(true);
        await page.getByLabel(/Giftloop Europe BV/).check();
        await page.getByRole("button", { name: "Allow access" }).click();
      },
      "desktop",
    );
    expect(back.searchParams.get("state")).toBe("desk-1");
    expect(back.searchParams.get("code")).toBeTruthy();
    const connected = [...x.identity.connections.values()].map((c) => c.tenantId);
    expect(connected).toEqual([europe.tenantId]);
  });

  it("Cancel on a phone goes back with access_denied and connects nothing more", async () => {
    const before = x.identity.connections.size;
    const back = await consent("phone-1", { width: 390, height: 844 }, (page) => page.getByRole("button", { name: "Cancel" }).click(), "phone");
    expect([back.searchParams.get("error"), back.searchParams.get("state"), back.searchParams.get("code")]).toEqual(["access_denied", "phone-1", null]);
    expect(x.identity.connections.size).toBe(before);
  });
});
