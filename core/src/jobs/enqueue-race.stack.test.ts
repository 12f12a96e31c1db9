import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDeps, type TestDeps } from "../testing/deps.ts";
import { waitUntil } from "./testing/harness.ts";
import { effectJob, testRegistry } from "./testing/test-jobs.ts";

/**
 * Two transactions enqueueing the same key at once (two runs of one daily job, two webhook
 * deliveries): the one that waits on the other's uncommitted row gets that row once it
 * commits, never an error. Needs PostgreSQL with concurrent connections (test:stack).
 */
describe("enqueue of one key from two transactions at once", () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await testDeps({ registry: testRegistry() });
  });
  afterAll(async () => deps?.close());

  it("the waiting transaction finds the job the other committed", async () => {
    const key = `race-${Date.now()}`;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let first!: { id: string; created: boolean };
    const firstTx = deps.db.prisma.$transaction(async (tx) => {
      first = await deps.jobs.enqueue(tx, effectJob, { id: "a", lingerMs: 0 }, { key });
      await held;
    }, { timeout: 120_000 });
    await waitUntil(async () => first !== undefined, 60_000);
    const second = deps.db.prisma.$transaction((tx) => deps.jobs.enqueue(tx, effectJob, { id: "a", lingerMs: 0 }, { key }), { timeout: 120_000 });
    // The second INSERT waits on the first transaction's row lock before the first commits.
    await waitUntil(
      async () => (await deps.db.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted"))[0]!.n > 0,
      60_000,
    );
    release();
    await firstTx;
    const got = await second;
    expect(first.created).toBe(true);
    expect(got).toEqual({ id: first.id, created: false });
    expect(await deps.db.prisma.job.count({ where: { idempotencyKey: key } })).toBe(1);
  });
});
