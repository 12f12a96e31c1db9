/**
 * Order push benchmark, on real PostgreSQL with the `db` job driver and the Shopify stand-in
 * with its cost-based throttle on (bucket 2000, 100 points/s, as a standard shop):
 * - `push.redeem_to_shopify_order.p50/.p99`: from a redemption's commit (which enqueues the
 *   push in the same statement) to the order existing in the stand-in, redemptions arriving
 *   at 10/s (a pace the shop's cost budget sustains);
 * - `push.orders_per_s`: a backlog of redeemed units pushed by one worker process, throttle
 *   on (the bucket's burst, then its restore rate decides); and the same without the
 *   throttle, for scale.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { installShop, mirrorSeedInStandIn, paidUnits, buyer, testAddress } from "@giftloop/core/testing/push";
import { unitTag } from "@giftloop/core/fulfillment/push/push.graphql";
import { startWorker } from "@giftloop/core/jobs/create-queue";
import { buildDeps } from "@giftloop/core/platform/build-deps";
import { parseConfig } from "@giftloop/core/platform/config";
import { migrate } from "@giftloop/core/platform/db/migrate";
import { createLogger } from "@giftloop/core/platform/logger";
import { redeemUnit } from "@giftloop/core/redemption/redeem";
import { recipientContext } from "@giftloop/core/redemption/recipient-context";
import { seedVendor } from "@giftloop/core/testing/seed";
import { uninstallShopifySandboxRouting } from "@giftloop/core/integrations/shopify/sandbox-routing";
import { startShopifyStandIn } from "@giftloop/sandbox/shopify/server";
import { percentile, progress, report } from "./figures.ts";
import { freshPostgres } from "./pg.ts";

const SHOP = "bench-push.myshopify.com";
const LATENCY_SAMPLES = 200;
const LATENCY_PACE_MS = 100;
const BACKLOG = 400;

export async function run(): Promise<void> {
  const db = await freshPostgres("gl_bench_push");
  const standIn = await startShopifyStandIn({ demoShop: false, shops: [{ domain: SHOP, products: 0 }] });
  try {
    const config = parseConfig({
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      DATA_DIR: mkdtempSync(path.join(tmpdir(), "gl-bench-push-")),
      DATABASE_URL: db.url,
      DATABASE_POOL_SIZE: "20",
      JOB_DRIVER: "db",
      SHOPIFY_SANDBOX_URL: standIn.url,
      SHOPIFY_API_SECRET: standIn.apiSecret,
    });
    const deps = await buildDeps(config, { log: createLogger("warn", process.stderr) });
    await migrate(deps.db.owner);
    await installShop(deps, standIn, SHOP);
    const s = await seedVendor(deps.db, { shop: SHOP });
    await mirrorSeedInStandIn(deps, standIn, SHOP, s, 1_000_000);
    await deps.db.prisma.variant.updateMany({ where: { vendorId: s.vendorId }, data: { inventoryQuantity: 1_000_000 } });
    const b = await buyer(deps);
    const variantId = s.variants["mug:default"]!;

    // Order creation times as the stand-in sees them, by unit tag (polled in-process).
    const seen = new Map<string, number>();
    let scanned = 0;
    const watch = setInterval(() => {
      const orders = standIn.orders(SHOP);
      const now = performance.now();
      for (; scanned < orders.length; scanned++) for (const t of orders[scanned]!.tags) if (t.startsWith("giftloop-unit-")) seen.set(t, now);
    }, 1);

    // 1. redemption committed -> order in Shopify, at a sustainable pace.
    progress(`latency: ${LATENCY_SAMPLES} redemptions at ${1000 / LATENCY_PACE_MS}/s`);
    const latencyUnits = await paidUnits(deps, b, s, s.mugOfferId, LATENCY_SAMPLES, "lat");
    let worker = startWorker(deps);
    // Recipients redeem after their gift email went out (those jobs are done by then).
    await until(async () => (await deps.db.prisma.fulfillmentUnit.count({ where: { id: { in: latencyUnits }, status: "sent" } })) === LATENCY_SAMPLES, 120_000);
    const committed = new Map<string, number>();
    for (const id of latencyUnits) {
      const next = performance.now() + LATENCY_PACE_MS;
      const r = await redeemUnit(recipientContext({ db: deps.db, unitId: id, log: deps.log }), deps, { variantId, address: testAddress("Bench Recipient") });
      if (!r.ok) throw new Error(`redeem failed: ${r.code}`);
      committed.set(id, performance.now());
      const wait = next - performance.now();
      if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    }
    await until(async () => latencyUnits.every((id) => seen.has(unitTag(id))), 60_000);
    const latencies = latencyUnits.map((id) => seen.get(unitTag(id))! - committed.get(id)!).sort((x, y) => x - y);
    report({ metric: "push.redeem_to_shopify_order.p50", value: percentile(latencies, 50), unit: "ms" });
    report({ metric: "push.redeem_to_shopify_order.p99", value: percentile(latencies, 99), unit: "ms", target: "<= 500" });
    await worker.stop();

    // 2. a backlog pushed as fast as the shop's cost budget allows (throttle on), then without it.
    for (const throttled of [true, false]) {
      standIn.setThrottle(throttled ? { maximumAvailable: 2000, restoreRate: 100 } : false);
      const units = await paidUnits(deps, b, s, s.mugOfferId, BACKLOG, throttled ? "thr" : "free");
      worker = startWorker(deps);
      await until(async () => (await deps.db.prisma.fulfillmentUnit.count({ where: { id: { in: units }, status: "sent" } })) === BACKLOG, 120_000);
      await worker.stop();
      for (const id of units) {
        const r = await redeemUnit(recipientContext({ db: deps.db, unitId: id, log: deps.log }), deps, { variantId, address: testAddress("Bench Recipient") });
        if (!r.ok) throw new Error(`redeem failed: ${r.code}`);
      }
      progress(`throughput: ${BACKLOG} queued pushes, throttle ${throttled ? "on" : "off"}`);
      const t0 = performance.now();
      worker = startWorker(deps);
      await until(async () => units.every((id) => seen.has(unitTag(id))), 180_000);
      const secs = (performance.now() - t0) / 1000;
      await worker.stop();
      const duplicates = standIn.orders(SHOP).length - seen.size;
      if (duplicates !== 0) throw new Error(`${duplicates} duplicate orders`);
      report({ metric: throttled ? "push.orders_per_s" : "push.orders_per_s_unthrottled", value: BACKLOG / secs, unit: "orders/s" });
    }
    clearInterval(watch);
    await deps.db.close();
  } finally {
    await standIn.close();
    await uninstallShopifySandboxRouting();
    await db.drop();
  }
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}
