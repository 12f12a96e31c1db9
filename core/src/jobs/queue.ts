import type { Prisma, PrismaClient } from "@prisma/client";
import type { TxSql } from "../platform/lifecycle/lifecycle.ts";
import type { JobDefinition, JobRegistry } from "./registry.ts";

/** A Prisma client or interactive transaction. */
export type Tx = Prisma.TransactionClient | PrismaClient;

/** Where a job is enqueued: a Prisma transaction or a raw SQL one (seen through `txSqlOf`); enqueue joins whichever the caller holds. */
export type EnqueueTx = Tx | TxSql;

export interface EnqueueOptions {
  /** Idempotency key: enqueuing the same key again returns the existing job. */
  key: string;
  /** Earliest start; default now. */
  runAt?: Date;
}

export interface Enqueued {
  id: string;
  created: boolean;
}

export interface JobQueue {
  readonly driver: "db" | "sqs";
  readonly registry: JobRegistry;
  /**
   * Writes the job into the outbox through `tx`, so it exists only if the caller's
   * transaction commits. The payload is checked against the job type's schema first.
   */
  enqueue<P>(tx: EnqueueTx, def: JobDefinition<P>, payload: P, opts: EnqueueOptions): Promise<Enqueued>;
  /** Many jobs of one type in one statement; returns how many were new. */
  enqueueMany<P>(tx: EnqueueTx, def: JobDefinition<P>, items: Array<{ payload: P } & EnqueueOptions>): Promise<number>;
  /** Throws when the queue's backing service is unreachable (readiness). */
  ping(): Promise<void>;
}

export class JobEnqueueError extends Error {
  override name = "JobEnqueueError";
}

/** Throws unless `def` is the job definition registered under its type. */
export function requireRegistered<P>(registry: JobRegistry, def: JobDefinition<P>): void {
  if (registry.get(def.type) !== (def as JobDefinition<unknown>)) {
    throw new JobEnqueueError(`job type ${def.type} is not in the registry`);
  }
}

function check<P>(registry: JobRegistry, def: JobDefinition<P>, payload: P): P {
  requireRegistered(registry, def);
  const parsed = def.schema.safeParse(payload);
  if (!parsed.success) {
    throw new JobEnqueueError(`invalid payload for ${def.type}: ${parsed.error.message}`);
  }
  return parsed.data;
}

/** Where the jobs of `jobInsertSql` come from: SQL expressions over the columns of `from`. */
export interface JobRowsSql {
  /** A table or a CTE earlier in the same statement: one job per row. */
  from: string;
  payload: string;
  key: string;
  /** Earliest start; null or absent: now. */
  runAt?: string;
  /**
   * Order among due jobs (lower first; absent: 0, as every other job). A bulk batch gives
   * its jobs 1, 2, 3, … (e.g. `row_number() OVER ()`), so that other work goes first and
   * two batches take turns instead of the later one waiting for the whole earlier one.
   */
  priority?: string;
}

/**
 * The one INSERT of job rows: every job row is written by this text (the outbox's
 * `enqueue` and `enqueueMany`, `jobInsertSql`), one job per row of `rows.from`; a key
 * already enqueued is left alone. The type and attempts are SQL expressions too, for a
 * statement whose rows carry job types the caller checked against the registry
 * (`requireRegistered`), e.g. the webhook event log's batch of several providers.
 */
export function jobRowsInsertSql(rows: JobRowsSql & { type: string; maxAttempts: string }): string {
  return `INSERT INTO job (id, type, payload, idempotency_key, max_attempts, run_at, priority)
     SELECT gen_random_uuid(), ${rows.type}, ${rows.payload}, ${rows.key}, ${rows.maxAttempts}, COALESCE(${rows.runAt ?? "NULL"}, now()), ${rows.priority ?? "0"}
     FROM ${rows.from}
     ON CONFLICT (idempotency_key) DO NOTHING`;
}

/**
 * An INSERT of one job of `type` per row of `rows.from`, for a statement that writes rows
 * and enqueues their jobs at once, so the jobs commit with the rows or not at all, with no
 * round trip for them; a key already enqueued is left alone. For job types written in the
 * code (the type and attempts go into the SQL text), never for input.
 */
export function jobInsertSql(job: { type: string; maxAttempts: number }, rows: JobRowsSql): string {
  if (!/^[a-z0-9_.]+$/.test(job.type) || !Number.isInteger(job.maxAttempts)) throw new JobEnqueueError(`job type ${job.type} cannot be written into SQL`);
  return jobRowsInsertSql({ ...rows, type: `'${job.type}'`, maxAttempts: String(job.maxAttempts) });
}

/**
 * `jobInsertSql` for a registered job definition (refused otherwise). The payload is built
 * in SQL and so not checked against `def.schema`: the caller's expression must give the
 * schema's shape (its tests run the job).
 */
export function enqueueFromSql<P>(registry: JobRegistry, def: JobDefinition<P>, rows: JobRowsSql): string {
  requireRegistered(registry, def);
  return jobInsertSql(def, rows);
}

/** `enqueue`'s insert: one job from parameters ($1 type, $2 payload, $3 key, $4 attempts, $5 run at or null). */
const ENQUEUE_ONE = jobRowsInsertSql({
  from: "(SELECT 1) AS one",
  type: "$1::text",
  payload: "$2::jsonb",
  key: "$3::text",
  maxAttempts: "$4::int",
  runAt: "$5::timestamptz",
});

/** `enqueueMany`'s insert: jobs of one type ($1, $2 attempts) from arrays of payloads ($3), keys ($4) and run times ($5). */
const ENQUEUE_MANY = jobRowsInsertSql({
  from: "unnest($3::text[], $4::text[], $5::text[]) AS t(payload, key, run_at)",
  type: "$1::text",
  payload: "t.payload::jsonb",
  key: "t.key",
  maxAttempts: "$2::int",
  runAt: "t.run_at::timestamptz",
});

export function outboxEnqueue(registry: JobRegistry) {
  async function enqueue<P>(tx: EnqueueTx, def: JobDefinition<P>, payload: P, opts: EnqueueOptions): Promise<Enqueued> {
    const data = check(registry, def, payload);
    // One statement inserts or finds the job. Its snapshot cannot see a row with the same key
    // that a concurrent transaction committed while this INSERT waited on it (the conflict
    // then answers nothing); a second statement, with a fresh snapshot, does see it.
    for (let attempt = 0; attempt < 3; attempt++) {
      const row = (await insertOrFind(tx, def, data, opts))[0] ?? (await findByKey(tx, opts.key))[0];
      if (row) return row;
    }
    throw new JobEnqueueError(`enqueue of ${def.type} (${opts.key}) returned nothing`);
  }

  function findByKey(tx: EnqueueTx, key: string) {
    return tx.$queryRawUnsafe<Array<{ id: string; created: boolean }>>("SELECT id::text AS id, false AS created FROM job WHERE idempotency_key = $1", key);
  }

  function insertOrFind<P>(tx: EnqueueTx, def: JobDefinition<P>, data: unknown, opts: EnqueueOptions) {
    return tx.$queryRawUnsafe<Array<{ id: string; created: boolean }>>(
      `WITH ins AS (
         ${ENQUEUE_ONE}
         RETURNING id
       )
       SELECT id::text AS id, true AS created FROM ins
       UNION ALL
       SELECT id::text, false FROM job WHERE idempotency_key = $3 AND NOT EXISTS (SELECT 1 FROM ins)`,
      def.type,
      JSON.stringify(data),
      opts.key,
      def.maxAttempts,
      opts.runAt ? opts.runAt.toISOString() : null,
    );
  }

  async function enqueueMany<P>(
    tx: EnqueueTx,
    def: JobDefinition<P>,
    items: Array<{ payload: P } & EnqueueOptions>,
  ): Promise<number> {
    if (items.length === 0) return 0;
    const payloads = items.map((i) => JSON.stringify(check(registry, def, i.payload)));
    const keys = items.map((i) => i.key);
    const runAts = items.map((i) => (i.runAt ? i.runAt.toISOString() : null));
    const n = await tx.$executeRawUnsafe(
      ENQUEUE_MANY,
      def.type,
      def.maxAttempts,
      payloads,
      keys,
      runAts,
    );
    return n;
  }

  return { enqueue, enqueueMany };
}
