import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_BUILD_DIR } from "./mount.ts";
import { appHarness, bearerFor, embeddedUrl, installedShop, sessionToken, type AppHarness } from "./testing.ts";

let h: AppHarness;
let shop: string;
beforeAll(async () => {
  h = await appHarness();
  shop = (await installedShop(h.deps, "mount-test")).shop;
}, 240_000);
afterAll(async () => {
  await h?.close();
});

describe("the embedded app mounted in the core's HTTP app", () => {
  it("renders an admin page for a valid session token, framable by this shop's admin only", async () => {
    const res = await h.app.request(embeddedUrl("/app", shop));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("content-security-policy")).toContain(`frame-ancestors https://${shop} https://admin.shopify.com`);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    const html = await res.text();
    expect(html).toContain("Setup guide");
    expect(html).toContain("https://cdn.shopify.com/shopifycloud/app-bridge.js"); // production: Shopify's CDN
    expect(html).toContain('data-api-key="giftloop-test-app"');
  });

  it("answers the app's data requests with the bearer session token App Bridge adds", async () => {
    const res = await h.app.request("http://localhost:3999/app?_data=routes%2Fapp._index", { headers: bearerFor(shop) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ figures: { orders: 0 }, vendorName: "Northwind Goods" });
  });

  it.each([
    ["expired", () => sessionToken(shop, { now: Math.floor(Date.now() / 1000) - 3600 })],
    ["for another app (wrong audience)", () => sessionToken(shop, { apiKey: "someone-elses-app" })],
    ["signed with another secret", () => sessionToken(shop, { secret: "not-the-app-secret-0123456789abcdef" })],
  ])("sends a document request with a token %s to the bounce page for a fresh one", async (_name, token) => {
    const res = await h.app.request(embeddedUrl("/app", shop, token()));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/auth\/session-token\?/);
    expect(res.headers.get("location")).not.toContain("id_token");
  });

  it.each([
    ["expired", () => sessionToken(shop, { now: Math.floor(Date.now() / 1000) - 3600 })],
    ["for another app (wrong audience)", () => sessionToken(shop, { apiKey: "someone-elses-app" })],
  ])("answers a data request with a token %s 401 and asks App Bridge to retry (not a problem document)", async (_name, token) => {
    const res = await h.app.request("http://localhost:3999/app?_data=routes%2Fapp._index", { headers: bearerFor(shop, token()) });
    expect(res.status).toBe(401);
    expect(res.headers.get("x-shopify-retry-invalid-session-request")).toBe("1");
    expect(res.headers.get("content-type") ?? "").not.toContain("problem+json");
  });

  it.each(["evil.example.com", "shop.myshopify.com.evil.com", "not a shop"])("refuses the shop %j (to the login page)", async (bad) => {
    const q = new URLSearchParams({ embedded: "1", shop: bad, host: "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUveA", id_token: sessionToken(shop) });
    const res = await h.app.request(`http://localhost:3999/app?${q}`);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/auth/login");
  });

  it("serves the hashed client assets with long-lived caching", async () => {
    const name = readdirSync(path.join(DEFAULT_BUILD_DIR, "client", "assets")).find((f) => f.endsWith(".css"))!;
    const res = await h.app.request(`/assets/${name}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("content-type")).toMatch(/^text\/css/);
    expect((await h.app.request("/assets/..%2Fserver%2Findex.js")).status).toBe(404);
  });

  it("leaves the core API's own errors as problem documents", async () => {
    const res = await h.app.request("/v1/nothing-here");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  });
});
