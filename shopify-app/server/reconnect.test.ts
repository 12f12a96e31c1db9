import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifyStandIn, type ShopifyStandIn } from "@giftloop/sandbox/shopify/server";
import { uninstallShopifySandboxRouting } from "@giftloop/core/integrations/shopify/sandbox-routing";
import { vendorByShop } from "@giftloop/core/vendors/vendors.service";
import { markConnectionBroken, shopifyConnection } from "@giftloop/core/vendors/shopify-connection";
import { brandContext } from "@giftloop/core/testing/deps";
import { appHarness, bearerFor, embeddedUrl, TEST_API_KEY, TEST_API_SECRET, type AppHarness } from "./testing.ts";

/**
 * The embedded app and a broken Shopify connection: data requests show it (the layout's
 * banner), the banner's "Reconnect" and the next load of the app exchange the admin's
 * session token for a fresh access token, which mends it.
 */
const SHOP = "reconnect-test.myshopify.com";
let standIn: ShopifyStandIn;
let h: AppHarness;
let vendorId: string;
const browser = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36" };

beforeAll(async () => {
  standIn = await startShopifyStandIn({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, webhookUrl: null, demoShop: false, shops: [{ domain: SHOP, products: 2 }] });
  h = await appHarness({ SHOPIFY_SANDBOX_URL: standIn.url });
  expect((await h.app.request(embeddedUrl("/app", SHOP), { headers: browser })).status).toBe(200); // installs
  vendorId = (await vendorByShop(h.deps, SHOP))!.id;
}, 240_000);
afterAll(async () => {
  await h?.close();
  await uninstallShopifySandboxRouting();
  await standIn?.close();
});

const layout = async () => {
  const res = await h.app.request(`http://localhost:3999/app?_data=routes/app`, { headers: bearerFor(SHOP) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { connection: { broken: boolean; reason: string | null; held: number } }).connection;
};
const brokenTokens = async () => {
  standIn.revokeAccessTokens(SHOP);
  await markConnectionBroken(h.deps, vendorId, "Shopify no longer accepts the app's access token (401 Unauthorized)");
};

describe("reconnecting from the embedded app", () => {
  it("shows the broken connection to data requests; 'Reconnect' exchanges the session token and mends it", async () => {
    await brokenTokens();
    expect(await layout()).toMatchObject({ broken: true, reason: "Shopify no longer accepts the app's access token (401 Unauthorized)", held: 0 });
    expect((await shopifyConnection(brandContext(h.deps, vendorId))).broken).toBe(true); // a data request alone does not reconnect

    const res = await h.app.request(`http://localhost:3999/app/reconnect?_data=routes/app.reconnect`, { method: "POST", headers: bearerFor(SHOP) });
    expect(await res.json()).toEqual({ reconnected: true, reason: null });
    expect(await layout()).toMatchObject({ broken: false });
    const admin = await h.deps.shopify.admin(SHOP);
    expect((await admin.request<{ shop: { name: string } }>("{ shop { name } }")).data.shop.name).toBeTruthy(); // the fresh token works
  });

  it("the next load of the app (Shopify's id_token) reconnects by itself", async () => {
    await brokenTokens();
    const res = await h.app.request(embeddedUrl("/app/catalog", SHOP), { headers: browser });
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain("lost access to your Shopify store");
    expect((await shopifyConnection(brandContext(h.deps, vendorId))).broken).toBe(false);
  });
});
