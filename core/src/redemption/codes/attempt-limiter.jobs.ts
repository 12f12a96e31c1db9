import { z } from "zod";
import { defineJob } from "../../jobs/registry.ts";

/**
 * Deletes the rate limiters' rows that no longer mean anything: windows whose last counted
 * attempt has left the window, and failure counts past both their lock and their reset
 * period. Limits never depend on it (every decision ignores what has expired); it keeps
 * the tables as small as the traffic of the last few minutes, and drops client-address
 * keys soon after their last use.
 */
export const sweepAttemptLimitsJob = defineJob({
  type: "attempt_limits.sweep",
  schema: z.object({}),
  maxAttempts: 3,
  async handler(_payload, ctx) {
    const rows = await ctx.deps.db.sql.query<{ windows: number; locks: number }>(
      `WITH w AS (DELETE FROM attempt_window WHERE expires_at <= now() RETURNING 1),
            l AS (DELETE FROM attempt_lock WHERE expires_at <= now() RETURNING 1)
       SELECT (SELECT count(*) FROM w)::int AS windows, (SELECT count(*) FROM l)::int AS locks`,
    );
    ctx.log.info(rows[0], "swept expired attempt limits");
  },
});
