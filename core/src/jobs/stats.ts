import type { PlatformContext } from "../platform/use-case.ts";

export const JOB_STATUSES = ["queued", "running", "published", "succeeded", "dead"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export type StatusCounts = Record<JobStatus, number>;

export interface JobStats {
  total: number;
  byStatus: StatusCounts;
  byType: Array<{ type: string; total: number; byStatus: StatusCounts }>;
}

const zero = (): StatusCounts => ({ queued: 0, running: 0, published: 0, succeeded: 0, dead: 0 });

/** Jobs in the outbox per status and type (every status present, zero when none). */
export async function jobStats(ctx: PlatformContext): Promise<JobStats> {
  const rows = await ctx.db.sql.query<{ type: string; status: JobStatus; n: number }>(
    "SELECT type, status::text AS status, count(*)::int AS n FROM job GROUP BY type, status ORDER BY type",
  );
  const stats: JobStats = { total: 0, byStatus: zero(), byType: [] };
  const byType = new Map<string, JobStats["byType"][number]>();
  for (const r of rows) {
    let t = byType.get(r.type);
    if (!t) {
      t = { type: r.type, total: 0, byStatus: zero() };
      byType.set(r.type, t);
      stats.byType.push(t);
    }
    t.byStatus[r.status] += r.n;
    t.total += r.n;
    stats.byStatus[r.status] += r.n;
    stats.total += r.n;
  }
  return stats;
}
