import type { Deps } from "../platform/deps.ts";
import { recordDeadLetter } from "./dead-letters.ts";
import type { JobRegistry } from "./registry.ts";
import { deadLetterOf, nextStep, runHandler, type ClaimedJob, type Outcome } from "./run-handler.ts";
import { InFlight, sleep, workerId, type Worker } from "./worker.ts";

export interface WorkerOptions {
  concurrency: number;
  batchSize: number;
  pollIntervalMs: number;
  leaseSeconds: number;
  shutdownGraceMs: number;
}

interface ClaimRow {
  id: string;
  type: string;
  payload: unknown;
  idempotency_key: string;
  attempts: number;
  max_attempts: number;
}

/**
 * The `db` driver: job rows are the queue. A worker claims due jobs in batches with
 * `FOR UPDATE SKIP LOCKED`, in (priority, run_at) order (see `JobRowsSql.priority`), taking a lease (`locked_until`) that it extends while handlers
 * run. A worker that dies stops extending; once the lease lapses, any worker reclaims the job.
 */
export function startDbWorker(deps: Deps, registry: JobRegistry, opts: WorkerOptions): Worker {
  const id = workerId();
  const sql = deps.db.sql;
  const log = deps.log.child({ worker: id, driver: "db" });
  const inflight = new InFlight<string>();
  const stopping = new AbortController();
  let completed: string[] = [];

  async function claim(limit: number): Promise<ClaimRow[]> {
    return sql.query<ClaimRow>(
      `WITH c AS (
         SELECT id FROM job
         WHERE (status = 'queued' AND run_at <= now())
            OR (status = 'running' AND locked_until < now())
         ORDER BY priority, run_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED
       )
       UPDATE job j
       SET status = 'running', locked_by = $2, attempts = j.attempts + 1,
           locked_until = now() + make_interval(secs => $3), started_at = now()
       FROM c WHERE j.id = c.id
       RETURNING j.id::text AS id, j.type, j.payload, j.idempotency_key, j.attempts, j.max_attempts`,
      [limit, id, opts.leaseSeconds],
    );
  }

  async function flushCompleted(): Promise<void> {
    if (completed.length === 0) return;
    const ids = completed;
    completed = [];
    await sql.query(
      `UPDATE job SET status = 'succeeded', finished_at = now(), locked_by = NULL, locked_until = NULL
       WHERE id = ANY($1::uuid[]) AND locked_by = $2`,
      [ids, id],
    );
  }

  async function settle(job: ClaimedJob, outcome: Outcome): Promise<void> {
    const step = nextStep(registry, job, outcome);
    if (step.kind === "done") {
      completed.push(job.id);
      if (completed.length >= opts.batchSize) await flushCompleted();
      return;
    }
    const error = outcome.ok ? "" : outcome.error;
    if (step.kind === "dead") {
      await deps.db.prisma.$transaction((tx) => recordDeadLetter(tx, deadLetterOf(job, error, "db")));
      log.error({ job: job.id, type: job.type, attempts: job.attempt }, "job dead-lettered");
      return;
    }
    await sql.query(
      `UPDATE job SET status = 'queued', last_error = $2, locked_by = NULL, locked_until = NULL,
         run_at = now() + make_interval(secs => $3)
       WHERE id = $1::uuid AND locked_by = $4`,
      [job.id, error, step.delayMs / 1000, id],
    );
  }

  async function process(row: ClaimRow, signal: AbortSignal): Promise<void> {
    const job: ClaimedJob = {
      id: row.id,
      type: row.type,
      payload: row.payload,
      idempotencyKey: row.idempotency_key,
      attempt: row.attempts,
      maxAttempts: row.max_attempts,
    };
    // A worker died during this job's last allowed attempt: do not run it again.
    const outcome: Outcome =
      job.attempt > job.maxAttempts
        ? { ok: false, error: "lease expired during the final attempt (worker lost)", permanent: true }
        : await runHandler(deps, registry.get(job.type), job, signal);
    if (signal.aborted && !outcome.ok) return; // released at shutdown; not a failure
    try {
      await settle({ ...job, attempt: Math.min(job.attempt, job.maxAttempts) }, outcome);
    } catch (err) {
      // The lease will lapse and the job will run again; handlers are idempotent.
      log.error({ err, job: job.id }, "could not record job outcome");
    }
  }

  async function heartbeat(): Promise<void> {
    while (!stopping.signal.aborted) {
      await sleep((opts.leaseSeconds * 1000) / 3, stopping.signal);
      const ids = inflight.keys();
      if (ids.length === 0) continue;
      await sql
        .query(
          `UPDATE job SET locked_until = now() + make_interval(secs => $3)
           WHERE id = ANY($1::uuid[]) AND locked_by = $2`,
          [ids, id, opts.leaseSeconds],
        )
        .catch((err) => log.warn({ err }, "lease extension failed"));
    }
  }

  async function flusher(): Promise<void> {
    while (!stopping.signal.aborted) {
      await sleep(10, stopping.signal);
      await flushCompleted().catch((err) => log.warn({ err }, "completion flush failed"));
    }
  }

  async function loop(): Promise<void> {
    let backoff = opts.pollIntervalMs;
    while (!stopping.signal.aborted) {
      await inflight.slotFree(opts.concurrency, stopping.signal);
      if (stopping.signal.aborted) break;
      const room = Math.min(opts.batchSize, opts.concurrency - inflight.size);
      let rows: ClaimRow[];
      try {
        rows = await claim(room);
        backoff = opts.pollIntervalMs;
      } catch (err) {
        log.error({ err }, "claiming jobs failed; backing off");
        backoff = Math.min(backoff * 2, 5_000);
        await sleep(backoff, stopping.signal);
        continue;
      }
      for (const row of rows) inflight.start(row.id, (signal) => process(row, signal));
      if (rows.length < room) await sleep(opts.pollIntervalMs, stopping.signal);
    }
  }

  const tasks = [loop(), heartbeat(), flusher()];
  let stopPromise: Promise<void> | undefined;

  async function stop(): Promise<void> {
    stopPromise ??= (async () => {
      log.info({ inflight: inflight.size }, "worker stopping: no new claims");
      stopping.abort();
      await Promise.allSettled(tasks.slice(0, 1));
      const left = await inflight.drain(opts.shutdownGraceMs);
      if (left.length > 0) {
        inflight.abortAll();
        // Give them back: the next worker takes them at once, and this attempt does not count.
        await sql.query(
          `UPDATE job SET status = 'queued', locked_by = NULL, locked_until = NULL,
             attempts = GREATEST(attempts - 1, 0), run_at = now()
           WHERE id = ANY($1::uuid[]) AND locked_by = $2`,
          [left, id],
        );
        log.warn({ released: left.length }, "released unfinished jobs");
      }
      // Handlers that ignore the abort signal are not waited for: their jobs are released.
      await Promise.race([inflight.settled(), sleep(1_000)]);
      await Promise.allSettled(tasks);
      await flushCompleted();
      log.info("worker stopped");
    })();
    return stopPromise;
  }

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  return {
    id,
    stopped,
    async stop() {
      await stop();
      resolveStopped();
    },
  };
}
