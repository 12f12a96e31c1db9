import type { Deps } from "../platform/deps.ts";
import { recordDeadLetter } from "./dead-letters.ts";
import { startLeasedWorker, type LeaseDriver, type LeasedWorker } from "./leased-worker.ts";
import type { JobRegistry } from "./registry.ts";
import { deadLetterOf, type ClaimedJob } from "./run-handler.ts";
import { repeatEvery, sleep, type Worker, type WorkerOptions } from "./worker.ts";


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
  return startLeasedWorker<string>(deps, registry, { driver: "db", shutdownGraceMs: opts.shutdownGraceMs }, (worker) =>
    jobRowsDriver(deps, opts, worker),
  );
}

/** Jobs held by id: claimed, extended, settled and released with UPDATEs of their rows, all checked against `locked_by`. */
function jobRowsDriver(deps: Deps, opts: WorkerOptions, worker: LeasedWorker<string>): LeaseDriver<string> {
  const { id, log, inflight, stopping } = worker;
  const sql = deps.db.sql;
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

  async function claimLoop(): Promise<void> {
    let backoff = opts.pollIntervalMs;
    while (!stopping.aborted) {
      await inflight.slotFree(opts.concurrency, stopping);
      if (stopping.aborted) break;
      const room = Math.min(opts.batchSize, opts.concurrency - inflight.size);
      let rows: ClaimRow[];
      try {
        rows = await claim(room);
        backoff = opts.pollIntervalMs;
      } catch (err) {
        log.error({ err }, "claiming jobs failed; backing off");
        backoff = Math.min(backoff * 2, 5_000);
        await sleep(backoff, stopping);
        continue;
      }
      for (const row of rows) worker.start(row.id, claimedJob(row));
      if (rows.length < room) await sleep(opts.pollIntervalMs, stopping);
    }
  }

  async function extendLeases(): Promise<void> {
    const ids = inflight.keys();
    if (ids.length === 0) return;
    await sql
      .query(
        `UPDATE job SET locked_until = now() + make_interval(secs => $3)
         WHERE id = ANY($1::uuid[]) AND locked_by = $2`,
        [ids, id, opts.leaseSeconds],
      )
      .catch((err) => log.warn({ err }, "lease extension failed"));
  }

  return {
    startIntake: () => [claimLoop()],
    startLoops: () => [
      repeatEvery((opts.leaseSeconds * 1000) / 3, stopping, extendLeases),
      repeatEvery(10, stopping, () => flushCompleted().catch((err) => log.warn({ err }, "completion flush failed"))),
    ],
    async succeeded(jobId) {
      completed.push(jobId);
      if (completed.length >= opts.batchSize) await flushCompleted();
    },
    async deadLettered(_jobId, job, error) {
      await deps.db.prisma.$transaction((tx) => recordDeadLetter(tx, deadLetterOf(job, error, "db")));
    },
    async retryLater(jobId, _job, delayMs, error) {
      await sql.query(
        `UPDATE job SET status = 'queued', last_error = $2, locked_by = NULL, locked_until = NULL,
           run_at = now() + make_interval(secs => $3)
         WHERE id = $1::uuid AND locked_by = $4`,
        [jobId, error, delayMs / 1000, id],
      );
    },
    async releaseUnfinished(jobIds) {
      // Give them back: the next worker takes them at once, and this attempt does not count.
      await sql.query(
        `UPDATE job SET status = 'queued', locked_by = NULL, locked_until = NULL,
           attempts = GREATEST(attempts - 1, 0), run_at = now()
         WHERE id = ANY($1::uuid[]) AND locked_by = $2`,
        [jobIds, id],
      );
    },
    flushAtStop: flushCompleted,
    texts: {
      stopping: "worker stopping: no new claims",
      workerLost: "lease expired during the final attempt (worker lost)",
      outcomeNotRecorded: "could not record job outcome",
    },
  };
}

function claimedJob(row: ClaimRow): ClaimedJob {
  return {
    id: row.id,
    type: row.type,
    payload: row.payload,
    idempotencyKey: row.idempotency_key,
    attempt: row.attempts,
    maxAttempts: row.max_attempts,
  };
}
