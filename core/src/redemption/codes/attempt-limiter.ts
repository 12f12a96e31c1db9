/**
 * Rate limits for code redemption (DESIGN §6: "attempts rate-limited per IP and per code").
 *
 * Two uses behind one interface:
 * - per client address: at most N failed lookups per sliding window (default 20 a minute),
 *   which bounds how fast anyone can guess codes; a lookup that finds its gift gives its
 *   attempt back, so the recipients of one office (one address behind its NAT) opening
 *   their links at the same moment are never held up;
 * - per code: after N consecutive failures (default 5) the key is locked for a while
 *   (default 15 minutes).
 *
 * The state lives in PostgreSQL (attempt_window, attempt_lock), so every api replica
 * behind the load balancer counts against the same limits, a restart forgets nothing, and
 * each decision is one atomic statement on the key's row: parallel attempts, on one
 * replica or many, cannot overrun a limit. Rows are swept once they mean nothing
 * (`sweepAttemptLimitsJob`).
 */
import { statement, type Database } from "../../platform/db/connect.ts";

export interface AttemptDecision {
  allowed: boolean;
  /** When not allowed: whole seconds until a retry can succeed (for a Retry-After header); 0 when allowed. */
  retryAfterSeconds: number;
}

export interface RedeemAttemptLimiter {
  /**
   * May an attempt for this key go ahead now? A limiter of attempts (per IP) counts the
   * attempt here, in the same step as the decision, so parallel requests cannot overrun it.
   */
  check(key: string): Promise<AttemptDecision>;
  /** The attempt failed. A limiter of failures (per code) counts it here and may lock the key. */
  fail(key: string): Promise<AttemptDecision>;
  /**
   * The attempt succeeded. A limiter of failures forgets the key's failures; a limiter of
   * attempts gives back the one its `check` counted.
   */
  succeed(key: string): Promise<void>;
}

/** Milliseconds since the epoch; injected in tests. */
export type Clock = () => number;

const ALLOWED: AttemptDecision = Object.freeze({ allowed: true, retryAfterSeconds: 0 });

function denied(untilMs: number, nowMs: number): AttemptDecision {
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((untilMs - nowMs) / 1000)) };
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name} must be a positive integer`);
  return v;
}

export interface SlidingWindowOptions {
  /** The limiter's name: its rows are its own (`attempt_window.limiter`). */
  name: string;
  /** Attempts allowed per window. */
  limit: number;
  windowSeconds: number;
  now?: Clock;
}

/**
 * Counts the attempt if the key has room in its window: one upsert, under the key's row
 * lock. $3 now, $4 the window (ms), $5 the limit. Answers the decision and the oldest
 * counted attempt still in the window (when the key has room again).
 */
const WINDOW_CHECK = statement(
  `INSERT INTO attempt_window AS a (limiter, key, log, allowed, expires_at)
   VALUES ($1, $2, ARRAY[$3::timestamptz], true, $3::timestamptz + $4::int * interval '1 millisecond')
   ON CONFLICT (limiter, key) DO UPDATE SET (allowed, log, expires_at) = (
     SELECT cardinality(w.live) < $5::int,
            CASE WHEN cardinality(w.live) < $5::int THEN w.live || excluded.log ELSE w.live END,
            CASE WHEN cardinality(w.live) < $5::int THEN excluded.expires_at ELSE a.expires_at END
     FROM (SELECT ARRAY(SELECT t FROM unnest(a.log) t WHERE t > $3::timestamptz - $4::int * interval '1 millisecond' ORDER BY t) AS live) w
   )
   RETURNING allowed, log[1] AS oldest`,
);

/** How many counted attempts of the key are still in the window, and the oldest of them. */
const WINDOW_READ = statement(
  `SELECT count(*)::int AS n, min(t) AS oldest
   FROM attempt_window a, unnest(a.log) t
   WHERE a.limiter = $1 AND a.key = $2 AND t > $3::timestamptz - $4::int * interval '1 millisecond'`,
);

/** Gives back one counted attempt of the key (the newest: the log is in time order). */
const WINDOW_GIVE_BACK = statement(
  `UPDATE attempt_window SET log = log[1:cardinality(log) - 1]
   WHERE limiter = $1 AND key = $2 AND cardinality(log) > 0`,
);

/**
 * At most `limit` failed attempts in any `windowSeconds` (an exact sliding log: the counted
 * attempts still in the window are kept on the key's row, at most `limit` of them). Every
 * allowed `check` counts, in the same step as the decision, so parallel attempts cannot
 * overrun the limit; `succeed` gives the attempt back. A refused check does not count, so
 * a client that stops is free again one window after its last counted attempt.
 */
export class SlidingWindowLimiter implements RedeemAttemptLimiter {
  readonly #db: Database;
  readonly #name: string;
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: Clock;

  constructor(db: Database, options: SlidingWindowOptions) {
    this.#db = db;
    this.#name = options.name;
    this.#limit = positiveInt("limit", options.limit);
    this.#windowMs = positiveInt("windowSeconds", options.windowSeconds) * 1000;
    this.#now = options.now ?? Date.now;
  }

  async check(key: string): Promise<AttemptDecision> {
    const now = this.#now();
    const [row] = await this.#db.sql.query<{ allowed: boolean; oldest: Date }>(WINDOW_CHECK, [this.#name, key, new Date(now), this.#windowMs, this.#limit]);
    return row!.allowed ? ALLOWED : denied(row!.oldest.getTime() + this.#windowMs, now);
  }

  async fail(key: string): Promise<AttemptDecision> {
    const now = this.#now();
    const [row] = await this.#db.sql.query<{ n: number; oldest: Date | null }>(WINDOW_READ, [this.#name, key, new Date(now), this.#windowMs]);
    return row && row.n >= this.#limit ? denied(row.oldest!.getTime() + this.#windowMs, now) : ALLOWED;
  }

  async succeed(key: string): Promise<void> {
    await this.#db.sql.execute(WINDOW_GIVE_BACK, [this.#name, key]);
  }
}

export interface FailureLockOptions {
  /** The limiter's name: its rows are its own (`attempt_lock.limiter`). */
  name: string;
  /** Consecutive failures that lock the key. */
  maxFailures: number;
  lockSeconds: number;
  /** Failures older than this are forgotten (default: lockSeconds). */
  resetAfterSeconds?: number;
  now?: Clock;
}

const LOCK_READ = statement(`SELECT locked_until FROM attempt_lock WHERE limiter = $1 AND key = $2`);

/**
 * One failure, counted under the key's row lock. $3 now, $4 the failures that lock, $5 the
 * lock (ms), $6 the reset period (ms). A locked key stays as it is. Otherwise the count
 * starts over if the last failure is older than the reset period or a lock has passed
 * since, and reaching $4 locks the key until now + $5 (and the count starts over).
 */
const LOCK_FAIL = statement(
  `INSERT INTO attempt_lock AS a (limiter, key, failures, last_failure_at, locked_until, expires_at)
   SELECT $1, $2, CASE WHEN f.locks THEN 0 ELSE 1 END, $3::timestamptz,
          CASE WHEN f.locks THEN $3::timestamptz + $5::int * interval '1 millisecond' END,
          $3::timestamptz + (CASE WHEN f.locks THEN GREATEST($5::int, $6::int) ELSE $6::int END) * interval '1 millisecond'
   FROM (SELECT 1 >= $4::int AS locks) f
   ON CONFLICT (limiter, key) DO UPDATE SET (failures, last_failure_at, locked_until, expires_at) = (
     SELECT CASE WHEN s.locked THEN a.failures WHEN s.n >= $4::int THEN 0 ELSE s.n END,
            CASE WHEN s.locked THEN a.last_failure_at ELSE excluded.last_failure_at END,
            CASE WHEN s.locked THEN a.locked_until WHEN s.n >= $4::int THEN excluded.last_failure_at + $5::int * interval '1 millisecond' END,
            CASE WHEN s.locked THEN a.expires_at
                 ELSE excluded.last_failure_at + (CASE WHEN s.n >= $4::int THEN GREATEST($5::int, $6::int) ELSE $6::int END) * interval '1 millisecond' END
     FROM (SELECT a.locked_until > excluded.last_failure_at AS locked,
                  CASE WHEN a.last_failure_at + $6::int * interval '1 millisecond' <= excluded.last_failure_at OR a.locked_until IS NOT NULL
                       THEN 1 ELSE a.failures + 1 END AS n) s
   )
   RETURNING locked_until`,
);

const LOCK_FORGET = statement(`DELETE FROM attempt_lock WHERE limiter = $1 AND key = $2`);

/**
 * Locks a key for `lockSeconds` after `maxFailures` consecutive failures; a success
 * clears the count, and so does a quiet period of `resetAfterSeconds`. Attempts during a
 * lock are refused by `check` and do not extend it. Failures are counted atomically, so
 * parallel failures (on any replica) lock the key at exactly `maxFailures`.
 */
export class FailureLockLimiter implements RedeemAttemptLimiter {
  readonly #db: Database;
  readonly #name: string;
  readonly #maxFailures: number;
  readonly #lockMs: number;
  readonly #resetMs: number;
  readonly #now: Clock;

  constructor(db: Database, options: FailureLockOptions) {
    this.#db = db;
    this.#name = options.name;
    this.#maxFailures = positiveInt("maxFailures", options.maxFailures);
    this.#lockMs = positiveInt("lockSeconds", options.lockSeconds) * 1000;
    this.#resetMs = positiveInt("resetAfterSeconds", options.resetAfterSeconds ?? options.lockSeconds) * 1000;
    this.#now = options.now ?? Date.now;
  }

  async check(key: string): Promise<AttemptDecision> {
    const now = this.#now();
    const [row] = await this.#db.sql.query<{ locked_until: Date | null }>(LOCK_READ, [this.#name, key]);
    const until = row?.locked_until?.getTime() ?? 0;
    return until > now ? denied(until, now) : ALLOWED;
  }

  async fail(key: string): Promise<AttemptDecision> {
    const now = this.#now();
    const [row] = await this.#db.sql.query<{ locked_until: Date | null }>(LOCK_FAIL, [
      this.#name, key, new Date(now), this.#maxFailures, this.#lockMs, this.#resetMs,
    ]);
    const until = row!.locked_until?.getTime() ?? 0;
    return until > now ? denied(until, now) : ALLOWED;
  }

  async succeed(key: string): Promise<void> {
    await this.#db.sql.execute(LOCK_FORGET, [this.#name, key]);
  }
}

export interface RedeemLimiters {
  /** Keyed by client address (behind a proxy: the address it reports), as `clientAddressKey` makes it. */
  perIp: RedeemAttemptLimiter;
  /** Keyed by the code's lookup hash (`codeLookupHash`), never by the code itself. */
  perCode: RedeemAttemptLimiter;
}

export const REDEEM_LIMIT_DEFAULTS = {
  perIp: { name: "redeem.client_address", limit: 20, windowSeconds: 60 },
  perCode: { name: "redeem.code", maxFailures: 5, lockSeconds: 15 * 60 },
} as const;

/** The pair with the product's defaults (20 failed lookups a minute per address; 5 failures lock a code for 15 minutes). */
export function createRedeemLimiters(db: Database, now: Clock = Date.now): RedeemLimiters {
  return {
    perIp: new SlidingWindowLimiter(db, { ...REDEEM_LIMIT_DEFAULTS.perIp, now }),
    perCode: new FailureLockLimiter(db, { ...REDEEM_LIMIT_DEFAULTS.perCode, now }),
  };
}
