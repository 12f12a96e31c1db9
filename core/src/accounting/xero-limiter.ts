import type { Database } from "../platform/db/connect.ts";
import type { RateLimitState } from "../integrations/xero/xero.ts";

/**
 * Xero's limits per organisation, kept by every worker together in the database, the way
 * Xero counts them: at most 5 calls in flight and 60 calls in any rolling minute. Each call
 * is a `xero_call` row: in flight until released (or until it expires, if its worker died),
 * counted while it started less than a minute ago. Xero counts a call from when the request
 * reaches it, which we cannot see; a released call is therefore stamped with the time its
 * answer came (never earlier than Xero's count), so our minute never ends before Xero's.
 * Xero's headers correct the count: when X-MinLimit-Remaining (or X-AppMinLimit-Remaining)
 * says fewer calls are left than we counted when the call went out, the difference is
 * recorded as calls made now (someone else used them). The day limit is the caller's (the
 * connection's `dayBlockedUntil`). Times are the database's clock at each statement
 * (`clock_timestamp()`), never a transaction's start, which may be a lock wait ago.
 */
export const XERO_LIMITS = { inFlight: 5, perMinute: 60 };
const LEASE_MS = 90_000;

/** No call slot within the caller's wait: try again at `retryAt`. */
export class XeroLimiterBusy extends Error {
  override name = "XeroLimiterBusy";
  constructor(readonly retryAt: Date) {
    super(`Xero's per-organisation limits are in use until ${retryAt.toISOString()}`);
  }
}

type Decision = { callId: string } | { waitMs: number };

async function tryAcquire(db: Database, tenantId: string, limits: typeof XERO_LIMITS): Promise<Decision> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('xero_limits:' || $1))`, [tenantId]);
    const [s] = await tx.query<{ in_flight: number; in_minute: number; wait_ms: number | null }>(
      `WITH t AS (SELECT clock_timestamp() AS now),
            gone AS (DELETE FROM xero_call WHERE tenant_id = $1 AND started_at < (SELECT now FROM t) - interval '2 minutes' AND (released_at IS NOT NULL OR expires_at < (SELECT now FROM t)) RETURNING 1),
            recent AS (SELECT started_at FROM xero_call WHERE tenant_id = $1 AND started_at > (SELECT now FROM t) - interval '1 minute' ORDER BY started_at DESC LIMIT $2)
       SELECT (SELECT count(*)::int FROM xero_call WHERE tenant_id = $1 AND released_at IS NULL AND expires_at > (SELECT now FROM t)) AS in_flight,
              (SELECT count(*)::int FROM recent) AS in_minute,
              (SELECT (extract(epoch FROM min(started_at) + interval '1 minute' - (SELECT now FROM t)) * 1000)::float8 FROM recent) AS wait_ms`,
      [tenantId, limits.perMinute],
    );
    const st = s ?? { in_flight: 0, in_minute: 0, wait_ms: null };
    // The oldest of the last `perMinute` calls leaves the rolling minute after wait_ms.
    if (st.in_minute >= limits.perMinute) return { waitMs: Math.max(5, Math.ceil(Number(st.wait_ms ?? 1000)) + 5) };
    if (st.in_flight >= limits.inFlight) return { waitMs: 10 };
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO xero_call (id, tenant_id, started_at, expires_at) VALUES (gen_random_uuid(), $1, clock_timestamp(), clock_timestamp() + make_interval(secs => $2)) RETURNING id::text`,
      [tenantId, LEASE_MS / 1000],
    );
    return { callId: (row as { id: string }).id };
  });
}

/**
 * A call slot for `tenantId`, waiting up to `maxWaitMs` for one; XeroLimiterBusy when none
 * comes in time (the caller reschedules its job for `retryAt`).
 */
export async function acquireXeroSlot(db: Database, tenantId: string, opts: { maxWaitMs?: number; limits?: typeof XERO_LIMITS } = {}): Promise<string> {
  const deadline = Date.now() + (opts.maxWaitMs ?? 5_000);
  for (;;) {
    const d = await tryAcquire(db, tenantId, opts.limits ?? XERO_LIMITS);
    if ("callId" in d) return d.callId;
    if (Date.now() + d.waitMs > deadline) throw new XeroLimiterBusy(new Date(Date.now() + d.waitMs));
    await new Promise((r) => setTimeout(r, d.waitMs));
  }
}

/**
 * Frees the slot, stamping the call with the time its answer came; records calls Xero says
 * were made that we did not count (compared with our count over the minute before the call
 * went out, which includes every call Xero can have counted when it answered).
 */
export async function releaseXeroSlot(db: Database, tenantId: string, callId: string, rateLimit: RateLimitState | null, limits = XERO_LIMITS): Promise<void> {
  // Without Xero's headers (a failed call), nothing is known to correct: as if all were left.
  const remaining = Math.min(rateLimit?.minuteRemaining ?? limits.perMinute, rateLimit?.appMinuteRemaining ?? limits.perMinute);
  await db.sql.execute(
    `WITH sent AS (SELECT started_at FROM xero_call WHERE id = $4::uuid),
          done AS (UPDATE xero_call SET released_at = clock_timestamp(), started_at = clock_timestamp() WHERE id = $4::uuid RETURNING 1)
     INSERT INTO xero_call (id, tenant_id, started_at, expires_at, released_at)
     SELECT gen_random_uuid(), $1, clock_timestamp(), clock_timestamp(), clock_timestamp()
     FROM generate_series(1, GREATEST(0, $2::int - $3::int - (
       SELECT count(*)::int FROM xero_call WHERE tenant_id = $1 AND started_at > COALESCE((SELECT started_at FROM sent), clock_timestamp()) - interval '1 minute')))`,
    [tenantId, limits.perMinute, remaining, callId],
  );
}
