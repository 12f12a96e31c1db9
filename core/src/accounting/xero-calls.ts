import type { Deps } from "../platform/deps.ts";
import { XeroAuthExpired, XeroError, XeroRateLimited, type RateLimitState, type XeroAccounting, type XeroAuth } from "../integrations/xero/xero.ts";
import { acquireXeroSlot, releaseXeroSlot } from "./xero-limiter.ts";
import { CONNECTION_ID, requireXero, xeroSession, XeroNotReady, type XeroSession } from "./xero-connection.ts";

/**
 * Every Accounting API call of a booking goes through `call`: it takes a slot under the
 * organisation's limits, refreshes the token once on a 401, notes Xero's rate-limit headers
 * (the day limit at 0 blocks the organisation until the next UTC day) and counts the call.
 */
export interface XeroCaller {
  readonly session: XeroSession;
  /** Calls made through this caller (the benchmark's calls per payout). */
  readonly calls: number;
  call<T>(fn: (xero: XeroAccounting, auth: XeroAuth) => Promise<T & { rateLimit: RateLimitState }>): Promise<T>;
}

export function nextUtcDay(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

export async function blockDay(deps: Deps, until: Date): Promise<void> {
  const n = await deps.db.sql.execute(
    `UPDATE xero_connection SET day_blocked_until = $2, updated_at = now() WHERE id = $1 AND (day_blocked_until IS NULL OR day_blocked_until < $2)`,
    [CONNECTION_ID, until.toISOString()],
  );
  if (n > 0) {
    await deps.alerts.notify({ kind: "xero.day_limit", message: "Xero's daily call limit is used up: accounting jobs are parked until the next day", details: { until: until.toISOString() } });
  }
}

export async function xeroCaller(deps: Deps, opts: { maxWaitMs?: number } = {}): Promise<XeroCaller> {
  let session = await xeroSession(deps);
  const xero = requireXero(deps);
  let calls = 0;
  const once = async <T>(fn: (x: XeroAccounting, a: XeroAuth) => Promise<T & { rateLimit: RateLimitState }>): Promise<T> => {
    const tenantId = session.auth.tenantId;
    const limits = { perMinute: deps.config.XERO_MINUTE_LIMIT, inFlight: deps.config.XERO_CONCURRENCY_LIMIT };
    const lease = await acquireXeroSlot(deps.db, tenantId, { ...opts, limits });
    let rateLimit: RateLimitState | null = null;
    try {
      calls++;
      const r = await fn(xero, session.auth);
      rateLimit = r.rateLimit;
      return r;
    } catch (err) {
      // A 429's Retry-After reschedules the job; its headers do not close our minute.
      if (err instanceof XeroError && !(err instanceof XeroRateLimited)) rateLimit = err.rateLimit;
      if (err instanceof XeroRateLimited && err.problem === "day") {
        await blockDay(deps, nextUtcDay());
        throw new XeroNotReady("day_limit", "Xero's daily call limit for the organisation is used up", nextUtcDay());
      }
      throw err;
    } finally {
      await releaseXeroSlot(deps.db, tenantId, lease, rateLimit, limits);
      if (rateLimit?.dayRemaining === 0) await blockDay(deps, nextUtcDay());
    }
  };
  return {
    get session() {
      return session;
    },
    get calls() {
      return calls;
    },
    async call(fn) {
      try {
        return await once(fn);
      } catch (err) {
        if (!(err instanceof XeroAuthExpired)) throw err;
        session = await xeroSession(deps, { force: true });
        return once(fn);
      }
    },
  };
}
