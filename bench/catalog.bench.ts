/**
 * Catalog benchmark (Shopify side) on real PostgreSQL:
 *  - catalog.initial_sync_10k.ms: a vendor's first full sync of 10,000 products / 50,000
 *    variants, from startCatalogSync to the sync row completed: the stand-in runs the bulk
 *    query and writes the JSONL file, the finish webhook arrives, the worker streams and
 *    imports it. Compared with the raw floor: the same product/option/image/variant rows
 *    inserted with one multi-row statement per table, in the same run.
 *  - catalog.webhook_to_mirror.p99: products/update webhooks at a steady 50/s, from the
 *    stand-in's POST to the mirror row visible with the new title. The webhooks go to the api
 *    role in its own process (POST /webhooks/shopify: HMAC, record, 200) and the `db` job
 *    worker here.
 *  - webhook.shopify.ingest_*: the api's Shopify webhook route at 64 concurrent senders
 *    (signed products/update deliveries of Shopify's example payload), in rounds alternating
 *    with a bare Hono route at the same concurrency: `ratio_to_bare` is their throughputs' ratio.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { RequestedTokenType } from "@shopify/shopify-api";
import pg from "pg";
import { latestSync } from "@giftloop/core/catalog/catalog.queries";
import { startCatalogSync } from "@giftloop/core/catalog/catalog.sync";
import { vendorContext } from "@giftloop/core/platform/use-case";
import { startDbWorker } from "@giftloop/core/jobs/db-worker";
import { buildDeps } from "@giftloop/core/platform/build-deps";
import { parseConfig } from "@giftloop/core/platform/config";
import { migrate } from "@giftloop/core/platform/db/migrate";
import { createLogger } from "@giftloop/core/platform/logger";
import { shopifyHmac } from "@giftloop/core/testing/webhooks";
import { startShopifyStandIn, type SProduct } from "@giftloop/sandbox/shopify/server";
import { percentile, progress, report } from "./figures.ts";
import { alternate, clients, INGEST_WARM_UP, type LoadRequest } from "./load.ts";
import { freshPostgres } from "./pg.ts";
import { startApi, startBare, type Started } from "./processes.ts";

const SHOP = "bench-brand.myshopify.com";
const PRODUCTS = 10_000;
const VARIANTS_PER_PRODUCT = 5;
const WEBHOOK_RATE = 50; // per second
const WEBHOOK_SECONDS = 10;

export async function run(): Promise<void> {
  const db = await freshPostgres("gl_bench_catalog");
  const standIn = await startShopifyStandIn({
    demoShop: false,
    shops: [{ domain: SHOP, products: PRODUCTS, variantsPerProduct: VARIANTS_PER_PRODUCT, exactVariants: true }],
    retry: { delaysMs: [200, 1000], timeoutMs: 5000 },
  });
  let worker: ReturnType<typeof startDbWorker> | undefined;
  let api: Started | undefined;
  try {
    const config = parseConfig({
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      DATA_DIR: mkdtempSync(path.join(tmpdir(), "gl-bench-catalog-")),
      DATABASE_URL: db.url,
      SHOPIFY_SANDBOX_URL: standIn.url,
      SHOPIFY_API_SECRET: standIn.apiSecret,
    });
    const deps = await buildDeps(config, { log: createLogger("warn", process.stderr) });
    await migrate(deps.db.owner);
    api = await startApi({ DATABASE_URL: db.url, SHOPIFY_API_SECRET: standIn.apiSecret });
    standIn.setWebhookUrl(`${api.origin}/webhooks/shopify`);

    const vendor = await deps.db.prisma.vendor.create({ data: { shopDomain: SHOP, name: "Bench Brand", currency: "USD" } });
    const { session } = await deps.shopify.api.auth.tokenExchange({
      shop: SHOP,
      sessionToken: standIn.mintSessionToken(SHOP),
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
    });
    await deps.shopify.sessionStorage.storeSession(session);
    worker = startDbWorker(deps, deps.jobs.registry, {
      concurrency: config.JOB_CONCURRENCY,
      batchSize: config.JOB_BATCH_SIZE,
      pollIntervalMs: config.JOB_POLL_INTERVAL_MS,
      leaseSeconds: config.JOB_LEASE_SECONDS,
      shutdownGraceMs: 5000,
    });

    // ---------------------------------------------------------------- initial sync
    progress(`catalog: initial sync of ${PRODUCTS} products / ${PRODUCTS * VARIANTS_PER_PRODUCT} variants`);
    const brand = vendorContext({ db: deps.db, vendorId: vendor.id, actor: "bench", log: deps.log });
    const t0 = performance.now();
    const started = await startCatalogSync(brand, deps, { pollAfterMs: 60_000 });
    if (!started.ok) throw new Error(`catalog sync not started: ${started.detail}`);
    const { syncId } = started;
    let sync;
    for (;;) {
      sync = await latestSync(brand);
      if (sync?.id === syncId && (sync.status === "completed" || sync.status === "failed")) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const syncMs = performance.now() - t0;
    if (sync.status !== "completed") throw new Error(`sync failed: ${sync.errorMessage}`);
    const finish = standIn.deliveries.find((d) => d.topic === "bulk_operations/finish");
    const importMs = finish?.firstSentAt && sync.finishedAt ? sync.finishedAt.getTime() - finish.firstSentAt : NaN;
    progress(`catalog: synced ${sync.productsSynced} products, ${sync.variantsSynced} variants, ${sync.errors.length} errors`);
    if (sync.productsSynced !== PRODUCTS || sync.variantsSynced !== PRODUCTS * VARIANTS_PER_PRODUCT) throw new Error("sync imported the wrong number of rows");

    const floorMs = await rawFloor(db.url, standIn.products(SHOP), standIn.url);

    report({ metric: "catalog.initial_sync_10k.ms", value: syncMs, unit: "ms", target: "<= 20000" });
    report({ metric: "catalog.initial_sync_10k.import_ms", value: importMs, unit: "ms" });
    report({ metric: "catalog.initial_sync_10k.raw_floor_ms", value: floorMs, unit: "ms" });
    report({ metric: "catalog.initial_sync_10k.ratio_to_floor", value: syncMs / floorMs, unit: "x", target: "<= 10" });

    // ---------------------------------------------------------------- webhook -> mirror
    const n = WEBHOOK_RATE * WEBHOOK_SECONDS;
    progress(`catalog: ${n} products/update webhooks at ${WEBHOOK_RATE}/s`);
    const products = standIn.products(SHOP);
    const seen = new Map<string, number>(); // title -> when visible
    let polling = true;
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const poller = (async () => {
      while (polling) {
        const rows = await sql.query<{ title: string }>(`SELECT title FROM product WHERE vendor_id = $1 AND title LIKE 'Bench update %'`, [vendor.id]);
        const now = Date.now();
        for (const r of rows.rows) if (!seen.has(r.title)) seen.set(r.title, now);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const before = standIn.deliveries.length;
    const start = Date.now();
    for (let i = 0; i < n; i++) {
      const due = start + (i * 1000) / WEBHOOK_RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      standIn.updateProduct(SHOP, products[(i * 7919) % products.length]!.id, { title: `Bench update ${i}` });
    }
    await standIn.whenDeliveriesSettled();
    const end = Date.now() + 30_000;
    while (seen.size < n && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    polling = false;
    await poller;
    await sql.end();
    const deliveries = standIn.deliveries.slice(before).filter((d) => d.topic === "products/update");
    const latencies: number[] = [];
    deliveries.forEach((d, i) => {
      const at = seen.get(`Bench update ${i}`);
      if (at !== undefined && d.firstSentAt !== null) latencies.push(at - d.firstSentAt);
    });
    if (latencies.length < n) progress(`catalog: only ${latencies.length}/${n} updates reached the mirror`);
    latencies.sort((a, b) => a - b);
    report({ metric: "catalog.webhook_to_mirror.p50", value: percentile(latencies, 50), unit: "ms" });
    report({ metric: "catalog.webhook_to_mirror.p99", value: latencies.length === n ? percentile(latencies, 99) : Infinity, unit: "ms", target: "<= 250" });

    await worker.stop();
    worker = undefined;
    await ingestFigures(api.origin, standIn.apiSecret);
    await deps.db.close();
  } finally {
    await worker?.stop();
    api?.stop();
    await standIn.close();
    await db.drop();
  }
}

/**
 * Shopify webhook intake at 64 concurrent senders against the bare route, alternating: each
 * delivery is Shopify's products/update example (about 2.7 KB) with its own product id,
 * title and webhook id, signed before the clock starts. The worker is stopped: this is the
 * route's cost alone (verify, record with its job, answer).
 */
export async function ingestFigures(origin: string, secret: string): Promise<void> {
  progress("Shopify webhook ingest and the bare route at 64 concurrent senders");
  const example = readFileSync(fileURLToPath(import.meta.resolve("@giftloop/core/testing/fixtures/products-update.json")), "utf8");
  const WEBHOOKS = 10_000;
  const WARM = INGEST_WARM_UP;
  const bodies = Array.from({ length: WEBHOOKS + WARM }, (_, i) =>
    example.replaceAll("788032119674292922", String(788032119674292922n + BigInt(i))).replace('"Example T-Shirt"', `"Bench T-Shirt ${i}"`),
  );
  const signatures = bodies.map((b) => shopifyHmac(b, secret));
  const send = (path: string) => (i: number): LoadRequest => ({
    method: "POST",
    path,
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": "products/update",
      "x-shopify-hmac-sha256": signatures[i]!,
      "x-shopify-shop-domain": SHOP,
      "x-shopify-webhook-id": `bench-${i}-${signatures[i]!.slice(0, 8)}`,
      "x-shopify-api-version": "2026-10",
      "x-shopify-triggered-at": "2026-01-01T00:00:00.000Z",
    },
    body: bodies[i]!,
  });
  const bare = await startBare();
  try {
    const senders = clients(origin, 64);
    const bareSenders = clients(bare.origin, 64);
    // The same warm-up for both, on the connections they are then measured on.
    await senders.run({ total: WARM, expectStatus: 200, make: (i) => send("/webhooks/shopify")(WEBHOOKS + i) });
    await bareSenders.run({ total: WARM, expectStatus: 200, make: (i) => send("/bare")(WEBHOOKS + i) });
    const ROUNDS = 5;
    const PER_ROUND = WEBHOOKS / ROUNDS;
    const { measured: ingest, floor: ceiling } = await alternate(
      ROUNDS,
      (r) => senders.run({ total: PER_ROUND, expectStatus: 200, make: (i) => send("/webhooks/shopify")(r * PER_ROUND + i) }),
      (r, seconds) => bareSenders.run({ total: PER_ROUND, seconds, expectStatus: 200, make: (i) => send("/bare")(r * PER_ROUND + i) }),
    );
    await senders.close();
    await bareSenders.close();
    progress(`shopify ingest: ${Math.round(ingest.rps)} req/s, p50 ${ingest.p50.toFixed(1)} p99 ${ingest.p99.toFixed(1)} ms; bare route: ${Math.round(ceiling.rps)} req/s, p99 ${ceiling.p99.toFixed(1)} ms`);
    report({ metric: "webhook.shopify.ingest_rps", value: ingest.rps, unit: "req/s" });
    report({ metric: "webhook.shopify.ingest_p99", value: ingest.p99, unit: "ms" });
    report({ metric: "webhook.shopify.bare_route_rps", value: ceiling.rps, unit: "req/s" });
    report({ metric: "webhook.shopify.ratio_to_bare", value: ingest.rps / ceiling.rps, unit: "fraction", target: ">= 0.4" });
  } finally {
    bare.stop();
  }
}

/**
 * The floor: the same rows the sync writes, inserted with one multi-row statement per table
 * (product, product_option, product_image, variant) in one transaction on a fresh vendor.
 */
async function rawFloor(url: string, products: SProduct[], base: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const vendor = (await client.query<{ id: string }>(`INSERT INTO vendor (id, shop_domain, name, updated_at) VALUES (gen_random_uuid(), 'floor.myshopify.com', 'Floor', now()) RETURNING id::text AS id`)).rows[0]!.id;
    const dec = (m: number) => m; // already minor units
    const t0 = performance.now();
    await client.query("BEGIN");
    const ids = await client.query<{ id: string; shopify_id: string }>(
      `INSERT INTO product (id, vendor_id, shopify_id, title, handle, description_html, product_type, brand, status, tags, shopify_updated_at, updated_at)
       SELECT gen_random_uuid(), $1::uuid, s.a, s.b, s.c, s.d, s.e, s.f, s.g, ARRAY(SELECT jsonb_array_elements_text(s.h)), s.i, now()
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[], $10::timestamptz[]) AS s(a, b, c, d, e, f, g, h, i)
       RETURNING id::text AS id, shopify_id`,
      [
        vendor,
        products.map((p) => `gid://shopify/Product/${p.id}`),
        products.map((p) => p.title),
        products.map((p) => p.handle),
        products.map((p) => p.descriptionHtml),
        products.map((p) => p.productType),
        products.map((p) => p.vendor),
        products.map((p) => p.status.toLowerCase()),
        products.map((p) => JSON.stringify(p.tags)),
        products.map((p) => p.updatedAt.toISOString()),
      ],
    );
    const pid = new Map(ids.rows.map((r) => [r.shopify_id, r.id]));
    const of = (p: SProduct) => pid.get(`gid://shopify/Product/${p.id}`)!;
    const opts = products.flatMap((p) => p.options.map((o) => ({ p: of(p), ...o })));
    await client.query(
      `INSERT INTO product_option (id, product_id, name, position, "values")
       SELECT gen_random_uuid(), s.a, s.b, s.c, ARRAY(SELECT jsonb_array_elements_text(s.d)) FROM unnest($1::uuid[], $2::text[], $3::int[], $4::jsonb[]) AS s(a, b, c, d)`,
      [opts.map((o) => o.p), opts.map((o) => o.name), opts.map((o) => o.position), opts.map((o) => JSON.stringify(o.values))],
    );
    const imgs = products.flatMap((p) => p.images.map((i, n) => ({ p: of(p), n: n + 1, ...i })));
    await client.query(
      `INSERT INTO product_image (id, product_id, shopify_id, url, alt_text, width, height, position)
       SELECT gen_random_uuid(), s.a, s.b, s.c, s.d, s.e, s.f, s.g FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::int[]) AS s(a, b, c, d, e, f, g)`,
      [imgs.map((i) => i.p), imgs.map((i) => `gid://shopify/MediaImage/${i.id}`), imgs.map((i) => `${base}${i.path}`), imgs.map((i) => i.altText), imgs.map((i) => i.width), imgs.map((i) => i.height), imgs.map((i) => i.n)],
    );
    const vs = products.flatMap((p) => p.variants.map((v) => ({ p: of(p), img: `${base}${p.images[0]!.path}`, ...v })));
    await client.query(
      `INSERT INTO variant (id, vendor_id, product_id, shopify_id, inventory_item_id, title, sku, price_amount, currency, selected_options, image_url, inventory_tracked, inventory_quantity, shopify_updated_at, updated_at)
       SELECT gen_random_uuid(), $1::uuid, s.a, s.b, s.c, s.d, s.e, s.f, 'USD', s.g, s.h, s.i, s.j, s.k, now()
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::jsonb[], $9::text[], $10::bool[], $11::int[], $12::timestamptz[]) AS s(a, b, c, d, e, f, g, h, i, j, k)`,
      [
        vendor,
        vs.map((v) => v.p),
        vs.map((v) => `gid://shopify/ProductVariant/${v.id}`),
        vs.map((v) => `gid://shopify/InventoryItem/${v.inventoryItemId}`),
        vs.map((v) => v.title),
        vs.map((v) => v.sku),
        vs.map((v) => dec(v.price)),
        vs.map((v) => JSON.stringify(v.selectedOptions)),
        vs.map((v) => v.img),
        vs.map((v) => v.tracked),
        vs.map((v) => v.inventoryQuantity),
        vs.map((v) => v.updatedAt.toISOString()),
      ],
    );
    await client.query("COMMIT");
    return performance.now() - t0;
  } finally {
    await client.end();
  }
}
