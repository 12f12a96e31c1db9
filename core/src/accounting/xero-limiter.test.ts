import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { testDatabase, type TestDatabase } from "../testing/db.ts";
import { acquireXeroSlot, releaseXeroSlot, XeroLimiterBusy } from "./xero-limiter.ts";

/**
 * The shared limiter for Xero's per-organisation limits, with small limits so that each rule
 * shows: calls in flight, the rolling minute (rows moved back in time instead of waiting a
 * minute), the stamp at answer time, and Xero's headers correcting our count.
 */
const limits = { inFlight: 2, perMinute: 4 };
const tenant = "tenant-a";
let db: TestDatabase;

beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => db?.close());
beforeEach(async () => {
  await db.sql.execute("DELETE FROM xero_call");
});

const acquire = (maxWaitMs = 0, t = tenant) => acquireXeroSlot(db, t, { maxWaitMs, limits });
const ageAll = (seconds: number) => db.sql.execute(`UPDATE xero_call SET started_at = started_at - make_interval(secs => $1)`, [seconds]);
const rows = () => db.sql.query<{ released: boolean }>(`SELECT released_at IS NOT NULL AS released FROM xero_call WHERE tenant_id = $1`, [tenant]);

describe("Xero call limiter", () => {
  it("lets at most `inFlight` calls out at once, per organisation", async () => {
    const a = await acquire();
    await acquire();
    await expect(acquire()).rejects.toBeInstanceOf(XeroLimiterBusy);
    // Another organisation has its own limits.
    await acquire(0, "tenant-b");
    await releaseXeroSlot(db, tenant, a, null, limits);
    await expect(acquire()).resolves.toEqual(expect.any(String));
  });

  it("counts every call that started in the rolling minute, and says when the oldest leaves it", async () => {
    for (let i = 0; i < limits.perMinute; i++) await releaseXeroSlot(db, tenant, await acquire(), null, limits);
    const busy = await acquire().catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(XeroLimiterBusy);
    const wait = (busy as XeroLimiterBusy).retryAt.getTime() - Date.now();
    expect(wait).toBeGreaterThan(50_000);
    expect(wait).toBeLessThanOrEqual(61_000);
    // 59.5 seconds later the oldest call is about to leave: a caller willing to wait gets it.
    await ageAll(59.5);
    await expect(acquire(30_000)).resolves.toEqual(expect.any(String));
  });

  it("stamps a call with the time its answer came, so a slow call holds its place in the minute longer", async () => {
    const slow = await acquire();
    await ageAll(59.9); // sent almost a minute ago, still waiting for Xero's answer
    for (let i = 1; i < limits.perMinute; i++) await releaseXeroSlot(db, tenant, await acquire(), null, limits);
    await releaseXeroSlot(db, tenant, slow, null, limits);
    // Without the answer-time stamp the slow call would have left the minute by now.
    await new Promise((r) => setTimeout(r, 150));
    await expect(acquire()).rejects.toBeInstanceOf(XeroLimiterBusy);
  });

  it("records calls Xero counted that we did not (someone else used the organisation)", async () => {
    const id = await acquire();
    // Xero says 1 call is left of 4: it counted 3, we counted 1 (this one).
    await releaseXeroSlot(db, tenant, id, { minuteRemaining: 1, dayRemaining: 4000, appMinuteRemaining: 9000 }, limits);
    expect(await rows()).toHaveLength(3);
    await acquire();
    await expect(acquire()).rejects.toBeInstanceOf(XeroLimiterBusy);
  });

  it("records nothing when Xero counted no more than we did", async () => {
    const a = await acquire();
    const b = await acquire();
    // Xero saw only the first when it answered: 3 left; we count 2, so nothing is added.
    await releaseXeroSlot(db, tenant, a, { minuteRemaining: 3, dayRemaining: 4000, appMinuteRemaining: 9000 }, limits);
    await releaseXeroSlot(db, tenant, b, { minuteRemaining: 2, dayRemaining: 4000, appMinuteRemaining: 9000 }, limits);
    expect(await rows()).toEqual([{ released: true }, { released: true }]);
  });
});
