import { z } from "zod";
import { defineJob } from "../jobs/registry.ts";
import { platformContext } from "../platform/use-case.ts";
import { platformSettings } from "./settings.ts";
import { PayoutRunBusy, runPayouts } from "./run.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The scheduled payout cycle. The scheduler enqueues it daily; it runs when the last
 * scheduled run is at least the platform's schedule (7 days: weekly) ago, less an hour of
 * slack for the scheduler's tick. A run already under way (the operator's) skips this one.
 */
export const scheduledPayoutRunJob = defineJob({
  type: "payouts.scheduled_run",
  schema: z.object({}),
  maxAttempts: 5,
  async handler(_payload, ctx) {
    const settings = await platformSettings(ctx.deps.db.prisma);
    const [last] = await ctx.deps.db.sql.query<{ started_at: Date }>(
      "SELECT started_at FROM payout_run WHERE trigger = 'scheduled' ORDER BY started_at DESC LIMIT 1",
    );
    const now = Date.now();
    if (last && now - new Date(last.started_at).getTime() < settings.scheduleDays * DAY_MS - 60 * 60 * 1000) {
      ctx.log.debug({ last: last.started_at }, "scheduled payout run not due yet");
      return;
    }
    try {
      const platform = platformContext({ db: ctx.deps.db, actor: `job:${ctx.job.type}`, log: ctx.log });
      const r = await runPayouts(platform, ctx.deps, { trigger: "scheduled", dryRun: false });
      ctx.log.info({ runId: r.runId, payouts: r.payouts.length, carriedOver: r.carriedOver.length }, "scheduled payout run");
    } catch (err) {
      if (err instanceof PayoutRunBusy) return void ctx.log.info("a payout run is under way; the scheduled one is skipped");
      throw err;
    }
  },
});
