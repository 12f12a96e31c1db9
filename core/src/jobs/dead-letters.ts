import type { PlatformContext } from "../platform/use-case.ts";
import type { Tx } from "./queue.ts";

/**
 * The dead-letter store: jobs that used up their attempts (or failed permanently, or
 * reached the SQS dead-letter queue). Listed and replayed by operators (CLI and API).
 */
export interface DeadLetterView {
  id: string;
  jobId: string;
  type: string;
  idempotencyKey: string;
  payload: unknown;
  attempts: number;
  lastError: string | null;
  source: string;
  failedAt: string;
  replayedAt: string | null;
}

export interface DeadLetterInput {
  jobId: string;
  type: string;
  payload: unknown;
  idempotencyKey: string;
  attempts: number;
  lastError: string;
  source: "db" | "sqs" | "sqs-redrive";
}

/**
 * Records a dead job and marks its row dead. A job has one dead-letter record: recording
 * it again is a no-op, unless it was replayed since (then the record is refreshed).
 * `ifAbsent` never refreshes: for late copies (an SQS dead-letter message that was
 * already recorded when the worker moved it).
 */
export async function recordDeadLetter(
  tx: Tx,
  d: DeadLetterInput,
  mode: "refresh" | "ifAbsent" = "refresh",
): Promise<boolean> {
  const changed = await tx.$executeRawUnsafe(
    `INSERT INTO dead_letter (id, job_id, type, payload, idempotency_key, attempts, last_error, source)
     VALUES (gen_random_uuid(), $1::uuid, $2, $3::jsonb, $4, $5, $6, $7)
     ON CONFLICT (job_id) DO UPDATE SET
       attempts = EXCLUDED.attempts, last_error = EXCLUDED.last_error, source = EXCLUDED.source,
       failed_at = now(), replayed_at = NULL, replay_job_id = NULL
     WHERE dead_letter.replayed_at IS NOT NULL AND $8`,
    d.jobId,
    d.type,
    JSON.stringify(d.payload ?? null),
    d.idempotencyKey,
    d.attempts,
    d.lastError,
    d.source,
    mode === "refresh",
  );
  if (changed === 0) return false;
  await tx.$executeRawUnsafe(
    `UPDATE job SET status = 'dead', last_error = $2, finished_at = now(), locked_by = NULL, locked_until = NULL
     WHERE id = $1::uuid`,
    d.jobId,
    d.lastError,
  );
  return true;
}

export async function listDeadLetters(
  ctx: PlatformContext,
  opts: { includeReplayed?: boolean; type?: string; limit?: number } = {},
): Promise<DeadLetterView[]> {
  const rows = await ctx.db.prisma.deadLetter.findMany({
    where: {
      ...(opts.includeReplayed ? {} : { replayedAt: null }),
      ...(opts.type ? { type: opts.type } : {}),
    },
    orderBy: { failedAt: "desc" },
    take: Math.min(Math.max(opts.limit ?? 100, 1), 1000),
  });
  return rows.map((r) => ({
    id: r.id,
    jobId: r.jobId,
    type: r.type,
    idempotencyKey: r.idempotencyKey,
    payload: r.payload,
    attempts: r.attempts,
    lastError: r.lastError,
    source: r.source,
    failedAt: r.failedAt.toISOString(),
    replayedAt: r.replayedAt ? r.replayedAt.toISOString() : null,
  }));
}

export type ReplayResult =
  | { ok: true; jobId: string }
  | { ok: false; code: "not_found" | "already_replayed" };

/**
 * Puts a dead job back in the queue with fresh attempts (same job row, same idempotency
 * key, so handlers still see it as the same job). Safe to call twice: the second call
 * answers `already_replayed`.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function replayDeadLetter(ctx: PlatformContext, id: string): Promise<ReplayResult> {
  if (!UUID.test(id)) return { ok: false, code: "not_found" };
  return ctx.db.prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRawUnsafe<Array<{ job_id: string; replayed_at: Date | null }>>(
      "SELECT job_id::text, replayed_at FROM dead_letter WHERE id = $1::uuid FOR UPDATE",
      id,
    );
    const dl = rows[0];
    if (!dl) return { ok: false as const, code: "not_found" as const };
    if (dl.replayed_at) return { ok: false as const, code: "already_replayed" as const };
    await tx.$executeRawUnsafe(
      `UPDATE job SET status = 'queued', attempts = 0, run_at = now(), locked_by = NULL,
         locked_until = NULL, published_at = NULL, finished_at = NULL
       WHERE id = $1::uuid`,
      dl.job_id,
    );
    await tx.$executeRawUnsafe(
      "UPDATE dead_letter SET replayed_at = now(), replay_job_id = job_id WHERE id = $1::uuid",
      id,
    );
    return { ok: true as const, jobId: dl.job_id };
  });
}
