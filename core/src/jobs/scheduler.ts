import type { Deps } from "../platform/deps.ts";
import type { JobDefinition } from "./registry.ts";
import { sleep } from "./worker.ts";

export interface Schedule<P = unknown> {
  job: JobDefinition<P>;
  everyMs: number;
  payload: P;
}

/**
 * Periodic jobs. Each period is one idempotency key (`<type>@<period start>`), so any
 * number of workers can run the scheduler and each period's job is enqueued once.
 */
export function startScheduler(deps: Deps, schedules: Schedule[], opts: { tickMs?: number } = {}) {
  const stopping = new AbortController();
  const tick = async () => {
    const now = Date.now();
    for (const s of schedules) {
      const slot = Math.floor(now / s.everyMs) * s.everyMs;
      await deps.jobs
        .enqueue(deps.db.prisma, s.job, s.payload, { key: `${s.job.type}@${new Date(slot).toISOString()}` })
        .catch((err) => deps.log.warn({ err, type: s.job.type }, "could not schedule job"));
    }
  };
  const done = (async () => {
    while (!stopping.signal.aborted) {
      await tick();
      await sleep(opts.tickMs ?? 60_000, stopping.signal);
    }
  })();
  return {
    async stop() {
      stopping.abort();
      await done;
    },
  };
}
