import { z } from "zod";
import { defineJob } from "./registry.ts";

/**
 * Deletes succeeded jobs older than the retention period. Idempotency keys are remembered
 * for as long as their job row exists, so retention is also the de-duplication window.
 */
export const pruneFinishedJobs = defineJob({
  type: "jobs.prune_finished",
  schema: z.object({ olderThanDays: z.number().int().min(1).max(365) }),
  maxAttempts: 3,
  async handler({ olderThanDays }, ctx) {
    const rows = await ctx.deps.db.sql.query<{ n: number }>(
      `WITH d AS (
         DELETE FROM job WHERE status = 'succeeded' AND finished_at < now() - make_interval(days => $1)
         RETURNING 1
       ) SELECT count(*)::int AS n FROM d`,
      [olderThanDays],
    );
    ctx.log.info({ deleted: rows[0]?.n ?? 0 }, "pruned finished jobs");
  },
});
