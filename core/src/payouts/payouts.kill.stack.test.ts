import { fileURLToPath } from "node:url";
import { serve, type ServerType } from "@hono/node-server";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStripeStandIn, type StripeStandIn } from "@giftloop/sandbox/stripe/server";
import { createBuyerOrg } from "../buyers/buyers.service.ts";
import { testApp, type TestApp } from "../http/testing.ts";
import { startWorker } from "../jobs/create-queue.ts";
import { waitUntil } from "../jobs/testing/harness.ts";
import { spawnWorkerProcess } from "../jobs/testing/worker-process.ts";
import type { Deps } from "../platform/deps.ts";
import { txSqlOf } from "../platform/lifecycle/lifecycle.ts";
import { asPlatform } from "../testing/deps.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { payoutLifecycle } from "./payout-lifecycle.ts";
import { runPayouts } from "./run.ts";
import { BULK_UNIT, bulkShippedUnits, daysAgo, setAccount, standInCharges } from "./testing.ts";
import { enqueueTransfers, transferPayout } from "./transfer.jobs.ts";

/**
 * The payout transfer job under crashes, lost answers and failing Stripe calls, on PostgreSQL
 * against the Stripe stand-in (a `.stack.test.ts`: `npm run test:stack` only):
 *  - 100 trials, each a payout of 3 orders (2 units each): a few in worker processes killed
 *    with SIGKILL at a random moment, the rest crashed in-process at a random step (every
 *    database and Stripe call after the crash point fails, as in a dead process; a Stripe call
 *    chosen as the crash point has done its work and its answer is lost); the stand-in also
 *    drops the answer of a committed transfer in about a third of them, and half of the
 *    in-process ones resume after Stripe forgot the idempotency keys (24 hours). A worker then finishes
 *    each payout: exactly one transfer per (payout, order) at Stripe, for the order's shares;
 *  - 30% of Stripe calls failing (500, timeout, rate limit): every payout paid exactly once;
 *  - duplicate and out-of-order transfer webhooks change nothing.
 */
const ORDERS = 3;
const UNITS = 2;
const TRIALS = 100;
const PROCESS_KILLS = 5;
/** In-process trials run this many payouts at a time. */
const GROUP = 5;
const FAULTY_PAYOUTS = 8;
const child = fileURLToPath(new URL("./payouts-worker-child.ts", import.meta.url));

let standIn: StripeStandIn;
let t: TestApp;
let server: ServerType;
let stripe: Stripe;
let a: Seeded;
let b: Seeded;
/** Per trial, the orders of its payout (trials 0..TRIALS-1, then the faulty ones). */
let batches: string[][];

let seed = 17;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

class Crash extends Error {
  override name = "Crash";
}

/**
 * `deps` as a process that dies at its `at`-th database or Stripe call: that call and every
 * later one fail. A Stripe call at the crash point runs first (its answer is what is lost);
 * a database statement at it runs or not, at random.
 */
function crashingDeps(deps: Deps, at: number): { deps: Deps; crashed: () => boolean } {
  let n = 0;
  let dead = false;
  const step = () => {
    if (dead) throw new Crash("dead");
    if (++n >= at) {
      dead = true;
      return true;
    }
    return false;
  };
  const viaDb =
    <A extends unknown[], R>(f: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (!step()) return f(...args);
      if (random() < 0.5) await f(...args);
      throw new Crash("crashed at a database call");
    };
  const viaStripe =
    <A extends unknown[], R>(f: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const crashNow = step();
      const r = await f(...args);
      if (crashNow) throw new Crash("crashed with Stripe's answer in flight");
      return r;
    };
  const sql = deps.db.sql;
  const db = Object.create(deps.db) as Deps["db"];
  Object.assign(db, {
    sql: Object.assign(Object.create(sql), { query: viaDb(sql.query.bind(sql)), execute: viaDb(sql.execute.bind(sql)) }),
    transaction: viaDb(deps.db.transaction.bind(deps.db)),
  });
  const tr = deps.transfers;
  const transfers: Deps["transfers"] = {
    createTransfer: viaStripe(tr.createTransfer.bind(tr)),
    findTransfer: viaStripe(tr.findTransfer.bind(tr)),
    createReversal: viaStripe(tr.createReversal.bind(tr)),
    chargeOfPaymentIntent: viaStripe(tr.chargeOfPaymentIntent.bind(tr)),
  };
  return { deps: { ...deps, db, transfers }, crashed: () => dead };
}

async function shipBatch(orderIds: string[]): Promise<void> {
  await t.deps.db.sql.execute("UPDATE fulfillment_unit SET shipped_at = $2::timestamptz WHERE order_id = ANY($1::uuid[])", [orderIds, daysAgo(20).toISOString()]);
}

async function runFor(s: Seeded): Promise<string> {
  const r = await runPayouts(asPlatform(t.deps), t.deps, { trigger: "operator", dryRun: false, vendorId: s.vendorId });
  expect(r.payouts).toHaveLength(1);
  expect(r.payouts[0]).toMatchObject({ orderCount: ORDERS, lineCount: ORDERS * UNITS });
  return r.payouts[0]!.payoutId!;
}

const statusOf = async (payoutId: string) =>
  (await t.deps.db.sql.query<{ status: string }>("SELECT status::text AS status FROM payout WHERE id = $1::uuid", [payoutId]))[0]?.status;

/** Exactly one transfer per (payout, order) at Stripe, for the shares of the order's units, each recorded as ours. */
async function expectPaidOnce(payoutId: string, orderIds: string[]): Promise<void> {
  for (const orderId of orderIds) {
    const at = (await stripe.transfers.list({ transfer_group: orderId, limit: 100 })).data;
    expect(at, `order ${orderId} of payout ${payoutId}`).toHaveLength(1);
    expect(at[0]).toMatchObject({ amount: UNITS * BULK_UNIT.share, metadata: { payout: payoutId, order: orderId } });
  }
  const ours = await t.deps.db.sql.query<{ stripe_transfer_id: string; status: string }>(
    "SELECT stripe_transfer_id, status FROM payout_transfer WHERE payout_id = $1::uuid",
    [payoutId],
  );
  expect(ours).toHaveLength(orderIds.length);
  expect(ours.every((x) => x.status === "confirmed" && /^tr_/.test(x.stripe_transfer_id))).toBe(true);
}

describe("payout transfers under crashes and failing Stripe calls (PostgreSQL)", () => {
  beforeAll(async () => {
    standIn = await startStripeStandIn({ port: 0, retry: { delaysMs: [50, 100, 200] } });
    t = await testApp({
      env: {
        STRIPE_SECRET_KEY: "sk_test_core",
        STRIPE_WEBHOOK_SECRET: standIn.webhookSecret,
        STRIPE_API_URL: standIn.url,
        JOB_POLL_INTERVAL_MS: "5",
        JOB_LEASE_SECONDS: "1",
      },
    });
    server = await new Promise<ServerType>((resolve) => {
      const srv = serve({ fetch: t.app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(srv));
    });
    standIn.setWebhookUrl(`http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks/stripe`);
    stripe = new Stripe("sk_test_core", { ...standIn.sdkConfig });
    a = await seedVendor(t.deps.db, { shop: "kill-a.myshopify.com" });
    b = await seedVendor(t.deps.db, { shop: "kill-b.myshopify.com" });
    for (const s of [a, b]) {
      const acct = await stripe.accounts.create({
        country: "US",
        controller: { fees: { payer: "application" }, losses: { payments: "application" }, stripe_dashboard: { type: "express" }, requirement_collection: "stripe" },
        capabilities: { transfers: { requested: true } },
      });
      standIn.onboard(acct.id, "complete");
      await setAccount(t.deps, s.vendorId, "active", acct.id);
    }
    // Brand b's payouts wait in draft: the in-process trials start their transfers themselves.
    await t.deps.db.sql.execute("INSERT INTO vendor_payout_settings (vendor_id, approval_required, updated_at) VALUES ($1::uuid, true, now())", [b.vendorId]);
    const org = await createBuyerOrg(asPlatform(t.deps), { name: "Kill Buyer", email: "ap@kill.test" });
    // Shipped today (inside the settlement window); each trial moves its own orders past it.
    const make = async (s: Seeded, trials: number) => {
      const charges = await standInCharges(stripe, Array.from({ length: trials * ORDERS }, () => UNITS * (BULK_UNIT.item + BULK_UNIT.shipping)));
      const ids = await bulkShippedUnits(t.deps, {
        buyerOrgId: org.id,
        storefrontId: s.storefrontId,
        offerId: s.mugOfferId,
        vendorIds: [s.vendorId],
        ordersPerVendor: trials * ORDERS,
        unitsPerOrder: UNITS,
        shippedAt: new Date(),
        charges,
      });
      return Array.from({ length: trials }, (_, i) => ids.slice(i * ORDERS, (i + 1) * ORDERS));
    };
    const inProcess = await make(b, TRIALS - PROCESS_KILLS);
    const killed = await make(a, PROCESS_KILLS + FAULTY_PAYOUTS);
    batches = [...killed.slice(0, PROCESS_KILLS), ...inProcess, ...killed.slice(PROCESS_KILLS)];
  }, 120_000);

  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await standIn?.stop();
    await t?.close();
  });

  const spawnWorker = () =>
    spawnWorkerProcess(child, {
      DATA_DIR: t.deps.config.DATA_DIR,
      DATABASE_URL: t.deps.db.url!,
      STRIPE_SECRET_KEY: "sk_test_core",
      STRIPE_WEBHOOK_SECRET: standIn.webhookSecret,
      STRIPE_API_URL: standIn.url,
    });

  it(`${TRIALS} payouts, the transfer job killed or crashed at a random point (a third with Stripe's answer lost), each paid exactly once`, async () => {
    const outcomes = { killedBeforeAnyTransfer: 0, killedAfterSome: 0, crashed: 0, dropped: 0, keysExpired: 0 };
    // Worker processes, SIGKILLed at a random moment after the run enqueued the transfer job.
    let next = spawnWorker();
    try {
      for (let i = 0; i < PROCESS_KILLS; i++) {
        const w = next;
        await w.started;
        if (random() < 1 / 3) {
          standIn.setFaults({ dropAfterCommit: 1, paths: ["/v1/transfers"] });
          outcomes.dropped++;
        }
        await shipBatch(batches[i]!);
        const payoutId = await runFor(a);
        await new Promise((r) => setTimeout(r, Math.floor(random() * 600)));
        w.proc.kill("SIGKILL");
        await w.exited;
        standIn.setFaults({});
        const made = (await Promise.all(batches[i]!.map((o) => stripe.transfers.list({ transfer_group: o })))).filter((l) => l.data.length > 0).length;
        if (made === 0) outcomes.killedBeforeAnyTransfer++;
        else outcomes.killedAfterSome++;
        if (i + 1 < PROCESS_KILLS) next = spawnWorker();
        // Another worker takes the job (and the webhooks' jobs) over once the lease lapses.
        const rescue = startWorker(t.deps, { pollIntervalMs: 5 });
        await waitUntil(async () => (await statusOf(payoutId)) === "paid", 30_000, 20);
        await rescue.stop();
        await expectPaidOnce(payoutId, batches[i]!);
      }
    } finally {
      next.proc.kill("SIGKILL");
    }

    // In-process crashes at a random step of the job, a few payouts at a time; a worker
    // (webhooks, then the job enqueued again) finishes each.
    const worker = startWorker(t.deps, { pollIntervalMs: 5 });
    try {
      for (let first = PROCESS_KILLS; first < TRIALS; first += GROUP) {
        const group = batches.slice(first, Math.min(first + GROUP, TRIALS));
        const payoutIds: string[] = [];
        for (const batch of group) {
          await shipBatch(batch);
          const payoutId = await runFor(b);
          await t.deps.db.transaction(async (tx) => {
            await payoutLifecycle.transition(txSqlOf(tx), { id: payoutId, to: "approved", expectedVersion: 1, locked: { status: "draft" }, actor: "test", reason: "approved" });
          });
          payoutIds.push(payoutId);
        }
        const drops = group.filter(() => random() < 1 / 3).length;
        outcomes.dropped += drops;
        standIn.setFaults({ dropAfterCommit: drops, paths: ["/v1/transfers"] });
        // 2 database or Stripe calls per order and 5 around them: crash points spread over all of them.
        const crashes = payoutIds.map(() => crashingDeps(t.deps, 1 + Math.floor(random() * (ORDERS * 2 + 5))));
        await Promise.all(
          payoutIds.map((id, k) =>
            transferPayout(crashes[k]!.deps, id).catch((err: unknown) => {
              if (!(err instanceof Crash)) throw err;
            }),
          ),
        );
        standIn.setFaults({});
        outcomes.crashed += crashes.filter((c) => c.crashed()).length;
        // Every other group resumes a day later: Stripe has forgotten the idempotency keys, and
        // only looking for the transfers made keeps them from being made again.
        if (((first - PROCESS_KILLS) / GROUP) % 2 === 1) {
          standIn.advanceClock(25 * 3600);
          outcomes.keysExpired += group.length;
        }
        await t.deps.db.transaction((tx) => enqueueTransfers(t.deps, txSqlOf(tx), payoutIds, "after-crash"));
        await waitUntil(async () => (await Promise.all(payoutIds.map(statusOf))).every((st) => st === "paid"), 30_000, 20);
        for (const [k, payoutId] of payoutIds.entries()) await expectPaidOnce(payoutId, group[k]!);
      }
    } finally {
      await worker.stop();
    }
    expect(outcomes.killedBeforeAnyTransfer + outcomes.killedAfterSome).toBe(PROCESS_KILLS);
    expect(outcomes.crashed).toBeGreaterThan((TRIALS - PROCESS_KILLS) * 0.8);
    expect(outcomes.dropped).toBeGreaterThan(TRIALS / 5);
    expect(outcomes.keysExpired).toBeGreaterThan(TRIALS / 3);
    // No unit in two payout lines, and every unit of the trials paid.
    const [units] = await t.deps.db.sql.query<{ lines: number; distinct_units: number }>("SELECT count(*)::int AS lines, count(DISTINCT unit_id)::int AS distinct_units FROM payout_line");
    expect(units).toEqual({ lines: TRIALS * ORDERS * UNITS, distinct_units: TRIALS * ORDERS * UNITS });
  }, 300_000);

  it("30% of Stripe calls failing (500, timeout, rate limit): every payout is paid exactly once", async () => {
    const faulty = batches.slice(TRIALS);
    const payoutIds: string[] = [];
    standIn.setFaults({ rate: 0.3, kinds: ["500", "timeout", "rate_limit"], hangMs: 150, random });
    const worker = startWorker(t.deps, { pollIntervalMs: 5 });
    try {
      for (const batch of faulty) {
        await shipBatch(batch);
        payoutIds.push(await runFor(a));
      }
      await waitUntil(async () => (await Promise.all(payoutIds.map(statusOf))).every((s) => s === "paid"), 120_000, 50);
    } finally {
      standIn.setFaults({});
      await worker.stop();
    }
    const counts = standIn.faultCounts;
    expect(counts["500"] + counts.timeout + counts.rate_limit).toBeGreaterThan(3);
    for (const [i, payoutId] of payoutIds.entries()) await expectPaidOnce(payoutId, faulty[i]!);
  }, 180_000);

  it("duplicate and out-of-order transfer webhooks change nothing", async () => {
    const payoutId = (await t.deps.db.sql.query<{ id: string }>("SELECT id::text FROM payout WHERE vendor_id = $1::uuid AND status = 'paid' ORDER BY created_at LIMIT 1", [a.vendorId]))[0]!.id;
    const snapshot = async () => ({
      payout: await t.deps.db.sql.query("SELECT status::text, version, paid_at FROM payout WHERE id = $1::uuid", [payoutId]),
      transfers: await t.deps.db.sql.query(
        "SELECT id, status, stripe_transfer_id, amount_reversed, confirmed_at FROM payout_transfer WHERE payout_id = $1::uuid ORDER BY id",
        [payoutId],
      ),
      transitions: await t.deps.db.sql.query("SELECT count(*)::int AS n FROM state_transition WHERE entity_id = $1::uuid", [payoutId]),
      emails: await t.deps.db.sql.query("SELECT count(*)::int AS n FROM job WHERE type = 'payouts.paid_email' AND payload->>'payoutId' = $1", [payoutId]),
    });
    const before = await snapshot();
    const created = standIn.events.filter((e) => e.type === "transfer.created" && (e.data.object as unknown as Stripe.Transfer).metadata?.payout === payoutId);
    expect(created).toHaveLength(ORDERS);
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks/stripe`;
    const deliver = async (event: unknown) => {
      const payload = JSON.stringify(event);
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": stripe.webhooks.generateTestHeaderString({ payload, secret: standIn.webhookSecret }) },
        body: payload,
      });
      expect(res.status).toBeLessThan(300);
    };
    const worker = startWorker(t.deps, { pollIntervalMs: 5 });
    try {
      // The same events again; then as new events arriving late, older than what we have.
      for (const e of created) await deliver(e);
      for (const e of created) await deliver({ ...e, id: `evt_late_${e.id.slice(4)}`, created: e.created - 3600 });
      // A transfer.reversed for a transfer of no payout of ours, and one naming a transfer record that does not exist.
      const stray = created[0]!;
      await deliver({ ...stray, id: "evt_stray_1", type: "transfer.reversed", data: { object: { ...(stray.data.object as object), id: "tr_not_ours", metadata: {} } } });
      await deliver({
        ...stray,
        id: "evt_stray_2",
        type: "transfer.reversed",
        data: { object: { ...(stray.data.object as object), id: "tr_not_ours_2", metadata: { payout_transfer: "00000000-0000-4000-8000-000000000000" } } },
      });
      await waitUntil(
        async () =>
          (await t.deps.db.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM job WHERE type = 'stripe.process_event' AND status IN ('queued', 'running')"))[0]!.n === 0,
        30_000,
        20,
      );
    } finally {
      await worker.stop();
    }
    expect(await snapshot()).toEqual(before);
  }, 60_000);
});
