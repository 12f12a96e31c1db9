import { describe, expect, it } from "vitest";
import { createMemoryRedeemLimiters, FailureLockLimiter, SlidingWindowLimiter } from "./attempt-limiter.ts";

/** A clock the test moves by hand. */
function fakeClock(start = Date.UTC(2026, 0, 1)) {
  let t = start;
  return { now: () => t, advance: (seconds: number) => void (t += seconds * 1000) };
}

const ok = { allowed: true, retryAfterSeconds: 0 };

describe("SlidingWindowLimiter (per IP)", () => {
  it("allows `limit` attempts per window and says when to retry", async () => {
    const clock = fakeClock();
    const limiter = new SlidingWindowLimiter({ limit: 3, windowSeconds: 60, now: clock.now });
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

  it("counts every allowed check, whatever the outcome, and not the refused ones", async () => {
    const clock = fakeClock();
    const limiter = new SlidingWindowLimiter({ limit: 2, windowSeconds: 60, now: clock.now });
    await limiter.check("ip");
    await limiter.succeed("ip");
    await limiter.check("ip");
    for (let i = 0; i < 100; i++) expect((await limiter.check("ip")).allowed).toBe(false);
    clock.advance(60);
    expect(await limiter.check("ip")).toEqual(ok);
  });

  it("cannot be overrun by parallel requests", async () => {
    const limiter = new SlidingWindowLimiter({ limit: 20, windowSeconds: 60, now: fakeClock().now });
    const decisions = await Promise.all(Array.from({ length: 50 }, () => limiter.check("ip")));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(20);
  });

  it("stays within maxKeys", async () => {
    const clock = fakeClock();
    const limiter = new SlidingWindowLimiter({ limit: 5, windowSeconds: 60, now: clock.now, maxKeys: 100 });
    for (let i = 0; i < 1000; i++) await limiter.check(`ip-${i}`);
    expect(limiter.size).toBeLessThanOrEqual(100);
    // The most recent keys are the ones kept.
    for (let i = 0; i < 4; i++) await limiter.check("ip-999");
    expect((await limiter.check("ip-999")).allowed).toBe(false);
  });

  it("validates its options", () => {
    expect(() => new SlidingWindowLimiter({ limit: 0, windowSeconds: 60 })).toThrow(RangeError);
    expect(() => new SlidingWindowLimiter({ limit: 1, windowSeconds: 1.5 })).toThrow(RangeError);
  });
});

describe("FailureLockLimiter (per code)", () => {
  it("locks after maxFailures consecutive failures, for lockSeconds", async () => {
    const clock = fakeClock();
    const limiter = new FailureLockLimiter({ maxFailures: 5, lockSeconds: 900, now: clock.now });
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
    const limiter = new FailureLockLimiter({ maxFailures: 3, lockSeconds: 60, now: fakeClock().now });
    await limiter.fail("code");
    await limiter.fail("code");
    await limiter.succeed("code");
    await limiter.fail("code");
    expect(await limiter.fail("code")).toEqual(ok);
    expect((await limiter.fail("code")).allowed).toBe(false);
  });

  it("forgets failures after a quiet period (not consecutive any more)", async () => {
    const clock = fakeClock();
    const limiter = new FailureLockLimiter({ maxFailures: 3, lockSeconds: 60, resetAfterSeconds: 600, now: clock.now });
    await limiter.fail("code");
    await limiter.fail("code");
    clock.advance(600);
    expect(await limiter.fail("code")).toEqual(ok);
    expect(await limiter.fail("code")).toEqual(ok);
    expect((await limiter.fail("code")).allowed).toBe(false);
  });

  it("stays within maxKeys, dropping expired state first", async () => {
    const clock = fakeClock();
    const limiter = new FailureLockLimiter({ maxFailures: 2, lockSeconds: 60, now: clock.now, maxKeys: 10 });
    await limiter.fail("locked");
    await limiter.fail("locked");
    for (let i = 0; i < 50; i++) await limiter.fail(`k-${i}`);
    expect(limiter.size).toBeLessThanOrEqual(10);
  });
});

describe("createMemoryRedeemLimiters", () => {
  it("has the product defaults: 20 lookups a minute per IP, 5 failures lock a code for 15 minutes", async () => {
    const clock = fakeClock();
    const { perIp, perCode } = createMemoryRedeemLimiters(clock.now);
    for (let i = 0; i < 20; i++) expect((await perIp.check("ip")).allowed).toBe(true);
    expect(await perIp.check("ip")).toEqual({ allowed: false, retryAfterSeconds: 60 });

    for (let i = 0; i < 4; i++) await perCode.fail("hash");
    expect(await perCode.fail("hash")).toEqual({ allowed: false, retryAfterSeconds: 15 * 60 });
  });
});
