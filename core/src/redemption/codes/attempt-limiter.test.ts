import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDeps, type TestDeps } from "../../testing/deps.ts";
import { createRedeemLimiters, FailureLockLimiter, SlidingWindowLimiter } from "./attempt-limiter.ts";
import { sweepAttemptLimitsJob } from "./attempt-limiter.jobs.ts";

/**
 * The limiters keep their state in the database (PGlite under `npm test`, PostgreSQL under
 * `test:stack`); each test uses limiters of its own name. Two limiter objects of one name
 * are two api replicas.
 */
let t: TestDeps;
beforeAll(async () => {
  t = await testDeps();
});
afterAll(async () => {
  await t?.close();
});

/** A clock the test moves by hand. */
function fakeClock(start = Date.UTC(2026, 0, 1)) {
  let at = start;
  return { now: () => at, advance: (seconds: number) => void (at += seconds * 1000) };
}

const ok = { allowed: true, retryAfterSeconds: 0 };
let names = 0;
const fresh = (kind: string) => `test.${kind}.${++names}`;

describe("SlidingWindowLimiter (per client address)", () => {
  it("allows `limit` attempts per window and says when to retry", async () => {
    const clock = fakeClock();
    const limiter = new SlidingWindowLimiter(t.db, { name: fresh("window"), limit: 3, windowSeconds: 60, now: clock.now });
    for (let i = 0; i < 3; i++) {
      expect(await limiter.check("1.2.3.4")).toEqual(ok);
      clock.advance(10);
    }
    // Attempts at 0, 10 and 20 s; now 30 s: the first leaves the window at 60 s.
    expect(await limiter.check("1.2.3.4")).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(await limiter.fail("1.2.3.4")).toEqual({ allowed: false, retryAfterSeconds: 30 });
    // Other keys are independent.
    expect(await limiter.check("5.6.7.8")).toEqual(ok);

    clock.advance(29.5);
    expect(await limiter.check("1.2.3.4")).toEqual({ allowed: false, retryAfterSeconds: 1 });
    clock.advance(0.5);
    expect(await limiter.check("1.2.3.4")).toEqual(ok);
    expect(await limiter.check("1.2.3.4")).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it("counts the allowed checks that are not given back by a success, and not the refused ones", async () => {
    const clock = fakeClock();
    const limiter = new SlidingWindowLimiter(t.db, { name: fresh("window"), limit: 2, windowSeconds: 60, now: clock.now });
    expect(await limiter.fail("ip")).toEqual(ok);
    // Many successes in a row (an office opening its gift links): each gives its attempt back.
    for (let i = 0; i < 10; i++) {
      expect(await limiter.check("ip")).toEqual(ok);
      await limiter.succeed("ip");
    }
    await limiter.check("ip"); // a failure: counted
    clock.advance(1);
    await limiter.check("ip"); // another
    for (let i = 0; i < 20; i++) expect((await limiter.check("ip")).allowed).toBe(false);
    clock.advance(59);
    // The first failure has left the window; the second has not.
    expect(await limiter.check("ip")).toEqual(ok);
    expect((await limiter.check("ip")).allowed).toBe(false);
    // A success with nothing counted changes nothing.
    await new SlidingWindowLimiter(t.db, { name: fresh("window"), limit: 1, windowSeconds: 60, now: clock.now }).succeed("nobody");
  });

  it("counts the attempts of every replica together, and parallel ones cannot overrun it", async () => {
    const clock = fakeClock();
    const name = fresh("window");
    const replicas = [0, 1].map(() => new SlidingWindowLimiter(t.db, { name, limit: 20, windowSeconds: 60, now: clock.now }));
    const decisions = await Promise.all(Array.from({ length: 50 }, (_, i) => replicas[i % 2]!.check("ip")));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(20);
    expect(await replicas[1]!.check("ip")).toEqual({ allowed: false, retryAfterSeconds: 60 });
  });

  it("validates its options", () => {
    expect(() => new SlidingWindowLimiter(t.db, { name: "x", limit: 0, windowSeconds: 60 })).toThrow(RangeError);
    expect(() => new SlidingWindowLimiter(t.db, { name: "x", limit: 1, windowSeconds: 1.5 })).toThrow(RangeError);
  });
});

describe("FailureLockLimiter (per code)", () => {
  it("locks after maxFailures consecutive failures, for lockSeconds", async () => {
    const clock = fakeClock();
    const limiter = new FailureLockLimiter(t.db, { name: fresh("lock"), maxFailures: 5, lockSeconds: 900, now: clock.now });
    for (let i = 0; i < 4; i++) {
      expect(await limiter.check("code")).toEqual(ok);
      expect(await limiter.fail("code")).toEqual(ok);
    }
    expect(await limiter.check("code")).toEqual(ok);
    expect(await limiter.fail("code")).toEqual({ allowed: false, retryAfterSeconds: 900 });
    expect(await limiter.check("code")).toEqual({ allowed: false, retryAfterSeconds: 900 });
    expect(await limiter.check("other")).toEqual(ok);

    clock.advance(600);
    expect(await limiter.check("code")).toEqual({ allowed: false, retryAfterSeconds: 300 });
    // A failure reported during the lock does not extend it.
    expect(await limiter.fail("code")).toEqual({ allowed: false, retryAfterSeconds: 300 });
    clock.advance(300);
    expect(await limiter.check("code")).toEqual(ok);
    // After a lock the count starts again.
    for (let i = 0; i < 4; i++) expect(await limiter.fail("code")).toEqual(ok);
    expect((await limiter.fail("code")).allowed).toBe(false);
  });

  it("a success clears the failures", async () => {
    const limiter = new FailureLockLimiter(t.db, { name: fresh("lock"), maxFailures: 3, lockSeconds: 60, now: fakeClock().now });
    await limiter.fail("code");
    await limiter.fail("code");
    await limiter.succeed("code");
    await limiter.fail("code");
    expect(await limiter.fail("code")).toEqual(ok);
    expect((await limiter.fail("code")).allowed).toBe(false);
  });

  it("forgets failures after a quiet period (not consecutive any more)", async () => {
    const clock = fakeClock();
    const limiter = new FailureLockLimiter(t.db, { name: fresh("lock"), maxFailures: 3, lockSeconds: 60, resetAfterSeconds: 600, now: clock.now });
    await limiter.fail("code");
    await limiter.fail("code");
    clock.advance(599);
    expect(await limiter.fail("code")).toEqual({ allowed: false, retryAfterSeconds: 60 });
    clock.advance(60);
    expect(await limiter.check("code")).toEqual(ok);
    await limiter.fail("code");
    clock.advance(600);
    expect(await limiter.fail("code")).toEqual(ok);
    expect(await limiter.fail("code")).toEqual(ok);
    expect((await limiter.fail("code")).allowed).toBe(false);
  });

  it("locks at exactly maxFailures when failures arrive at once on several replicas", async () => {
    const clock = fakeClock();
    const name = fresh("lock");
    const replicas = [0, 1].map(() => new FailureLockLimiter(t.db, { name, maxFailures: 5, lockSeconds: 60, now: clock.now }));
    const decisions = await Promise.all(Array.from({ length: 12 }, (_, i) => replicas[i % 2]!.fail("code")));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(4);
    expect(await replicas[0]!.check("code")).toEqual({ allowed: false, retryAfterSeconds: 60 });
    const one = new FailureLockLimiter(t.db, { name: fresh("lock"), maxFailures: 1, lockSeconds: 60, now: clock.now });
    expect(await one.fail("code")).toEqual({ allowed: false, retryAfterSeconds: 60 });
  });

  it("validates its options", () => {
    expect(() => new FailureLockLimiter(t.db, { name: "x", maxFailures: 0, lockSeconds: 60 })).toThrow(RangeError);
    expect(() => new FailureLockLimiter(t.db, { name: "x", maxFailures: 1, lockSeconds: 60, resetAfterSeconds: -1 })).toThrow(RangeError);
  });
});

describe("createRedeemLimiters", () => {
  it("has the product defaults: 20 lookups a minute per address, 5 failures lock a code for 15 minutes", async () => {
    const clock = fakeClock(Date.UTC(2025, 5, 1));
    const { perIp, perCode } = createRedeemLimiters(t.db, clock.now);
    for (let i = 0; i < 20; i++) expect((await perIp.check("defaults-ip")).allowed).toBe(true);
    expect(await perIp.check("defaults-ip")).toEqual({ allowed: false, retryAfterSeconds: 60 });

    for (let i = 0; i < 4; i++) await perCode.fail("defaults-hash");
    expect(await perCode.fail("defaults-hash")).toEqual({ allowed: false, retryAfterSeconds: 15 * 60 });
  });
});

describe("sweepAttemptLimitsJob", () => {
  it("deletes the rows that no longer mean anything and keeps the live ones, which decide as before", async () => {
    const past = fakeClock(Date.now() - 3600_000);
    const name = { window: fresh("window"), lock: fresh("lock") };
    const oldWindow = new SlidingWindowLimiter(t.db, { name: name.window, limit: 1, windowSeconds: 60, now: past.now });
    const oldLock = new FailureLockLimiter(t.db, { name: name.lock, maxFailures: 1, lockSeconds: 60, now: past.now });
    await oldWindow.check("gone");
    await oldLock.fail("gone");
    const window = new SlidingWindowLimiter(t.db, { name: name.window, limit: 1, windowSeconds: 60 });
    const lock = new FailureLockLimiter(t.db, { name: name.lock, maxFailures: 1, lockSeconds: 60 });
    await window.check("live");
    await lock.fail("live");

    const ctx = { deps: t, log: t.log } as unknown as Parameters<typeof sweepAttemptLimitsJob.handler>[1];
    await sweepAttemptLimitsJob.handler({}, ctx);

    const keys = async (table: "attempt_window" | "attempt_lock", limiter: string) =>
      (await t.db.sql.query<{ key: string }>(`SELECT key FROM ${table} WHERE limiter = $1 ORDER BY key`, [limiter])).map((r) => r.key);
    expect(await keys("attempt_window", name.window)).toEqual(["live"]);
    expect(await keys("attempt_lock", name.lock)).toEqual(["live"]);
    expect((await window.check("live")).allowed).toBe(false);
    expect((await lock.check("live")).allowed).toBe(false);
    expect(await window.check("gone")).toEqual(ok);
    expect(await lock.check("gone")).toEqual(ok);
  });
});
