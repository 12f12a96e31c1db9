/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are read as loose JSON in assertions */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBuyerOrg } from "../buyers/buyers.service.ts";
import { bearer, testApp, type TestApp } from "../http/testing.ts";
import { asPlatform } from "../testing/deps.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { bulkShippedUnits, daysAgo, setAccount } from "./testing.ts";

/**
 * One payout run at a time, on PostgreSQL (a `.stack.test.ts`: the lock is PostgreSQL's
 * advisory lock, across connections and processes): a run while another holds the lock is
 * refused with 409 `run_in_progress` and writes nothing; runs started together pay every
 * unit once, whichever wins.
 */
let t: TestApp;
let s: Seeded;
let op: string;

async function run(body: unknown = {}) {
  const res = await t.app.request("/v1/operator/payouts/runs", {
    method: "POST",
    headers: bearer(op, { "content-type": "application/json" }),
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const count = async (table: string) => (await t.deps.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;

describe("concurrent payout runs (PostgreSQL)", () => {
  beforeAll(async () => {
    // No Stripe here: the runs' payouts wait in draft (approval on), nothing is transferred.
    t = await testApp();
    op = await t.operatorToken();
    s = await seedVendor(t.deps.db, { shop: "concurrent-runs.myshopify.com" });
    await setAccount(t.deps, s.vendorId, "active", "acct_concurrent_runs");
    await t.deps.db.sql.execute("INSERT INTO payout_settings (id, approval_required) VALUES (1, true) ON CONFLICT (id) DO UPDATE SET approval_required = true");
    const org = await createBuyerOrg(asPlatform(t.deps), { name: "Concurrent Buyer", email: "ap@concurrent.test" });
    await bulkShippedUnits(t.deps, {
      buyerOrgId: org.id,
      storefrontId: s.storefrontId,
      offerId: s.mugOfferId,
      vendorIds: [s.vendorId],
      ordersPerVendor: 40,
      unitsPerOrder: 25,
      shippedAt: daysAgo(20),
      charges: Array.from({ length: 40 }, (_, i) => `ch_concurrent_${i}`),
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("a run while another holds the lock is refused with 409 run_in_progress, and writes nothing", async () => {
    let release!: () => void;
    let locked!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = t.deps.db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [0x70617931]);
      locked();
      await held;
    });
    await isLocked;
    const busy = await run();
    release();
    await holder;
    expect(busy.status).toBe(409);
    expect(busy.body).toMatchObject({ code: "run_in_progress" });
    expect(await count("payout_run")).toBe(0);
    expect(await count("payout")).toBe(0);
  });

  it("runs started together: each is paid by one of them, or told another run is under way; every unit in one line", async () => {
    const answers = await Promise.all([run(), run(), run()]);
    for (const a of answers) {
      expect([201, 409]).toContain(a.status);
      if (a.status === 409) expect(a.body.code).toBe("run_in_progress");
    }
    const winners = answers.filter((a) => a.status === 201 && a.body.payouts.length > 0);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.body.payouts[0]).toMatchObject({ lineCount: 1000, orderCount: 40 });
    const [lines] = await t.deps.db.sql.query<{ n: number; units: number }>("SELECT count(*)::int AS n, count(DISTINCT unit_id)::int AS units FROM payout_line");
    expect(lines).toEqual({ n: 1000, units: 1000 });
    expect(await count("payout")).toBe(1);
  });
});
