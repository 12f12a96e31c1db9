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

/** Bad input the fuzz test (fuzz.test.ts) found answered with a 500: each a 4xx now. */
describe("the embedded app under bad input", () => {
  const launch = (pathname: string, extra: Record<string, string>) => {
    const u = new URL(embeddedUrl(pathname, shop));
    for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
    return u.toString();
  };

  it("answers /auth/exit-iframe with a destination the library refuses 400, not a 500 page", async () => {
    for (const destination of ["https://evil.example/phish", "//evil.example", "javascript:alert(1)"]) {
      const res = await h.app.request(launch("/auth/exit-iframe", { exitIframe: destination }));
      expect(res.status, destination).toBe(400);
      expect(await res.text()).toContain("not one the app redirects to");
    }
    const ok = await h.app.request(launch("/auth/exit-iframe", { exitIframe: `https://${shop}/admin/apps` }));
    expect(ok.status).toBe(200);
  });

  it("answers the session-token bounce page for a shop that is not {store}.myshopify.com 400", async () => {
    for (const bad of ["\u202eevil.myshopify.com", "\ufffd", "evil.example.com"]) {
      const res = await h.app.request(launch("/auth/session-token", { shop: bad }));
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    expect((await h.app.request(launch("/auth/session-token", { shop }))).status).toBe(200);
  });

  it("refuses a form post with NUL in a field (422, naming it) or not UTF-8 (400) before any route reads it", async () => {
    const post = (body: string | Uint8Array, type = "application/x-www-form-urlencoded") =>
      h.app.request("http://localhost:3999/app/storefront?_data=routes%2Fapp.storefront", {
        method: "POST",
        headers: { ...bearerFor(shop), "content-type": type },
        body,
      });
    const nul = await post("intent=branding&name=Bad%00Name&slug=mount-test&primaryColor=%23112233&accentColor=%23445566");
    expect(nul.status).toBe(422);
    expect(await nul.json()).toMatchObject({ code: "invalid_characters", errors: [{ path: "name", code: "nul_character" }] });
    expect((await post("intent=branding&name=%ED%A0%80")).status).toBe(400);
    expect((await post(Uint8Array.from([...Buffer.from("intent=branding&name="), 0xff]))).status).toBe(400);
    const form = new FormData();
    form.append("intent", "branding");
    form.append("welcomeText", "a\u0000b");
    const multipart = await h.app.request("http://localhost:3999/app/storefront?_data=routes%2Fapp.storefront", { method: "POST", headers: bearerFor(shop), body: form });
    expect(multipart.status).toBe(422);
    const sf = await h.deps.db.prisma.storefront.findFirst({ where: { name: { contains: "Bad" } } });
    expect(sf).toBeNull();
  });

  it("lists orders for any page number, Infinity and 1e308 included", async () => {
    for (const page of ["Infinity", "1e308", "99999999999999999999999", "-5", "abc"]) {
      const res = await h.app.request(`http://localhost:3999/app/orders?page=${page}&_data=routes%2Fapp.orders._index`, { headers: bearerFor(shop) });
      expect(res.status, page).toBe(200);
    }
  });
});
