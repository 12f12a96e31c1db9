/**
 * Rate limits for code redemption (DESIGN §6: "attempts rate-limited per IP and per code").
 *
 * Two uses behind one interface:
 * - per client IP: at most N lookups per sliding window (default 20 a minute), which bounds
 *   how fast anyone can guess codes;
 * - per code: after N consecutive failures (default 5) the key is locked for a while
 *   (default 15 minutes).
 *
 * The implementations here keep their state in memory, so they are per process and
 * forget on restart: right for development, tests and a single instance. The interface is
 * asynchronous so that a shared implementation (a database table updated atomically, e.g.
 * `INSERT … ON CONFLICT … DO UPDATE … RETURNING`) can replace them without touching callers.
 */
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
  /** The attempt succeeded. A limiter of failures forgets the key's failures. */
  succeed(key: string): Promise<void>;
}

/** Milliseconds since the epoch; injected in tests. */
export type Clock = () => number;

const ALLOWED: AttemptDecision = Object.freeze({ allowed: true, retryAfterSeconds: 0 });
const DEFAULT_MAX_KEYS = 100_000;

function denied(untilMs: number, nowMs: number): AttemptDecision {
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((untilMs - nowMs) / 1000)) };
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name} must be a positive integer`);
  return v;
}

/**
 * A map that stays bounded: entries whose `expired` is true are swept when it is full,
 * and if that is not enough the least recently written go first (Map keeps insertion
 * order, and every write re-inserts).
 */
class BoundedState<T> {
  readonly #entries = new Map<string, T>();
  constructor(
    private readonly maxKeys: number,
    private readonly expired: (entry: T, now: number) => boolean,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): T | undefined {
    return this.#entries.get(key);
  }

  set(key: string, entry: T, now: number): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.maxKeys) {
      for (const [k, e] of this.#entries) if (this.expired(e, now)) this.#entries.delete(k);
      for (const k of this.#entries.keys()) {
        if (this.#entries.size < this.maxKeys) break;
        this.#entries.delete(k);
      }
    }
    this.#entries.set(key, entry);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}

export interface SlidingWindowOptions {
  /** Attempts allowed per window. */
  limit: number;
  windowSeconds: number;
  now?: Clock;
  /** Keys remembered at most (oldest forgotten first); default 100 000. */
  maxKeys?: number;
}

/**
 * At most `limit` attempts in any `windowSeconds` (an exact sliding log, fine for small
 * limits). Every allowed `check` counts; a refused one does not, so a client that stops
 * is free again one window after its last counted attempt.
 */
export class SlidingWindowLimiter implements RedeemAttemptLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: Clock;
  readonly #state: BoundedState<number[]>;

  constructor(options: SlidingWindowOptions) {
    this.#limit = positiveInt("limit", options.limit);
    this.#windowMs = positiveInt("windowSeconds", options.windowSeconds) * 1000;
    this.#now = options.now ?? Date.now;
    this.#state = new BoundedState(positiveInt("maxKeys", options.maxKeys ?? DEFAULT_MAX_KEYS), (log, now) => {
      const last = log[log.length - 1];
      return last === undefined || last + this.#windowMs <= now;
    });
  }

  /** Keys currently remembered (for tests and metrics). */
  get size(): number {
    return this.#state.size;
  }

  async check(key: string): Promise<AttemptDecision> {
    const now = this.#now();
    const log = this.#recent(key, now);
    if (log.length >= this.#limit) return denied(log[0]! + this.#windowMs, now);
    log.push(now);
    this.#state.set(key, log, now);
    return ALLOWED;
  }

  async fail(key: string): Promise<AttemptDecision> {
    const now = this.#now();
    const log = this.#recent(key, now);
    return log.length >= this.#limit ? denied(log[0]! + this.#windowMs, now) : ALLOWED;
  }

  async succeed(_key: string): Promise<void> {}

  #recent(key: string, now: number): number[] {
    const log = this.#state.get(key) ?? [];
    const firstLive = log.findIndex((t) => t + this.#windowMs > now);
    return firstLive === -1 ? [] : log.slice(firstLive);
  }
}

export interface FailureLockOptions {
  /** Consecutive failures that lock the key. */
  maxFailures: number;
  lockSeconds: number;
  /** Failures older than this are forgotten (default: lockSeconds). */
  resetAfterSeconds?: number;
  now?: Clock;
  maxKeys?: number;
}

interface FailureState {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number;
}

/**
 * Locks a key for `lockSeconds` after `maxFailures` consecutive failures; a success
 * clears the count, and so does a quiet period of `resetAfterSeconds`. Attempts during a
 * lock are refused by `check` and do not extend it.
 *
 * `check` only reads, so parallel attempts that all pass it before any failure is recorded
 * can overrun the count by the number in flight; the per-IP limiter bounds that, and a
 * database implementation closes it by counting atomically.
 */
export class FailureLockLimiter implements RedeemAttemptLimiter {
  readonly #maxFailures: number;
  readonly #lockMs: number;
  readonly #resetMs: number;
  readonly #now: Clock;
  readonly #state: BoundedState<FailureState>;

  constructor(options: FailureLockOptions) {
    this.#maxFailures = positiveInt("maxFailures", options.maxFailures);
    this.#lockMs = positiveInt("lockSeconds", options.lockSeconds) * 1000;
    this.#resetMs = positiveInt("resetAfterSeconds", options.resetAfterSeconds ?? options.lockSeconds) * 1000;
    this.#now = options.now ?? Date.now;
    this.#state = new BoundedState(
      positiveInt("maxKeys", options.maxKeys ?? DEFAULT_MAX_KEYS),
      (s, now) => s.lockedUntil <= now && s.lastFailureAt + this.#resetMs <= now,
    );
  }

  get size(): number {
    return this.#state.size;
  }

  async check(key: string): Promise<AttemptDecision> {
    const now = this.#now();
    const s = this.#state.get(key);
    return s && s.lockedUntil > now ? denied(s.lockedUntil, now) : ALLOWED;
  }

  async fail(key: string): Promise<AttemptDecision> {
    const now = this.#now();
    const prev = this.#state.get(key);
    if (prev && prev.lockedUntil > now) return denied(prev.lockedUntil, now);
    const stale = !prev || prev.lastFailureAt + this.#resetMs <= now || prev.lockedUntil > 0;
    const failures = (stale ? 0 : prev.failures) + 1;
    if (failures >= this.#maxFailures) {
      const lockedUntil = now + this.#lockMs;
      this.#state.set(key, { failures: 0, lastFailureAt: now, lockedUntil }, now);
      return denied(lockedUntil, now);
    }
    this.#state.set(key, { failures, lastFailureAt: now, lockedUntil: 0 }, now);
    return ALLOWED;
  }

  async succeed(key: string): Promise<void> {
    this.#state.delete(key);
  }
}

export interface RedeemLimiters {
  /** Keyed by client IP (behind a proxy: the address it reports, resolved once at the edge). */
  perIp: RedeemAttemptLimiter;
  /** Keyed by the code's lookup hash (`codeLookupHash`), never by the code itself. */
  perCode: RedeemAttemptLimiter;
}

export const REDEEM_LIMIT_DEFAULTS = {
  perIp: { limit: 20, windowSeconds: 60 },
  perCode: { maxFailures: 5, lockSeconds: 15 * 60 },
} as const;

/** The in-memory pair with the product's defaults (20 lookups a minute per IP; 5 failures lock a code for 15 minutes). */
export function createMemoryRedeemLimiters(now: Clock = Date.now): RedeemLimiters {
  return {
    perIp: new SlidingWindowLimiter({ ...REDEEM_LIMIT_DEFAULTS.perIp, now }),
    perCode: new FailureLockLimiter({ ...REDEEM_LIMIT_DEFAULTS.perCode, now }),
  };
}
