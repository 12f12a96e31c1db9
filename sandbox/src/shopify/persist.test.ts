import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startShopifyStandIn, type ShopifyStandIn } from "./server.ts";

/**
 * A sandbox restart: a stand-in started on the same state file finds its shops as the last
 * run left them (catalog, access tokens, orders), so the app installed on the demo shop
 * keeps working after `npm start` is run again.
 */
const SHOP = "kept-shop.myshopify.com";
const dir = mkdtempSync(path.join(tmpdir(), "shopify-state-"));
const stateFile = path.join(dir, "shopify-stand-in.json");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers read loosely in assertions

function graphql(standIn: ShopifyStandIn, token: string, query: string, variables: unknown = {}) {
  return new Promise<{ status: number; body: Json }>((resolve, reject) => {
    const req = http.request(
      `${standIn.url}/admin/api/2026-10/graphql.json`,
      { method: "POST", headers: { host: SHOP, "content-type": "application/json", "x-shopify-access-token": token } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || "{}") }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ query, variables }));
  });
}

const CREATE = `mutation($order: OrderCreateOrderInput!) { orderCreate(order: $order) { order { id name } userErrors { message } } }`;

describe("Shopify stand-in state file", () => {
  it("keeps shops, tokens and orders across a restart; new orders get new ids and names", async () => {
    const first = await startShopifyStandIn({ throttle: false, demoShop: false, shops: [{ domain: SHOP, products: 3 }], stateFile });
    const token = first.issueAccessToken(SHOP);
    const revoked = first.issueAccessToken(SHOP);
    const product = first.createProduct(SHOP, { title: "Kept mug", price: "12.00" });
    const variant = `gid://shopify/ProductVariant/${product.variants[0]!.id}`;
    const created = await graphql(first, token, CREATE, { order: { lineItems: [{ variantId: variant, quantity: 1 }], tags: ["kept"] } });
    expect(created.body.data.orderCreate.order.name).toBe("#1001");
    first.fulfillOrder(SHOP, first.orders(SHOP)[0]!.id, { carrier: "UPS", number: "1Z1" });
    await first.close();

    // The next run seeds nothing over what it finds: same catalog, the token still works, the order is there.
    const second = await startShopifyStandIn({ throttle: false, demoShop: false, shops: [{ domain: SHOP, products: 50 }], stateFile });
    try {
      expect(second.products(SHOP).map((p) => p.title)).toEqual(first.products(SHOP).map((p) => p.title));
      expect(second.products(SHOP).find((p) => p.id === product.id)?.createdAt).toBeInstanceOf(Date);
      const [kept] = second.orders(SHOP);
      expect(kept).toMatchObject({ name: "#1001", tags: ["kept"], fulfillments: [expect.objectContaining({ trackingCompany: "UPS" })] });
      const read = await graphql(second, token, `{ shop { name } }`);
      expect(read.status).toBe(200);
      const next = await graphql(second, token, CREATE, { order: { lineItems: [{ variantId: variant, quantity: 1 }] } });
      expect(next.body.data.orderCreate.order.name).toBe("#1002");
      expect(new Set(second.orders(SHOP).map((o) => o.id)).size).toBe(2);
      // Revoking is kept too: a revoked token stays refused after a restart.
      second.revokeAccessTokens(SHOP);
    } finally {
      await second.close();
    }
    const third = await startShopifyStandIn({ throttle: false, demoShop: false, stateFile });
    try {
      expect((await graphql(third, revoked, `{ shop { name } }`)).status).toBe(401);
      expect(third.orders(SHOP)).toHaveLength(2);
    } finally {
      await third.close();
    }
  });
});
