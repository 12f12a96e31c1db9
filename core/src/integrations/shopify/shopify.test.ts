import { RequestedTokenType, Session } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifyStandIn, DEMO_SHOP, type ShopifyStandIn } from "@giftloop/sandbox/shopify/server";
import { testDeps, type TestDeps } from "../../testing/deps.ts";
import { getBulkOperation, runBulkQuery, streamBulkResult, waitForBulkOperation } from "./bulk.ts";
import { offlineSessionId } from "./encrypted-session-storage.ts";
import { verifyShopifyHmac } from "./hmac.ts";
import { uninstallShopifySandboxRouting } from "./sandbox-routing.ts";
import { ShopNotInstalledError, ShopifyGraphqlError } from "./shopify.ts";

let standIn: ShopifyStandIn;
let deps: TestDeps;

beforeAll(async () => {
  standIn = await startShopifyStandIn({ throttle: false });
  deps = await testDeps({ env: { SHOPIFY_SANDBOX_URL: standIn.url, SHOPIFY_API_SECRET: standIn.apiSecret } });
});
afterAll(async () => {
  await deps?.close();
  await standIn?.close();
  await uninstallShopifySandboxRouting();
});

async function install(shop = DEMO_SHOP): Promise<void> {
  // The embedded app's install path: exchange a session token for an offline token, store it.
  const sessionToken = standIn.mintSessionToken(shop);
  const { session } = await deps.shopify.api.auth.tokenExchange({ shop, sessionToken, requestedTokenType: RequestedTokenType.OfflineAccessToken });
  await deps.shopify.sessionStorage.storeSession(session);
}

describe("Shopify integration through @shopify/shopify-api, routed to the stand-in", () => {
  it("token exchange: a session token signed with the app secret becomes an offline token (shpat_...)", async () => {
    const sessionToken = standIn.mintSessionToken(DEMO_SHOP);
    const { session } = await deps.shopify.api.auth.tokenExchange({ shop: DEMO_SHOP, sessionToken, requestedTokenType: RequestedTokenType.OfflineAccessToken });
    expect(session.id).toBe(offlineSessionId(DEMO_SHOP));
    expect(session.accessToken).toMatch(/^shpat_/);
    expect(session.scope).toContain("read_products");
  });

  it("token exchange refuses a session token signed with another secret", async () => {
    const { mintSessionToken } = await import("@giftloop/sandbox/shopify/session-token");
    const forged = mintSessionToken({ shop: DEMO_SHOP, apiKey: standIn.apiKey, apiSecret: "not-the-secret" });
    await expect(
      deps.shopify.api.auth.tokenExchange({ shop: DEMO_SHOP, sessionToken: forged, requestedTokenType: RequestedTokenType.OfflineAccessToken }),
    ).rejects.toThrow();
  });

  it("queries the shop and pages through products with cursors; costs are reported", async () => {
    await install();
    const admin = await deps.shopify.admin(DEMO_SHOP);
    const shop = await admin.request<{ shop: { myshopifyDomain: string; currencyCode: string } }>("{ shop { myshopifyDomain currencyCode } }");
    expect(shop.data.shop).toEqual({ myshopifyDomain: DEMO_SHOP, currencyCode: "USD" });
    expect(shop.cost?.throttleStatus.maximumAvailable).toBeGreaterThan(0);

    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { data: { products: { nodes: Array<{ id: string; variants: { nodes: Array<{ price: string }> } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } } =
        await admin.request(
          `query Page($after: String) { products(first: 50, after: $after) { nodes { id variants(first: 10) { nodes { price } } } pageInfo { hasNextPage endCursor } } }`,
          { after },
        );
      seen.push(...page.data.products.nodes.map((n) => n.id));
      for (const n of page.data.products.nodes) for (const v of n.variants.nodes) expect(v.price).toMatch(/^\d+\.\d{2}$/);
      if (!page.data.products.pageInfo.hasNextPage) break;
      after = page.data.products.pageInfo.endCursor;
    }
    expect(seen.length).toBe(standIn.products(DEMO_SHOP).length);
    expect(seen.length).toBeGreaterThanOrEqual(200);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("GraphQL errors become ShopifyGraphqlError; an unknown shop is not installed", async () => {
    const admin = await deps.shopify.admin(DEMO_SHOP);
    await expect(admin.request("{ products { nodes { id } } }")).rejects.toBeInstanceOf(ShopifyGraphqlError);
    await expect(deps.shopify.admin("nobody.myshopify.com")).rejects.toBeInstanceOf(ShopNotInstalledError);
  });

  it("runs a bulk query and streams its JSONL result: parents, then children with __parentId", async () => {
    const admin = await deps.shopify.admin(DEMO_SHOP);
    const started = await runBulkQuery(admin, `{ products { edges { node { id title variants { edges { node { id price } } } } } } }`);
    const done = await waitForBulkOperation(admin, started.id, { intervalMs: 20 });
    expect(done.status).toBe("COMPLETED");
    const lines: Array<Record<string, unknown>> = [];
    for await (const l of streamBulkResult(done.url!)) lines.push(JSON.parse(l.text) as Record<string, unknown>);
    expect(lines.length).toBe(done.objectCount);
    const products = lines.filter((l) => !l.__parentId);
    expect(products.length).toBe(standIn.products(DEMO_SHOP).length);
    const firstVariant = lines.find((l) => l.__parentId)!;
    expect(firstVariant.__parentId).toBe(products[0]!.id);
    expect(await getBulkOperation(admin, started.id)).toMatchObject({ status: "COMPLETED" });
  });

  it("backs off on THROTTLED and succeeds once the bucket refills", async () => {
    standIn.setThrottle({ maximumAvailable: 60, restoreRate: 200 });
    try {
      const admin = await deps.shopify.admin(DEMO_SHOP);
      const q = `{ products(first: 10) { nodes { id title variants(first: 2) { nodes { id } } } } }`;
      // requested cost 2 + 10 * (1 + 2 + 2 * 1) = 52: the second call finds the bucket empty.
      const results = await Promise.all([admin.request(q), admin.request(q), admin.request(q)]);
      for (const r of results) expect((r.data as { products: { nodes: unknown[] } }).products.nodes).toHaveLength(10);
      expect(deps.logs.lines.some((l) => l.msg === "shopify throttled; backing off")).toBe(true);
    } finally {
      standIn.setThrottle(false);
    }
  });

  it("verifies webhook HMACs over the raw body", () => {
    const body = JSON.stringify({ id: 1, title: "Mug" });
    expect(verifyShopifyHmac(body, standIn.sign(body), standIn.apiSecret)).toBe(true);
    expect(deps.shopify.verifyWebhookHmac(body, standIn.sign(body))).toBe(true);
    expect(deps.shopify.verifyWebhookHmac(`${body} `, standIn.sign(body))).toBe(false);
    expect(deps.shopify.verifyWebhookHmac(body, "")).toBe(false);
    expect(deps.shopify.verifyWebhookHmac(body, "bm90IGEgaG1hYw==")).toBe(false);
  });

  it("the library's own session class round-trips through the encrypted storage", async () => {
    const s = await deps.shopify.sessionStorage.loadSession(offlineSessionId(DEMO_SHOP));
    expect(s).toBeInstanceOf(Session);
    expect(s?.accessToken).toMatch(/^shpat_/);
  });
});
