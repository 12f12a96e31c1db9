import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCatalog } from "./catalog.ts";
import { DEMO_SHOP, shopifyHmac, startShopifyStandIn, verifySessionToken, type ShopifyStandIn } from "./server.ts";

// Behaviour of the stand-in that the core's tests (through @shopify/shopify-api) do not reach.
// Requests set the Host header to the shop, as the sandbox routing does.

let standIn: ShopifyStandIn;
let hook: http.Server;
let hookUrl: string;
const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
let failNext = 0;

function shopRequest(path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(`${standIn.url}${path}`, { method: init.method ?? "GET", headers: { host: DEMO_SHOP, ...init.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

beforeAll(async () => {
  hook = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(failNext-- > 0 ? 500 : 200);
      res.end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks`;
  standIn = await startShopifyStandIn({ webhookUrl: hookUrl, retry: { delaysMs: [20, 40], timeoutMs: 1000 } });
});
afterAll(async () => {
  await standIn?.close();
  await new Promise((r) => hook?.close(r));
});

describe("Shopify stand-in", () => {
  it("signs webhooks like Shopify and retries a failed delivery with the same webhook id", async () => {
    failNext = 1;
    received.length = 0;
    const p = standIn.products(DEMO_SHOP)[0]!;
    const res = await shopRequest(`/_sandbox/shops/${DEMO_SHOP}/products/${p.id}`, { method: "POST", body: JSON.stringify({ tags: ["vip"] }) });
    expect(res.status).toBe(200);
    await standIn.whenDeliveriesSettled();
    expect(received).toHaveLength(2);
    const [first, second] = received as [(typeof received)[0], (typeof received)[0]];
    expect(first.headers["x-shopify-webhook-id"]).toBe(second.headers["x-shopify-webhook-id"]);
    expect(second.headers).toMatchObject({ "x-shopify-topic": "products/update", "x-shopify-shop-domain": DEMO_SHOP, "x-shopify-api-version": "2026-10" });
    expect(second.headers["x-shopify-event-id"]).toBeTruthy();
    expect(Date.parse(String(second.headers["x-shopify-triggered-at"]))).not.toBeNaN();
    expect(second.headers["x-shopify-hmac-sha256"]).toBe(createHmac("sha256", standIn.apiSecret).update(second.body).digest("base64"));
    expect(shopifyHmac(second.body, standIn.apiSecret)).toBe(second.headers["x-shopify-hmac-sha256"]);
    const payload = JSON.parse(second.body) as { id: number; tags: string; variants: Array<{ price: string }> };
    expect(payload).toMatchObject({ id: p.id, tags: "vip" });
    expect(payload.variants[0]!.price).toMatch(/^\d+\.\d{2}$/);
    expect(standIn.deliveries.at(-1)).toMatchObject({ status: "delivered" });
  });

  it("refuses a query above the single-query cost limit and unknown access tokens", async () => {
    const token = standIn.issueAccessToken(DEMO_SHOP);
    const big = await shopRequest("/admin/api/2026-10/graphql.json", {
      method: "POST",
      headers: { "content-type": "application/json", "x-shopify-access-token": token },
      body: JSON.stringify({ query: "{ products(first: 250) { nodes { variants(first: 250) { nodes { id } } } } }" }),
    });
    expect(JSON.parse(big.body).errors[0].extensions.code).toBe("MAX_COST_EXCEEDED");
    const anon = await shopRequest("/admin/api/2026-10/graphql.json", { method: "POST", body: JSON.stringify({ query: "{ shop { name } }" }) });
    expect(anon.status).toBe(401);
  });

  it("runs the authorization-code grant: authorize redirects back signed, the code buys one offline token", async () => {
    const auth = await shopRequest(`/admin/oauth/authorize?client_id=${standIn.apiKey}&scope=read_products&redirect_uri=${encodeURIComponent("https://app.example/auth/callback")}&state=nonce1`);
    expect(auth.status).toBe(302);
    const back = new URL(String(auth.headers.location));
    const params = Object.fromEntries(back.searchParams);
    const { hmac, ...rest } = params;
    const message = Object.keys(rest).sort().map((k) => `${k}=${rest[k]}`).join("&");
    expect(hmac).toBe(createHmac("sha256", standIn.apiSecret).update(message).digest("hex"));
    expect(params).toMatchObject({ shop: DEMO_SHOP, state: "nonce1" });
    const body = JSON.stringify({ client_id: standIn.apiKey, client_secret: standIn.apiSecret, code: params.code });
    const tok = await shopRequest("/admin/oauth/access_token", { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(JSON.parse(tok.body)).toMatchObject({ access_token: expect.stringMatching(/^shpat_/), scope: "read_products" });
    const reuse = await shopRequest("/admin/oauth/access_token", { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(reuse.status).toBe(400);
  });

  it("mints session tokens Shopify's way and verifies them", () => {
    const t = standIn.mintSessionToken(DEMO_SHOP, { userId: "7" });
    const v = verifySessionToken(t, { apiKey: standIn.apiKey, apiSecret: standIn.apiSecret });
    expect(v).toMatchObject({ ok: true, shop: DEMO_SHOP, claims: { iss: `https://${DEMO_SHOP}/admin`, dest: `https://${DEMO_SHOP}`, aud: standIn.apiKey, sub: "7" } });
    expect(verifySessionToken(t, { apiKey: standIn.apiKey, apiSecret: "other" })).toMatchObject({ ok: false });
    expect(verifySessionToken(t, { apiKey: "other-app", apiSecret: standIn.apiSecret })).toMatchObject({ ok: false, reason: "wrong audience" });
  });

  it("generates big catalogs deterministically (10,000 products / 50,000 variants)", () => {
    const a = generateCatalog({ products: 10_000, variantsPerProduct: 5, exactVariants: true, imagePathPrefix: "/x" });
    const b = generateCatalog({ products: 10_000, variantsPerProduct: 5, exactVariants: true, imagePathPrefix: "/x" });
    expect(a.length).toBe(10_000);
    expect(a.reduce((n, p) => n + p.variants.length, 0)).toBe(50_000);
    expect(JSON.stringify(a.slice(0, 50))).toBe(JSON.stringify(b.slice(0, 50)));
    expect(new Set(a.map((p) => p.handle)).size).toBe(10_000);
    const demo = standIn.products(DEMO_SHOP);
    expect(demo.length).toBeGreaterThanOrEqual(200);
    expect(new Set(demo.map((p) => p.productType)).size).toBeGreaterThanOrEqual(3);
    expect(demo.some((p) => p.options.map((o) => o.name).join() === "Size,Colour")).toBe(true);
  });
});
