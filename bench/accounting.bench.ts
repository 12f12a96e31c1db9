/**
 * Accounting benchmark, on real PostgreSQL with the `db` job driver and the Xero stand-in
 * with Xero's real limits (60 calls a minute, 5 in flight, per organisation):
 * - `accounting.xero_calls_per_payout`: Xero calls per payout booked (bill + payment once the
 *   brand's contact is cached), over a backlog of payouts of 50 lines each (300 by default;
 *   BENCH_ACCOUNTING_PAYOUTS to change it: at 60 calls a minute 300 payouts take ~10 minutes);
 * - `accounting.rate_use`: calls made per minute while the backlog lasts, over the 60 allowed
 *   (full minutes only: the first and last are partial);
 * - `reconcile.day_10k.ms`: reconciling a day of 10,000 balance transactions against 10,000
 *   ledger records and 10,000 Xero payments (the Stripe and Xero sides already fetched:
 *   what is measured is our ledger read, the comparison and storing the day), and its ratio
 *   to a raw SQL floor (one SELECT of the same day's ledger rows), alternated, same run.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startWorker } from "@giftloop/core/jobs/create-queue";
import { buildDeps } from "@giftloop/core/platform/build-deps";
import { parseConfig } from "@giftloop/core/platform/config";
import { migrate } from "@giftloop/core/platform/db/migrate";
import { createLogger } from "@giftloop/core/platform/logger";
import { uninstallXeroSandboxRouting } from "@giftloop/core/integrations/xero/sandbox-routing";
import { connectWithConsent } from "@giftloop/core/accounting/xero-connect";
import { payoutPaid, setPayoutSource, type PayoutForBooking } from "@giftloop/core/accounting/book-payouts";
import { reconcileDay, type XeroSide } from "@giftloop/core/accounting/reconcile";
import type { BalanceTransaction } from "@giftloop/core/integrations/stripe/balance";
import { TEST_MAPPING } from "@giftloop/core/testing/accounting";
import { asPlatform } from "@giftloop/core/testing/deps";
import { startXeroStandIn } from "@giftloop/sandbox/xero/server";
import { progress, report } from "./figures.ts";
import { freshPostgres } from "./pg.ts";

const PAYOUTS = Number(process.env.BENCH_ACCOUNTING_PAYOUTS || 300);
const LINES = 50;
const RECONCILE_N = 10_000;

export async function run(): Promise<void> {
  const db = await freshPostgres("gl_bench_accounting");
  const standIn = await startXeroStandIn();
  try {
    const dir = mkdtempSync(path.join(tmpdir(), "gl-bench-accounting-"));
    writeFileSync(path.join(dir, "ca.pem"), standIn.caPem);
    const config = parseConfig({
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      DATA_DIR: dir,
      DATABASE_URL: db.url,
      JOB_DRIVER: "db",
      JOB_CONCURRENCY: "8",
      XERO_CLIENT_ID: standIn.client.clientId,
      XERO_CLIENT_SECRET: standIn.client.clientSecret,
      XERO_REDIRECT_URI: standIn.client.redirectUris[0],
      XERO_SANDBOX_URL: standIn.tlsUrl,
      XERO_SANDBOX_CA_FILE: path.join(dir, "ca.pem"),
      STRIPE_SECRET_KEY: "sk_test_unused",
    });
    const deps = await buildDeps(config, { log: createLogger("warn", process.stderr) });
    await migrate(deps.db.owner);
    const tenantId = standIn.organisationNamed("Platform").tenantId;
    const ctx = asPlatform(deps, "bench");
    const connected = await connectWithConsent(ctx, deps, (url) => standIn.consent(url, { tenantIds: [tenantId] }), TEST_MAPPING);
    if (!connected.ok) throw new Error(`connecting Xero: ${connected.code}: ${connected.detail}`);
    await deps.db.sql.execute(`DELETE FROM xero_call`);

    const payouts = new Map<string, PayoutForBooking>();
    setPayoutSource({ payout: async (_d, id) => payouts.get(id) ?? null, reversal: async () => null });
    for (let i = 0; i < PAYOUTS; i++) {
      const id = crypto.randomUUID();
      const brand = i % 10;
      payouts.set(id, {
        id,
        reference: `GL-P-${id}`,
        vendorId: `00000000-0000-4000-8000-00000000000${brand}`,
        vendorName: `Brand ${brand}`,
        vendorEmail: null,
        currency: "USD",
        total: LINES * 1500,
        paidDay: "2026-12-05",
        transferIds: [`tr_bench_${i}`],
        lines: Array.from({ length: LINES }, (_, j) => ({ unitId: crypto.randomUUID(), orderId: crypto.randomUUID(), gift: `Gift ${j}`, item: "Mug", variant: "Blue", sku: `mug-${j}`, amount: 1500 })),
      });
    }
    const before = new Map(standIn.callCounts);
    const started = Date.now();
    for (const p of payouts.values()) await payoutPaid(deps, p);
    progress(`booking ${PAYOUTS} payouts of ${LINES} lines at Xero's limits (~${Math.ceil((PAYOUTS * 2 + 10) / 60)} min)`);
    const worker = startWorker(deps, { pollIntervalMs: 50 });
    const perMinute: number[] = [];
    let lastCalls = 0;
    let nextMinute = started + 60_000;
    for (;;) {
      const [r] = await deps.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM accounting_record WHERE status = 'booked'`);
      const calls = (standIn.callCounts.get(tenantId) ?? 0) - (before.get(tenantId) ?? 0);
      if (Date.now() >= nextMinute) {
        perMinute.push(calls - lastCalls);
        lastCalls = calls;
        nextMinute += 60_000;
        progress(`${r?.n ?? 0}/${PAYOUTS} booked, ${perMinute.at(-1)} calls in the last minute`);
      }
      if ((r?.n ?? 0) >= PAYOUTS) break;
      await new Promise((res) => setTimeout(res, 200));
    }
    await worker.stop();
    const calls = (standIn.callCounts.get(tenantId) ?? 0) - (before.get(tenantId) ?? 0);
    report({ metric: "accounting.xero_calls_per_payout", value: calls / PAYOUTS, unit: "calls", target: "<= 3" });
    const full = perMinute.slice(1); // the first minute includes the start-up
    const rate = full.length ? full.reduce((a, b) => a + b, 0) / full.length / 60 : calls / ((Date.now() - started) / 60_000) / 60;
    report({ metric: "accounting.rate_use", value: rate, unit: "fraction", target: ">= 0.9" });
    const refused = standIn.rateLimiter.refusals;
    report({ metric: "accounting.xero_429s", value: refused.minute + refused.concurrent + refused.day + refused.appminute, unit: "calls" });
    report({ metric: "accounting.payouts_booked_per_min", value: PAYOUTS / ((Date.now() - started) / 60_000), unit: "payouts/min" });

    await reconcileBench(deps);
  } finally {
    setPayoutSource(null);
    uninstallXeroSandboxRouting();
    await standIn.stop();
    await db.drop();
  }
}

async function reconcileBench(deps: Awaited<ReturnType<typeof buildDeps>>): Promise<void> {
  const day = "2026-11-30";
  progress(`reconciling a day of ${RECONCILE_N} balance transactions`);
  await deps.db.sql.execute(
    `INSERT INTO accounting_record (id, kind, source_id, day, currency, amount, stripe_ref, status, updated_at)
     SELECT gen_random_uuid(), 'sale_invoice', 'order-' || i, $1::date, 'USD', 1000 + i % 500, 'pi_' || i, 'booked', now() FROM generate_series(1, $2) AS i`,
    [day, RECONCILE_N],
  );
  const stripe: BalanceTransaction[] = Array.from({ length: RECONCILE_N }, (_, k) => {
    const i = k + 1;
    return { id: `txn_${i}`, type: "charge", reportingCategory: "charge", amount: 1000 + (i % 500), fee: 0, net: 1000 + (i % 500), currency: "USD", created: 0, sourceId: `ch_${i}`, paymentIntentId: `pi_${i}`, transferGroup: null };
  });
  const xero: XeroSide = { byReference: new Map(stripe.map((t, k) => [`pi_${k + 1}`, { id: `pay_${k}`, amount: t.amount, currency: "USD" }])) };
  const sources = { stripe: async () => stripe, xero: async () => xero };
  const ctx = asPlatform(deps, "bench");
  const measured: number[] = [];
  const floor: number[] = [];
  for (let round = 0; round < 5; round++) {
    let t0 = performance.now();
    const [r] = await reconcileDay(ctx, deps, day, sources);
    measured.push(performance.now() - t0);
    if (!r?.reconciled) throw new Error(`the benchmark day does not reconcile: ${JSON.stringify(r?.differences.slice(0, 3))}`);
    t0 = performance.now();
    await deps.db.sql.query(`SELECT kind, source_id, currency, amount, stripe_ref, status::text FROM accounting_record WHERE day = $1::date`, [day]);
    floor.push(performance.now() - t0);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  report({ metric: "reconcile.day_10k.ms", value: median(measured), unit: "ms", target: "<= 10000" });
  report({ metric: "reconcile.day_10k.raw_floor_ms", value: median(floor), unit: "ms" });
  report({ metric: "reconcile.day_10k.ratio_to_floor", value: median(measured) / median(floor), unit: "x", target: "<= 5" });
}
