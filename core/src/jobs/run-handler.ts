import type { Deps } from "../platform/deps.ts";
import type { DeadLetterInput } from "./dead-letters.ts";
import { backoffDelayMs, PermanentJobError, type JobContext, type JobDefinition, type JobRegistry } from "./registry.ts";
import type { Tx } from "./queue.ts";

export interface ClaimedJob {
  id: string;
  type: string;
  payload: unknown;
  idempotencyKey: string;
  attempt: number;
  maxAttempts: number;
}

export type Outcome =
  | { ok: true }
  | { ok: false; error: string; permanent: boolean };

/** Parses the payload, runs the handler, and turns what happened into an outcome. */
export async function runHandler(
  deps: Deps,
  def: JobDefinition<unknown> | undefined,
  job: ClaimedJob,
  signal: AbortSignal,
): Promise<Outcome> {
  if (!def) return { ok: false, error: `unknown job type ${job.type}`, permanent: true };
  const parsed = def.schema.safeParse(job.payload);
  if (!parsed.success) {
    return { ok: false, error: `invalid payload: ${parsed.error.message}`, permanent: true };
  }
  const log = deps.log.child({ job: { id: job.id, type: job.type, attempt: job.attempt } });
  const ctx: JobContext = {
    deps,
    log,
    signal,
    job: {
      id: job.id,
      type: job.type,
      idempotencyKey: job.idempotencyKey,
      attempt: job.attempt,
      maxAttempts: job.maxAttempts,
    },
    once: (effect, key) => once(deps, key ?? `job:${job.idempotencyKey}`, effect),
  };
  try {
    await def.handler(parsed.data, ctx);
    return { ok: true };
  } catch (err) {
    const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    const permanent = err instanceof PermanentJobError;
    log.warn({ err: error, permanent }, "job attempt failed");
    return { ok: false, error: error.slice(0, 4000), permanent };
  }
}

/** Runs `effect` and records `key` in one transaction, unless `key` was recorded before. */
export async function once<T>(
  deps: Pick<Deps, "db">,
  key: string,
  effect: (tx: Tx) => Promise<T>,
): Promise<{ ran: boolean; value?: T }> {
  return deps.db.prisma.$transaction(async (tx) => {
    const inserted = await tx.$executeRawUnsafe(
      "INSERT INTO job_effect (key) VALUES ($1) ON CONFLICT (key) DO NOTHING",
      key,
    );
    if (inserted === 0) return { ran: false };
    return { ran: true, value: await effect(tx) };
  });
}

export type NextStep = { kind: "done" } | { kind: "dead" } | { kind: "retry"; delayMs: number };

/** What a driver does after an attempt: both drivers share this rule. */
export function nextStep(registry: JobRegistry, job: ClaimedJob, outcome: Outcome): NextStep {
  if (outcome.ok) return { kind: "done" };
  if (outcome.permanent || job.attempt >= job.maxAttempts) return { kind: "dead" };
  const def = registry.get(job.type);
  return { kind: "retry", delayMs: def ? backoffDelayMs(def.backoff, job.attempt) : 60_000 };
}

export function deadLetterOf(job: ClaimedJob, error: string, source: DeadLetterInput["source"]): DeadLetterInput {
  return {
    jobId: job.id,
    type: job.type,
    payload: job.payload,
    idempotencyKey: job.idempotencyKey,
    attempts: job.attempt,
    lastError: error,
    source,
  };
}
