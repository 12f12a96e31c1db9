/**
 * Admin pages of the embedded app, on real PostgreSQL with a seeded catalog (5,000 products,
 * 20,000 variants), 20 offers and 2,000 recipients' gifts in 100 orders:
 *  - admin.page_response.p95: each page's server response (document request with a fresh
 *    session token, Hono -> Remix -> use cases -> HTML, whole body read), p95 over every
 *    page's samples; per page `admin.page_response.<page>.p95`.
 *  - admin.lcp.max / admin.cls.max: each page opened in Chromium through the sandbox admin
 *    frame (as in Shopify admin, with the App Bridge stand-in), LCP and CLS of the app's
 *    iframe read from PerformanceObserver; the worst page, and per page.
 * Runs in the `catalog` suite (`npm run bench -- catalog`).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import { Session } from "@shopify/shopify-api";
import { createApp } from "@giftloop/core/http/app";
import { buildDeps } from "@giftloop/core/platform/build-deps";
import { parseConfig } from "@giftloop/core/platform/config";
import { migrate } from "@giftloop/core/platform/db/migrate";
import { createLogger } from "@giftloop/core/platform/logger";
import { offlineSessionId, sessionStorageFor } from "@giftloop/core/integrations/shopify/encrypted-session-storage";
import { APP_SCOPES } from "@giftloop/core/integrations/shopify/shopify";
import type { Deps } from "@giftloop/core/platform/deps";
import { ensureAppBuild } from "@giftloop/shopify-app/server/build";
import { mountShopifyApp } from "@giftloop/shopify-app/server/mount";
import { embeddedAppUrl, startAdminFrame } from "@giftloop/sandbox/admin-frame/server";
import { launchChromium } from "@giftloop/sandbox/admin-frame/browser";
import { freePort } from "@giftloop/sandbox/admin-frame/sandbox";
import { percentile, progress, report } from "./figures.ts";
import { freshPostgres } from "./pg.ts";

const SHOP = "bench-admin.myshopify.com";
const API_KEY = "giftloop-bench-app";
const API_SECRET = "giftloop-bench-secret-0123456789abcdef";
const PRODUCTS = 5_000;
const VARIANTS_PER_PRODUCT = 4;
const ORDERS = 100;
const UNITS_PER_ORDER = 20;
const SAMPLES = 40;

const ROUTE_IDS: Record<string, string> = {
  home: "app._index",
  catalog: "app.catalog",
  catalog_search: "app.catalog",
  offers: "app.offers._index",
  offer_edit: "app.offers.$offerId",
  offer_new: "app.offers.$offerId",
  storefront: "app.storefront",
  orders: "app.orders._index",
  order_detail: "app.orders.$orderId",
  unit_detail: "app.units.$unitId",
  settings: "app.settings",
};

/** Runs in every frame (the app's iframe included): LCP and layout shifts as the browser reports them. */
const VITALS_SCRIPT = `
  window.__vitals = { lcp: 0, cls: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__vitals.lcp = Math.max(window.__vitals.lcp, e.startTime);
  }).observe({ type: "largest-contentful-paint", buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__vitals.cls += e.value;
  }).observe({ type: "layout-shift", buffered: true });
`;

const IMG = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='80' height='80'%3E%3Crect width='80' height='80' fill='%23cfe8dc'/%3E%3C/svg%3E";

async function seed(deps: Deps): Promise<{ vendorId: string; offerId: string; orderId: string; unitId: string }> {
  const sql = deps.db.sql;
  const [v] = await sql.query<{ id: string }>(
    `INSERT INTO vendor (id, shop_domain, name, email, currency, updated_at)
     VALUES (gen_random_uuid(), $1, 'Bench Admin Co', 'owner@bench-admin.test', 'USD', now()) RETURNING id::text AS id`,
    [SHOP],
  );
  const vendorId = v!.id;
  const types = ["Apparel", "Home", "Food & Drink", "Stationery", "Accessories"];
  await sql.query(
    `INSERT INTO product (id, vendor_id, shopify_id, title, handle, product_type, brand, giftable, updated_at)
     SELECT gen_random_uuid(), $1, 'gid://shopify/Product/' || g, 'Product ' || lpad(g::text, 5, '0'), 'product-' || g,
            ($2::text[])[1 + g % 5], 'Bench Brand', g % 3 = 0, now()
       FROM generate_series(1, $3::int) g`,
    [vendorId, types, PRODUCTS],
  );
  await sql.query(
    `INSERT INTO product_image (id, product_id, url, position)
     SELECT gen_random_uuid(), p.id, $2, 1 FROM product p WHERE p.vendor_id = $1`,
    [vendorId, IMG],
  );
  await sql.query(
    `INSERT INTO product_option (id, product_id, name, position, "values")
     SELECT gen_random_uuid(), p.id, 'Size', 1, ARRAY['S','M','L','XL'] FROM product p WHERE p.vendor_id = $1`,
    [vendorId],
  );
  await sql.query(
    `INSERT INTO variant (id, vendor_id, product_id, shopify_id, title, sku, price_amount, currency, selected_options, inventory_quantity, updated_at)
     SELECT gen_random_uuid(), $1, p.id, p.shopify_id || '-' || s.i, s.size, p.handle || '-' || s.i, 2500 + s.i * 100, 'USD',
            jsonb_build_array(jsonb_build_object('name', 'Size', 'value', s.size)), (abs(hashtext(p.handle)) + s.i) % 50, now()
       FROM product p CROSS JOIN (SELECT i, (ARRAY['S','M','L','XL'])[i] AS size FROM generate_series(1, $2::int) i) s
      WHERE p.vendor_id = $1`,
    [vendorId, VARIANTS_PER_PRODUCT],
  );
  const products = await sql.query<{ id: string }>("SELECT id::text AS id FROM product WHERE vendor_id = $1 AND giftable ORDER BY title LIMIT 40", [vendorId]);
  const offers: string[] = [];
  for (let i = 0; i < 20; i++) {
    const o = await deps.db.prisma.giftOffer.create({
      data: {
        vendorId,
        name: `Offer ${i + 1}`,
        kind: i % 2 ? "choice" : "single",
        status: i % 5 === 4 ? "paused" : "active",
        priceAmount: 4000 + i * 250,
        currency: "USD",
        items: { create: (i % 2 ? products.slice(i, i + 3) : products.slice(i, i + 1)).map((p, position) => ({ productId: p.id, position })) },
      },
    });
    offers.push(o.id);
  }
  const sf = await deps.db.prisma.storefront.create({
    data: { vendorId, slug: "bench-admin", name: "Bench Admin Gifts", welcomeText: "Welcome", offers: { create: offers.slice(0, 8).map((offerId, position) => ({ offerId, position })) } },
  });
  await deps.db.prisma.shippingRule.createMany({
    data: ["US", "CA", "GB", "DE", "*"].map((country, i) => ({ vendorId, country, rateAmount: 500 + i * 200, currency: "USD" })),
  });
  const buyer = await deps.db.prisma.buyerOrg.create({ data: { name: "Initech", email: "gifts@initech.test" } });
  await sql.query(
    `WITH o AS (
       INSERT INTO gift_order (id, buyer_org_id, storefront_id, status, currency, items_amount, shipping_amount, total_amount, recipient_count, buyer_reference, created_at, updated_at, paid_at)
       SELECT gen_random_uuid(), $1::uuid, $2::uuid, 'paid', 'USD', 80000, 10000, 90000, $4::int, 'PO-' || g, now() - (g || ' hours')::interval, now(), now()
         FROM generate_series(1, $3::int) g
       RETURNING id
     ), r AS (
       INSERT INTO order_recipient (id, order_id, row, offer_id, name, email, amount, country)
       SELECT gen_random_uuid(), o.id, n, $5::uuid, 'Recipient ' || n, 'r' || n || '-' || left(o.id::text, 8) || '@example.test', 4500, 'US'
         FROM o CROSS JOIN generate_series(1, $4::int) n
       RETURNING id, order_id, row, name, email
     )
     INSERT INTO fulfillment_unit (id, order_id, recipient_id, vendor_id, offer_id, status, amount, currency, recipient_name, recipient_email,
                                   choices, code_hash, code_sealed, send_at, sent_at, expires_at, updated_at)
     SELECT gen_random_uuid(), r.order_id, r.id, $6::uuid, $5::uuid,
            (ARRAY['sent','sent','redeemed','shipped','delivered','issued','expired'])[1 + r.row % 7]::"UnitStatus",
            4500, 'USD', r.name, r.email, '[]'::jsonb, md5(r.id::text), 'sealed', now(), now(), now() + interval '60 days', now()
       FROM r`,
    [buyer.id, sf.id, ORDERS, UNITS_PER_ORDER, offers[0], vendorId],
  );
  const [unit] = await sql.query<{ id: string; order_id: string }>(
    "SELECT id::text AS id, order_id::text AS order_id FROM fulfillment_unit WHERE vendor_id = $1 ORDER BY created_at LIMIT 1",
    [vendorId],
  );
  await sql.query("ANALYZE");
  return { vendorId, offerId: offers[1]!, orderId: unit!.order_id, unitId: unit!.id };
}

export async function run(): Promise<void> {
  // As deployed: React's production server renderer (chosen when the app's build loads).
  process.env.NODE_ENV ??= "production";
  progress("admin pages: building the app, seeding PostgreSQL");
  await ensureAppBuild({ log: progress });
  const db = await freshPostgres("gl_bench_admin");
  const port = await freePort();
  const appUrl = `http://localhost:${port}`;
  const frame = await startAdminFrame({ appUrl, apiKey: API_KEY, apiSecret: API_SECRET, shop: SHOP, shopName: "Bench Admin Co", port: 0 });
  let server: ServerType | undefined;
  let deps: Deps | undefined;
  try {
    const config = parseConfig({
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      DATA_DIR: mkdtempSync(path.join(tmpdir(), "gl-bench-admin-")),
      DATABASE_URL: db.url,
      SECRETS_LOCAL_KEY: Buffer.alloc(32, 7).toString("base64"),
      OPERATOR_TOKEN_SECRET: "x".repeat(40),
      SIGNING_SECRET: "y".repeat(40),
      SMTP_URL: "smtp://127.0.0.1:1",
      CODE_HMAC_KEY: Buffer.alloc(32, 9).toString("base64"),
      STRIPE_SECRET_KEY: "sk_test_bench",
      STRIPE_WEBHOOK_SECRET: "whsec_bench",
      STRIPE_CONNECT_WEBHOOK_SECRET: "whsec_bench_connect",
      SHOPIFY_API_KEY: API_KEY,
      SHOPIFY_API_SECRET: API_SECRET,
      SHOPIFY_APP_URL: appUrl,
      PORT: String(port),
    });
    // Production settings, except the admin frame stands in for Shopify admin (framing, App Bridge).
    const benchConfig = { ...config, SHOPIFY_APP_BRIDGE_URL: frame.appBridgeUrl };
    deps = await buildDeps(benchConfig, { log: createLogger("warn", process.stderr) });
    await migrate(deps.db.owner);
    const ids = await seed(deps);
    await sessionStorageFor(deps).storeSession(
      new Session({ id: offlineSessionId(SHOP), shop: SHOP, state: "", isOnline: false, accessToken: "shpat_bench", scope: APP_SCOPES.join(",") }),
    );
    const mounted = await mountShopifyApp(deps);
    if (!mounted) throw new Error("the Shopify app build is missing");
    const app = createApp(deps, { routes: [mounted.routes], ownErrorPages: mounted.ownErrorPages });
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port }, () => resolve(s));
    });

    const pages: Array<[string, string]> = [
      ["home", "/app"],
      ["catalog", "/app/catalog"],
      ["catalog_search", "/app/catalog?q=Product%2001&giftable=yes"],
      ["offers", "/app/offers"],
      ["offer_edit", `/app/offers/${ids.offerId}`],
      ["offer_new", "/app/offers/new"],
      ["storefront", "/app/storefront"],
      ["orders", "/app/orders"],
      ["order_detail", `/app/orders/${ids.orderId}`],
      ["unit_detail", `/app/units/${ids.unitId}`],
      ["settings", "/app/settings"],
    ];
    const ua = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36" };
    const opts = { appUrl, apiKey: API_KEY, apiSecret: API_SECRET, shop: SHOP };

    progress(`admin pages: ${SAMPLES} document requests per page, ${pages.length} pages`);
    const all: number[] = [];
    for (const [name, p] of pages) {
      for (let i = 0; i < 3; i++) await (await fetch(embeddedAppUrl(opts, p), { headers: ua })).text(); // warm up
      const times: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const url = embeddedAppUrl(opts, p); // a fresh session token each time, as the admin sends
        const t0 = performance.now();
        const res = await fetch(url, { headers: ua });
        await res.text();
        times.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`${p} answered ${res.status}`);
      }
      times.sort((a, b) => a - b);
      all.push(...times);
      report({ metric: `admin.page_response.${name}.p95`, value: percentile(times, 95), unit: "ms" });
      // The same page's data alone (what a navigation inside the app fetches): loaders without HTML.
      const route = `routes/${ROUTE_IDS[name]}`;
      const data: number[] = [];
      for (let i = 0; i < SAMPLES / 2; i++) {
        const u = new URL(`${appUrl}${p}`);
        u.searchParams.set("_data", route);
        const token = new URL(embeddedAppUrl(opts, p)).searchParams.get("id_token")!;
        const t0 = performance.now();
        const res = await fetch(u, { headers: { ...ua, authorization: `Bearer ${token}` } });
        await res.text();
        data.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`${u} answered ${res.status}`);
      }
      data.sort((a, b) => a - b);
      report({ metric: `admin.page_data.${name}.p95`, value: percentile(data, 95), unit: "ms" });
    }
    all.sort((a, b) => a - b);
    report({ metric: "admin.page_response.p95", value: percentile(all, 95), unit: "ms", target: "<= 200" });

    progress("admin pages: LCP and CLS in Chromium through the admin frame");
    const chromium = await launchChromium();
    try {
      const context = await chromium.newContext();
      // In every frame (the app's iframe included): record LCP and layout shifts as they happen.
      await context.addInitScript({ content: VITALS_SCRIPT });
      let lcpMax = 0;
      let clsMax = 0;
      /** One load of the page in the admin frame: its LCP and CLS (LCP 0: no LCP entry was delivered). */
      const measure = async (p: string) => {
        const page = await context.newPage();
        try {
          await page.goto(`${frame.adminUrl}${p.replace(/^\/app/, "")}`, { waitUntil: "load" });
          const appFrame = page.frame({ name: "app-iframe" });
          if (!appFrame) throw new Error("the admin frame has no app iframe");
          await appFrame.waitForLoadState("load");
          await appFrame.waitForSelector(".Polaris-Page", { timeout: 20_000 });
          await page.waitForTimeout(1500); // late shifts and paints
          return (await appFrame.evaluate("window.__vitals")) as { lcp: number; cls: number };
        } finally {
          await page.close();
        }
      };
      for (const [name, p] of pages) {
        // Chromium now and then delivers no LCP entry to the frame's observer: that load is
        // measured again rather than reported as an LCP of 0 ms.
        let v = await measure(p);
        for (let retry = 0; v.lcp === 0 && retry < 3; retry++) v = await measure(p);
        if (v.lcp === 0) throw new Error(`no LCP entry for the ${name} page in 4 loads`);
        report({ metric: `admin.lcp.${name}`, value: v.lcp, unit: "ms" });
        report({ metric: `admin.cls.${name}`, value: v.cls, unit: "score" });
        lcpMax = Math.max(lcpMax, v.lcp);
        clsMax = Math.max(clsMax, v.cls);
      }
      report({ metric: "admin.lcp.max", value: lcpMax, unit: "ms", target: "<= 2500" });
      report({ metric: "admin.cls.max", value: Math.round(clsMax * 1000) / 1000, unit: "score", target: "<= 0.1" });
    } finally {
      await chromium.close();
    }
  } finally {
    if (server) await new Promise<void>((r) => server!.close(() => r()));
    await deps?.db.close();
    await frame.close();
    await db.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
  process.exit(0);
}
