/**
 * Payout benchmark, on real PostgreSQL with the `db` job driver, the api role in its own
 * process (it receives the Stripe stand-in's webhooks) and a worker in this one:
 * 200 brands × 500 payable units (100,000 units across 5,000 orders, set up with bulk SQL,
 * each order funded by its own charge at the stand-in).
 * - `payouts.run_100k.ms`: from the run's start to every payout paid (plan, lines and transfer
 *   records written, one Stripe transfer per (payout, order), every transfer confirmed by its
 *   `transfer.created` webhook);
 * - `payouts.select_ratio_to_floor`: the settlement selection (the run's preview: every rule
 *   of settlement.ts, grouped per brand and currency) against a raw SQL floor over the same
 *   rows (shipped before the window, grouped; no other rule), medians of the same run;
 * - `payouts.stripe_calls_per_transfer`: Stripe API requests made during the run per
 *   (payout, order).
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Stripe from "stripe";
import { createBuyerOrg } from "@giftloop/core/buyers/buyers.service";
import { startWorker } from "@giftloop/core/jobs/create-queue";
import { buildDeps } from "@giftloop/core/platform/build-deps";
import { parseConfig } from "@giftloop/core/platform/config";
import { migrate } from "@giftloop/core/platform/db/migrate";
import { createLogger } from "@giftloop/core/platform/logger";
import { runPayouts } from "@giftloop/core/payouts/run";
import { BULK_UNIT, bulkShippedUnits, daysAgo, standInCharges } from "@giftloop/core/testing/payouts";
import { seedVendor } from "@giftloop/core/testing/seed";
import { asPlatform } from "@giftloop/core/testing/deps";
import { startStripeStandIn } from "@giftloop/sandbox/stripe/server";
import { progress, report } from "./figures.ts";
import { freshPostgres } from "./pg.ts";
import { startApi } from "./processes.ts";

/** BENCH_PAYOUT_BRANDS scales the set-up down while profiling (the figures name 200). */
const BRANDS = Number(process.env.BENCH_PAYOUT_BRANDS ?? 200);
const ORDERS_PER_BRAND = 25;
const UNITS_PER_ORDER = 20;
const SELECT_SAMPLES = 7;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

export async function run(): Promise<void> {
  const db = await freshPostgres("gl_bench_payouts");
  const standIn = await startStripeStandIn({ port: 0 });
  const env = {
    DATABASE_URL: db.url,
    JOB_DRIVER: "db",
    STRIPE_SECRET_KEY: "sk_test_bench",
    STRIPE_WEBHOOK_SECRET: standIn.webhookSecret,
    STRIPE_API_URL: standIn.url,
  };
  const config = parseConfig({ NODE_ENV: "test", LOG_LEVEL: "warn", DATA_DIR: mkdtempSync(path.join(tmpdir(), "gl-bench-payouts-")), DATABASE_POOL_SIZE: "20", ...env });
  const deps = await buildDeps(config, { log: createLogger("warn", process.stderr) });
  const platform = asPlatform(deps, "bench");
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  try {
    await migrate(deps.db.owner);
    api = await startApi(env);
    const stripe = new Stripe("sk_test_bench", { ...standIn.sdkConfig });

    progress(`set-up: ${BRANDS} brands with active connected accounts`);
    const s = await seedVendor(deps.db, { shop: "bench-payouts.myshopify.com" });
    const accounts: string[] = [];
    for (let i = 0; i < BRANDS; i++) {
      const acct = await stripe.accounts.create({
        country: "US",
        controller: { fees: { payer: "application" }, losses: { payments: "application" }, stripe_dashboard: { type: "express" }, requirement_collection: "stripe" },
        capabilities: { transfers: { requested: true } },
      });
      standIn.onboard(acct.id, "complete");
      accounts.push(acct.id);
    }
    const vendorIds = accounts.map(() => randomUUID());
    await deps.db.sql.execute(
      `INSERT INTO vendor (id, shop_domain, name, stripe_account_id, payout_account_status, updated_at)
       SELECT v.id, 'bench-brand-' || v.n || '.myshopify.com', 'Bench Brand ' || v.n, v.account, 'active', now()
       FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS v(id, account, n)`,
      [vendorIds, accounts],
    );
    const orders = BRANDS * ORDERS_PER_BRAND;
    progress(`set-up: ${orders} charges at the stand-in, ${orders * UNITS_PER_ORDER} shipped units (bulk SQL)`);
    const charges = await standInCharges(stripe, Array.from({ length: orders }, () => UNITS_PER_ORDER * (BULK_UNIT.item + BULK_UNIT.shipping)), 16);
    const org = await createBuyerOrg(platform, { name: "Bench Buyer", email: "ap@bench.test" });
    await bulkShippedUnits(deps, {
      buyerOrgId: org.id,
      storefrontId: s.storefrontId,
      offerId: s.mugOfferId,
      vendorIds,
      ordersPerVendor: ORDERS_PER_BRAND,
      unitsPerOrder: UNITS_PER_ORDER,
      shippedAt: daysAgo(20),
      charges,
    });
    await deps.db.sql.execute("ANALYZE");

    progress(`settlement selection vs the raw SQL floor, ${SELECT_SAMPLES} samples each`);
    const floorSql = `SELECT vendor_id, currency, count(*), count(DISTINCT order_id), sum(brand_share_amount), sum(commission_amount)
      FROM fulfillment_unit WHERE status IN ('shipped', 'delivered') AND shipped_at <= now() - interval '14 days' GROUP BY vendor_id, currency`;
    const floor: number[] = [];
    const selection: number[] = [];
    for (let i = 0; i < SELECT_SAMPLES; i++) {
      floor.push(await timed(() => deps.db.sql.query(floorSql)));
      selection.push(
        await timed(async () => {
          const preview = await runPayouts(platform, deps, { trigger: "operator", dryRun: true });
          if (preview.payouts.length !== BRANDS) throw new Error(`preview: ${preview.payouts.length} payouts, expected ${BRANDS}`);
        }),
      );
    }

    progress("payout run: every payout paid");
    // Webhooks from here on: the set-up's charges are not part of the run.
    standIn.setWebhookUrl(`${api.origin}/webhooks/stripe`);
    const before = standIn.apiRequests;
    const worker = startWorker(deps);
    let runMs: number;
    try {
      runMs = await timed(async () => {
        const t0 = performance.now();
        const r = await runPayouts(platform, deps, { trigger: "operator", dryRun: false });
        if (r.payouts.length !== BRANDS) throw new Error(`run: ${r.payouts.length} payouts, expected ${BRANDS}`);
        progress(`run written in ${(performance.now() - t0).toFixed(0)} ms`);
        const end = Date.now() + 600_000;
        let shown = performance.now();
        for (;;) {
          const [row] = await deps.db.sql.query<{ paid: number; made: number; confirmed: number }>(
            "SELECT (SELECT count(*)::int FROM payout WHERE status = 'paid') AS paid, (SELECT count(*)::int FROM payout_transfer WHERE stripe_transfer_id IS NOT NULL) AS made, (SELECT count(*)::int FROM payout_transfer WHERE status = 'confirmed') AS confirmed",
          );
          if (row!.paid === BRANDS) break;
          if (Date.now() > end) throw new Error(`only ${row!.paid} of ${BRANDS} payouts paid after 10 minutes`);
          if (performance.now() - shown > 5_000) {
            shown = performance.now();
            progress(`${((shown - t0) / 1000).toFixed(0)} s: ${row!.made} transfers made, ${row!.confirmed} confirmed, ${row!.paid} payouts paid`);
          }
          await new Promise((res) => setTimeout(res, 50));
        }
      });
    } finally {
      await worker.stop();
    }
    let calls = 0;
    for (const [k, n] of standIn.apiRequests) calls += n - (before.get(k) ?? 0);
    const [check] = await deps.db.sql.query<{ transfers: number; lines: number; amount: string }>(
      "SELECT (SELECT count(*)::int FROM payout_transfer WHERE status = 'confirmed') AS transfers, (SELECT count(*)::int FROM payout_line) AS lines, (SELECT sum(amount)::text FROM payout) AS amount",
    );
    if (check!.transfers !== orders || check!.lines !== orders * UNITS_PER_ORDER || Number(check!.amount) !== orders * UNITS_PER_ORDER * BULK_UNIT.share) {
      throw new Error(`the run did not pay what it should: ${JSON.stringify(check)}`);
    }
    progress(`selection median ${median(selection).toFixed(1)} ms, floor median ${median(floor).toFixed(1)} ms; ${calls} Stripe calls for ${orders} transfers`);
    if (BRANDS !== 200) return void progress(`scaled down to ${BRANDS} brands: no figures reported (run ${runMs.toFixed(0)} ms)`);
    report({ metric: "payouts.run_100k.ms", value: runMs, unit: "ms", target: "<= 30000" });
    report({ metric: "payouts.select_ratio_to_floor", value: median(selection) / median(floor), unit: "ratio", target: "<= 5" });
    report({ metric: "payouts.stripe_calls_per_transfer", value: calls / orders, unit: "calls", target: "<= 1.05" });
  } finally {
    api?.stop();
    await standIn.stop();
    await deps.db.close();
    await db.drop();
  }
}
