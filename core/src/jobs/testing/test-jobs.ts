import { z } from "zod";
import { defineJob, JobRegistry, PermanentJobError } from "../registry.ts";
import { sleep } from "../worker.ts";

/** Job types used by the job system's behavioural tests (in-process and child workers). */
export const calls = new Map<string, number>();
const count = (id: string) => {
  const n = (calls.get(id) ?? 0) + 1;
  calls.set(id, n);
  return n;
};
const fast = { baseMs: 20, maxMs: 100 };
/** Progress reports to the test process, only from child workers spawned by the harness. */
const report = (m: object) => {
  if (process.env.JOB_TEST_CHILD === "1") process.send?.(m);
};

/** Writes one audit row per job (via ctx.once), then optionally lingers. */
export const effectJob = defineJob({
  type: "test.effect",
  schema: z.object({
    id: z.string(),
    lingerMs: z.number().int().min(0).default(0),
    /** Linger only while the attempt number is at most this (simulates a slow first attempt). */
    lingerUpToAttempt: z.number().int().optional(),
    /** Linger only on this process's first call for the id. */
    lingerFirstCallOnly: z.boolean().optional(),
  }),
  maxAttempts: 5,
  backoff: fast,
  async handler({ id, lingerMs, lingerUpToAttempt, lingerFirstCallOnly }, ctx) {
    const n = count(id);
    report({ event: "handler-started", id, attempt: ctx.job.attempt });
    await ctx.once(async (tx) => {
      await tx.$executeRawUnsafe(
        `INSERT INTO audit_log (id, actor, action, entity, entity_id) VALUES (gen_random_uuid(), 'test', 'test.effect', 'test', $1)`,
        id,
      );
    });
    report({ event: "effect-done", id });
    const linger =
      lingerMs > 0 &&
      (lingerUpToAttempt === undefined || ctx.job.attempt <= lingerUpToAttempt) &&
      (!lingerFirstCallOnly || n === 1);
    if (linger) await sleep(lingerMs);
  },
});

export const flakyJob = defineJob({
  type: "test.flaky",
  schema: z.object({ id: z.string(), failTimes: z.number().int() }),
  maxAttempts: 5,
  backoff: fast,
  async handler({ id, failTimes }) {
    if (count(id) <= failTimes) throw new Error(`planned failure ${calls.get(id)}`);
  },
});

export const alwaysFailsJob = defineJob({
  type: "test.always_fails",
  schema: z.object({ id: z.string() }),
  maxAttempts: 3,
  backoff: fast,
  async handler({ id }) {
    throw new Error(`always fails (call ${count(id)})`);
  },
});

export const permanentJob = defineJob({
  type: "test.permanent",
  schema: z.object({ id: z.string() }),
  maxAttempts: 5,
  backoff: fast,
  async handler({ id }) {
    count(id);
    throw new PermanentJobError("cannot succeed");
  },
});

export function testRegistry(): JobRegistry {
  return new JobRegistry([effectJob, flakyJob, alwaysFailsJob, permanentJob]);
}
