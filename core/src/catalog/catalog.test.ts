import { RequestedTokenType } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_SHOP, startShopifyStandIn, type ShopifyStandIn } from "@giftloop/sandbox/shopify/server";
import { startDbWorker } from "../jobs/db-worker.ts";
import type { Worker } from "../jobs/worker.ts";
import { uninstallShopifySandboxRouting } from "../integrations/shopify/sandbox-routing.ts";
import { seedVendor } from "../testing/seed.ts";
import { brandContext, testDeps, type TestDeps } from "../testing/deps.ts";
import { postShopifyWebhook, serveApp } from "../webhooks/testing.ts";
import { latestSync, listProducts, setProductsGiftable } from "./catalog.queries.ts";
import { startCatalogSync } from "./catalog.sync.ts";

const backend = process.env.TEST_PG_ADMIN_URL ? "postgres" : "pglite";

let standIn: ShopifyStandIn;
let deps: TestDeps;
let worker: Worker;
let served: Awaited<ReturnType<typeof serveApp>>;
let receiverUrl: string;
let vendorId: string;
let seededProductIds: string[];

async function waitFor<T>(what: string, f: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function syncAndWait(opts: { pollAfterMs?: number } = {}) {
  const started = await startCatalogSync(brandContext(deps, vendorId), deps, opts);
  if (!started.ok) throw new Error(started.detail);
  const { syncId } = started;
  return waitFor("the sync to finish", async () => {
    const s = await latestSync(brandContext(deps, vendorId));
    return s && s.id === syncId && (s.status === "completed" || s.status === "failed") ? s : undefined;
  });
}

async function mirrorProduct(shopifyId: number) {
  return deps.db.prisma.product.findFirst({
    where: { vendorId, shopifyId: `gid://shopify/Product/${shopifyId}` },
    include: { variants: { orderBy: { shopifyId: "asc" } }, options: { orderBy: { position: "asc" } }, images: { orderBy: { position: "asc" } } },
  });
}

beforeAll(async () => {
  standIn = await startShopifyStandIn({ retry: { delaysMs: [50, 100, 200], timeoutMs: 2000 } });
  deps = await testDeps({ env: { SHOPIFY_SANDBOX_URL: standIn.url, SHOPIFY_API_SECRET: standIn.apiSecret } });
  // The stand-in delivers to the production route: HMAC, record, 200.
  served = await serveApp(deps);
  receiverUrl = `${served.url}/webhooks/shopify`;
  standIn.setWebhookUrl(receiverUrl);
  const seeded = await seedVendor(deps.db, { shop: DEMO_SHOP });
  vendorId = seeded.vendorId;
  seededProductIds = Object.values(seeded.products);
  const { session } = await deps.shopify.api.auth.tokenExchange({
    shop: DEMO_SHOP,
    sessionToken: standIn.mintSessionToken(DEMO_SHOP),
    requestedTokenType: RequestedTokenType.OfflineAccessToken,
  });
  await deps.shopify.sessionStorage.storeSession(session);
  worker = startDbWorker(deps, deps.jobs.registry, { concurrency: 4, batchSize: 20, pollIntervalMs: 10, leaseSeconds: 30, shutdownGraceMs: 2000 });
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await standIn?.close();
  await served?.close();
  await deps?.close();
  await uninstallShopifySandboxRouting();
});

describe(`catalog sync (${backend})`, () => {
  it("bulk sync end to end: stand-in -> bulk operation -> finish webhook -> JSONL import -> mirror rows", async () => {
    const sync = await syncAndWait({ pollAfterMs: 60_000 }); // only the webhook can finish it in time
    expect(sync.status).toBe("completed");
    expect(sync.errors).toEqual([]);
    expect(sync.progress).toBe(1);
    const shopProducts = standIn.products(DEMO_SHOP);
    const variantTotal = shopProducts.reduce((n, p) => n + p.variants.length, 0);
    expect(sync.productsSynced).toBe(shopProducts.length);
    expect(sync.variantsSynced).toBe(variantTotal);
    expect(sync.objectCount).toBe(shopProducts.length + variantTotal + shopProducts.reduce((n, p) => n + p.images.length, 0));
    expect(standIn.deliveries.find((d) => d.topic === "bulk_operations/finish")?.status).toBe("delivered");

    expect(await deps.db.prisma.product.count({ where: { vendorId, deletedAt: null } })).toBe(shopProducts.length);
    expect(await deps.db.prisma.variant.count({ where: { vendorId, deletedAt: null } })).toBe(variantTotal);

    // One product in detail: fields, prices in minor units, options, images, stock.
    const src = shopProducts.find((p) => p.variants.length >= 3 && p.options.length === 2)!;
    const row = (await mirrorProduct(src.id))!;
    expect(row).toMatchObject({ title: src.title, handle: src.handle, productType: src.productType, brand: src.vendor, status: src.status.toLowerCase(), tags: src.tags });
    expect(row.shopifyUpdatedAt?.toISOString()).toBe(src.updatedAt.toISOString());
    expect(row.options.map((o) => [o.name, o.values])).toEqual(src.options.map((o) => [o.name, o.values]));
    expect(row.images.map((i) => i.url)).toEqual(src.images.map((i) => `${standIn.url}${i.path}`));
    expect(row.variants.map((v) => [v.priceAmount, v.inventoryQuantity, v.selectedOptions, v.currency])).toEqual(
      [...src.variants].sort((a, b) => String(a.id).localeCompare(String(b.id))).map((v) => [v.price, v.inventoryQuantity, v.selectedOptions, "USD"]),
    );
    // The images are served by the stand-in (the offline browser can load them).
    const img = await fetch(row.images[0]!.url);
    expect(img.headers.get("content-type")).toBe("image/svg+xml");

    // The seeded products are not in the shop: a full sync soft-deletes them.
    const seeded = await deps.db.prisma.product.findMany({ where: { id: { in: seededProductIds } } });
    expect(seeded.every((p) => p.deletedAt !== null)).toBe(true);
  });

  it("keeps the brand's giftable choices across a re-sync", async () => {
    const page = await listProducts(brandContext(deps, vendorId), deps, { limit: 5 });
    const ids = page.items.map((p) => p.id);
    expect(await setProductsGiftable(brandContext(deps, vendorId), ids, true)).toEqual({ updated: 5 });
    const sync = await syncAndWait();
    expect(sync.status).toBe("completed");
    const giftable = await listProducts(brandContext(deps, vendorId), deps, { giftable: true, limit: 100 });
    expect(giftable.items.map((p) => p.id).sort()).toEqual([...ids].sort());
  });

  it("webhooks keep the mirror current: products/update, create, delete, inventory_levels/update", async () => {
    const src = standIn.products(DEMO_SHOP)[3]!;
    const v = src.variants[0]!;
    const res = await fetch(`${standIn.url}/_sandbox/shops/${DEMO_SHOP}/products/${src.id}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ title: "Renamed Gift", variants: [{ id: v.id, price: "42.50" }] }),
    });
    expect(res.status).toBe(200);
    await waitFor("products/update in the mirror", async () => (await mirrorProduct(src.id))?.title === "Renamed Gift");
    const row = (await mirrorProduct(src.id))!;
    expect(row.variants.find((x) => x.shopifyId === `gid://shopify/ProductVariant/${v.id}`)?.priceAmount).toBe(4250);

    const created = standIn.createProduct(DEMO_SHOP, { title: "New Enamel Pin", price: "9.00" });
    await waitFor("products/create in the mirror", () => mirrorProduct(created.id));
    expect((await mirrorProduct(created.id))!.variants[0]!.priceAmount).toBe(900);

    standIn.setInventory(DEMO_SHOP, v.inventoryItemId, 3);
    await waitFor("inventory_levels/update in the mirror", async () =>
      (await mirrorProduct(src.id))!.variants.find((x) => x.shopifyId === `gid://shopify/ProductVariant/${v.id}`)?.inventoryQuantity === 3,
    );

    standIn.deleteProduct(DEMO_SHOP, created.id);
    await waitFor("products/delete in the mirror", async () => (await mirrorProduct(created.id))?.deletedAt != null);
    expect((await mirrorProduct(created.id))!.variants.every((x) => x.deletedAt !== null)).toBe(true);
  });

  it("a stale products/update (older updated_at) changes nothing; a duplicate webhook id is a no-op", async () => {
    const src = standIn.products(DEMO_SHOP)[4]!;
    const before = (await mirrorProduct(src.id))!;
    const stalePayload = {
      id: src.id,
      admin_graphql_api_id: `gid://shopify/Product/${src.id}`,
      title: "Stale title",
      handle: src.handle,
      updated_at: new Date(src.updatedAt.getTime() - 60_000).toISOString(),
      variants: [],
      options: [],
      images: [],
    };
    const d = standIn.emitWebhook(DEMO_SHOP, "products/update", stalePayload);
    await standIn.whenDeliveriesSettled();
    const event = await waitFor("the stale webhook to be processed", () =>
      deps.db.prisma.webhookEvent.findFirst({ where: { provider: "shopify", externalId: d.webhookId, processedAt: { not: null } } }),
    );
    expect(event.topic).toBe("products/update");
    const after = (await mirrorProduct(src.id))!;
    expect(after.title).toBe(before.title);
    expect(after.variants.map((v) => v.deletedAt)).toEqual(before.variants.map((v) => v.deletedAt));
    expect(after.updatedAt.getTime()).toBe(before.updatedAt.getTime());

    // The same X-Shopify-Webhook-Id again (Shopify's retry): recorded once, one job.
    const again = await postShopifyWebhook(served.app, standIn.apiSecret, { webhookId: d.webhookId, topic: "products/update", shop: DEMO_SHOP, body: JSON.stringify(stalePayload) });
    expect(again.status).toBe(200);
    expect(await deps.db.prisma.webhookEvent.count({ where: { externalId: d.webhookId } })).toBe(1);
    const jobs = await deps.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM job WHERE idempotency_key = $1`, [`webhook:shopify:${d.webhookId}`]);
    expect(jobs[0]!.n).toBeLessThanOrEqual(1);
  });

  it("skips broken JSONL lines, reports them on the sync, and keeps every good line", async () => {
    // Line 1 is a product, line 2 its first variant; corrupt both plus one more variant.
    standIn.corruptNextBulk(DEMO_SHOP, [1, 2, 7]);
    const sync = await syncAndWait();
    expect(sync.status).toBe("completed");
    const lines = sync.errors.map((e) => e.line);
    expect(lines).toContain(1);
    expect(lines).toContain(2);
    expect(lines).toContain(7);
    expect(sync.errors.find((e) => e.line === 1)?.reason).toMatch(/invalid JSON/);
    // The broken product line's product stays (its id was readable), and everything else imported.
    const shopProducts = standIn.products(DEMO_SHOP);
    expect(await deps.db.prisma.product.count({ where: { vendorId, deletedAt: null } })).toBe(shopProducts.length);
    expect(sync.productsSynced).toBe(shopProducts.length - 1);
  });

  it("finishes by polling when no finish webhook arrives", async () => {
    standIn.setWebhookUrl(null);
    try {
      const sync = await syncAndWait({ pollAfterMs: 100 });
      expect(sync.status).toBe("completed");
      expect(sync.productsSynced).toBe(standIn.products(DEMO_SHOP).length);
    } finally {
      standIn.setWebhookUrl(receiverUrl);
    }
  });

  it("refuses a bad HMAC and a shop domain that is not *.myshopify.com; unknown topics are acknowledged and ignored", async () => {
    const body = JSON.stringify({ id: 1 });
    const post = (webhookId: string, headers: Record<string, string>) =>
      postShopifyWebhook(served.app, standIn.apiSecret, { topic: "products/update", shop: DEMO_SHOP, body, webhookId, headers });
    expect((await post("wh-bad-hmac", { "x-shopify-hmac-sha256": standIn.sign(`${body}x`) })).status).toBe(401);
    expect((await post("wh-bad-hmac", { "x-shopify-hmac-sha256": "" })).status).toBe(401);
    const evil = await post("wh-evil", { "x-shopify-shop-domain": "evil.example.com" });
    expect(evil.status).toBe(400);
    expect(await evil.json()).toMatchObject({ code: "invalid_shop_domain" });
    expect((await post("wh-evil-suffix", { "x-shopify-shop-domain": `${DEMO_SHOP}.evil.com` })).status).toBe(400);
    expect(await deps.db.prisma.webhookEvent.count({ where: { externalId: { in: ["wh-bad-hmac", "wh-evil", "wh-evil-suffix"] } } })).toBe(0);

    const d = standIn.emitWebhook(DEMO_SHOP, "shop/update", { id: 1, name: "Renamed shop" });
    await standIn.whenDeliveriesSettled();
    expect(standIn.deliveries.find((x) => x.webhookId === d.webhookId)?.status).toBe("delivered");
    await waitFor("the unknown topic to be acknowledged", () =>
      deps.db.prisma.webhookEvent.findFirst({ where: { externalId: d.webhookId, processedAt: { not: null } } }),
    );
    expect(deps.logs.lines.some((l) => l.topic === "shop/update" && String(l.msg).includes("no handler"))).toBe(true);
  });

  it("lists products vendor-scoped with filters and cursor pages; another vendor sees and changes nothing", async () => {
    const all: string[] = [];
    let cursor: string | null = null;
    let total = 0;
    do {
      const page = await listProducts(brandContext(deps, vendorId), deps, { limit: 40, cursor });
      total = page.total;
      all.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(all.length).toBe(total);
    expect(new Set(all).size).toBe(all.length);

    const apparel = await listProducts(brandContext(deps, vendorId), deps, { productType: "Apparel", limit: 100 });
    expect(apparel.items.length).toBeGreaterThan(0);
    expect(apparel.items.every((p) => p.productType === "Apparel" && p.variantCount > 0 && p.imageUrl)).toBe(true);
    const out = await listProducts(brandContext(deps, vendorId), deps, { inStock: false, limit: 100 });
    expect(out.items.every((p) => !p.inStock && p.stock === 0)).toBe(true);
    const stocked = await listProducts(brandContext(deps, vendorId), deps, { inStock: true, limit: 100 });
    expect(stocked.items.length).toBeGreaterThan(0);
    expect(stocked.items.every((p) => p.inStock)).toBe(true);
    expect(stocked.total + out.total).toBe(total); // the filter partitions the catalog
    const search = await listProducts(brandContext(deps, vendorId), deps, { query: "renamed gift" });
    expect(search.items.map((p) => p.title)).toEqual(["Renamed Gift"]);

    const other = await deps.db.prisma.vendor.create({ data: { shopDomain: "other-brand.myshopify.com", name: "Other" } });
    expect((await listProducts(brandContext(deps, other.id), deps)).items).toEqual([]);
    expect(await setProductsGiftable(brandContext(deps, other.id), all.slice(0, 10), true)).toEqual({ updated: 0 });
    expect(await latestSync(brandContext(deps, other.id))).toBeNull();
  });
});
