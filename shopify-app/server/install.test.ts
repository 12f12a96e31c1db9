import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifyStandIn, type ShopifyStandIn } from "@giftloop/sandbox/shopify/server";
import { uninstallShopifySandboxRouting } from "@giftloop/core/integrations/shopify/sandbox-routing";
import { APP_SCOPES } from "@giftloop/core/integrations/shopify/shopify";
import { vendorByShop } from "@giftloop/core/vendors/vendors.service";
import { handleAppUninstalled } from "@giftloop/core/compliance/uninstall";
import { APP_ROOT } from "./mount.ts";
import { appHarness, embeddedUrl, TEST_API_KEY, TEST_API_SECRET, type AppHarness } from "./testing.ts";

const SHOP = "install-test.myshopify.com";
let standIn: ShopifyStandIn;
let h: AppHarness;

beforeAll(async () => {
  standIn = await startShopifyStandIn({
    port: 0,
    apiKey: TEST_API_KEY,
    apiSecret: TEST_API_SECRET,
    webhookUrl: null,
    demoShop: false,
    shops: [{ domain: SHOP, name: "Install Test Co", currency: "EUR", products: 3 }],
  });
  h = await appHarness({ SHOPIFY_SANDBOX_URL: standIn.url });
}, 240_000);
afterAll(async () => {
  await h?.close();
  await uninstallShopifySandboxRouting();
  await standIn?.close();
});

const browser = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36" };

describe("install through token exchange", () => {
  it("creates the vendor from Shopify's shop details, starts a catalog sync, and stores no plaintext token", async () => {
    const res = await h.app.request(embeddedUrl("/app", SHOP), { headers: browser });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Setup guide");

    const vendor = await vendorByShop(h.deps, SHOP);
    expect(vendor).toMatchObject({ name: "Install Test Co", email: "owner@install-test.myshopify.com", status: "active" });
    const syncs = await h.deps.db.sql.query<{ status: string }>("SELECT status::text AS status FROM catalog_sync WHERE vendor_id = $1", [vendor!.id]);
    expect(syncs).toHaveLength(1);

    const rows = await h.deps.db.sql.query<Record<string, unknown>>('SELECT * FROM "Session" WHERE shop = $1', [SHOP]);
    expect(rows).toHaveLength(1);
    const session = await h.deps.db.prisma.session.findFirstOrThrow({ where: { shop: SHOP } });
    // The token Shopify issued, as the library reads it back (decrypted) ...
    const { sessionStorageFor } = await import("@giftloop/core/integrations/shopify/encrypted-session-storage");
    const loaded = await sessionStorageFor(h.deps).loadSession(session.id);
    expect(loaded?.accessToken).toMatch(/^shpat_/);
    // ... appears nowhere in the database row.
    expect(JSON.stringify(rows[0], (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(loaded!.accessToken!);
    expect(session.accessToken).not.toMatch(/^shpat_/);
  });

  it("reactivates the vendor when the shop reinstalls, and brings back the offers the uninstall paused", async () => {
    const vendor = (await vendorByShop(h.deps, SHOP))!;
    const live = await h.deps.db.prisma.giftOffer.create({ data: { vendorId: vendor.id, name: "Live", kind: "single", status: "active", priceAmount: 1000, currency: "EUR" } });
    const paused = await h.deps.db.prisma.giftOffer.create({ data: { vendorId: vendor.id, name: "Paused by the brand", kind: "single", status: "paused", priceAmount: 1000, currency: "EUR" } });
    await handleAppUninstalled(h.deps, SHOP); // what the app/uninstalled webhook's job does
    expect(await vendorByShop(h.deps, SHOP)).toMatchObject({ status: "uninstalled" });
    expect(await h.deps.db.prisma.session.count({ where: { shop: SHOP } })).toBe(0);
    expect((await h.deps.db.prisma.giftOffer.findUniqueOrThrow({ where: { id: live.id } })).status).toBe("paused");

    const res = await h.app.request(embeddedUrl("/app", SHOP), { headers: browser });
    expect(res.status).toBe(200);
    expect(await vendorByShop(h.deps, SHOP)).toMatchObject({ status: "active", uninstalledAt: null });
    expect((await h.deps.db.prisma.giftOffer.findUniqueOrThrow({ where: { id: live.id } })).status).toBe("active");
    expect((await h.deps.db.prisma.giftOffer.findUniqueOrThrow({ where: { id: paused.id } })).status).toBe("paused");
  });
});

describe("Shopify webhooks", () => {
  function delivery(body: string, headers: Record<string, string> = {}) {
    return h.app.request("/webhooks/shopify", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-shopify-topic": "products/update",
        "x-shopify-hmac-sha256": standIn.sign(body),
        "x-shopify-shop-domain": SHOP,
        "x-shopify-webhook-id": "wh-1",
        "x-shopify-api-version": "2026-10",
        "x-shopify-triggered-at": new Date().toISOString(),
        ...headers,
      },
      body,
    });
  }
  const recorded = async (id: string) =>
    (await h.deps.db.sql.query("SELECT 1 FROM webhook_event WHERE provider = 'shopify' AND external_id = $1", [id])).length;

  it("records a verified delivery once per webhook id and answers 200", async () => {
    const body = JSON.stringify({ id: 1, title: "Mug", updated_at: new Date().toISOString() });
    expect((await delivery(body)).status).toBe(200);
    expect((await delivery(body)).status).toBe(200); // Shopify's retry: a no-op
    expect(await recorded("wh-1")).toBe(1);
  });

  it("refuses a bad HMAC with 401 and records nothing", async () => {
    const res = await delivery(JSON.stringify({ id: 2 }), { "x-shopify-hmac-sha256": standIn.sign("something else"), "x-shopify-webhook-id": "wh-bad" });
    expect(res.status).toBe(401);
    expect(await recorded("wh-bad")).toBe(0);
  });

  it("refuses malformed JSON, a foreign shop domain and missing headers with 400, recording nothing", async () => {
    expect((await delivery('{"id": 3, "title": "trunc', { "x-shopify-webhook-id": "wh-trunc" })).status).toBe(400);
    expect((await delivery("{}", { "x-shopify-shop-domain": "shop.example.com", "x-shopify-webhook-id": "wh-foreign" })).status).toBe(400);
    expect((await delivery("{}", { "x-shopify-webhook-id": "" })).status).toBe(400);
    expect(await recorded("wh-trunc")).toBe(0);
    expect(await recorded("wh-foreign")).toBe(0);
  });
});

describe("shopify.app.toml", () => {
  const toml = readFileSync(path.join(APP_ROOT, "..", "shopify.app.toml"), "utf8");

  it("declares the scopes the app requests, embedded, API 2026-10", () => {
    expect(/^scopes = "([^"]*)"/m.exec(toml)?.[1]?.split(",")).toEqual([...APP_SCOPES]);
    expect(toml).toMatch(/^embedded = true$/m);
    expect(toml).toMatch(/^api_version = "2026-10"$/m);
  });

  it("subscribes every topic the product handles and the compliance topics, each to the webhook route named in its comment", () => {
    const topics = [...toml.matchAll(/^\s*(?:compliance_)?topics = \[([^\]]*)\]/gm)].flatMap((m) => [...m[1]!.matchAll(/"([^"]+)"/g)].map((t) => t[1]));
    expect(topics.sort()).toEqual(
      [
        "app/uninstalled",
        "products/create",
        "products/update",
        "products/delete",
        "inventory_levels/update",
        "bulk_operations/finish",
        "fulfillments/create",
        "fulfillments/update",
        "orders/cancelled",
        "refunds/create",
        "customers/data_request",
        "customers/redact",
        "shop/redact",
      ].sort(),
    );
    const uris = [...toml.matchAll(/^\s*uri = "([^"]+)"/gm)].map((m) => m[1]);
    expect(new Set(uris)).toEqual(new Set(["/webhooks/shopify"]));
    const comments = toml.match(/Handled by (\S+)/g) ?? [];
    expect(comments.length).toBe(7);
    for (const c of comments) expect(readFileSync(path.join(APP_ROOT, "..", c.replace("Handled by ", "").replace(/[.,]$/, "")), "utf8")).toContain("router.post(SHOPIFY_WEBHOOK_PATH");
  });
});
