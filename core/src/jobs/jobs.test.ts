import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectDatabase } from "../platform/db/connect.ts";
import { migrate } from "../platform/db/migrate.ts";
import { stack } from "../testing/db.ts";
import { asPlatform, testDeps, type TestDeps } from "../testing/deps.ts";
import { startWorker } from "./create-queue.ts";
import { listDeadLetters, replayDeadLetter } from "./dead-letters.ts";
import { enqueueFromSql, JobEnqueueError } from "./queue.ts";
import { defineJob } from "./registry.ts";
import { z } from "zod";
import { freshQueues, spawnWorker, waitUntil, type ChildWorker } from "./testing/harness.ts";
import { alwaysFailsJob, calls, effectJob, flakyJob, permanentJob, testRegistry } from "./testing/test-jobs.ts";
import type { Worker } from "./worker.ts";

/**
 * One behavioural suite for every job driver available to this run: `db` always (PGlite,
 * or PostgreSQL under test:stack), `sqs` when the AWS stand-in runs (test:stack).
 */
process.env.AWS_ACCESS_KEY_ID ??= "test";
process.env.AWS_SECRET_ACCESS_KEY ??= "test";
const drivers: Array<"db" | "sqs"> = ["db", ...(stack.awsEndpoint ? (["sqs"] as const) : [])];
const LEASE = 2;
/** Child workers' PostgreSQL connections carry this name, so a test can end them. */
const CHILD_APP = "jobs-test-child";
const childDatabaseUrl = (url: string) => {
  const u = new URL(url);
  u.searchParams.set("application_name", CHILD_APP);
  return u.toString();
};

describe.each(drivers)("job system (%s driver)", (driver) => {
  let deps: TestDeps;
  let env: Record<string, string>;
  const workers: Worker[] = [];
  const children: ChildWorker[] = [];

  beforeAll(async () => {
    env = { JOB_DRIVER: driver, JOB_LEASE_SECONDS: String(LEASE), SQS_WAIT_SECONDS: "1", JOB_POLL_INTERVAL_MS: "10" };
    if (driver === "sqs") {
      const q = await freshQueues(stack.awsEndpoint!, 10);
      env = { ...env, AWS_ENDPOINT_URL: stack.awsEndpoint!, SQS_QUEUE_URL: q.queueUrl, SQS_DLQ_URL: q.dlqUrl };
    }
    deps = await testDeps({ env, registry: testRegistry() });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    const gone = children.splice(0);
    for (const c of gone) c.proc.kill("SIGKILL");
    await Promise.all(gone.map((c) => c.exited));
    // A killed child's last statement can still be running in its PostgreSQL backend (a claim
    // that would take the next test's jobs under a dead worker's lease): end those backends.
    if (gone.length > 0 && deps.db.url) {
      // (As the owner: the app's role may not end a superuser's backends.)
      await deps.db.owner.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1", [CHILD_APP]);
      await waitUntil(async () => {
        const [row] = await deps.db.sql.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1",
          [CHILD_APP],
        );
        return row!.n === 0;
      });
    }
  });
  afterAll(async () => {
    await deps?.close();
  });

  const run = (overrides = {}) => {
    const w = startWorker(deps, { shutdownGraceMs: 5_000, ...overrides });
    workers.push(w);
    return w;
  };
  const job = async (key: string) =>
    (await deps.db.sql.query<{ status: string; attempts: number }>(
      "SELECT status::text, attempts FROM job WHERE idempotency_key = $1",
      [key],
    ))[0];
  const effects = async (id: string) =>
    (await deps.db.sql.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'test.effect' AND entity_id = $1",
      [id],
    ))[0]!.n;
  const uid = (p: string) => `${p}-${driver}-${Math.random().toString(36).slice(2, 10)}`;

  it("processes enqueued jobs", async () => {
    const ids = Array.from({ length: 40 }, () => uid("many"));
    await deps.db.prisma.$transaction(async (tx) => {
      await deps.jobs.enqueueMany(tx, effectJob, ids.map((id) => ({ payload: { id, lingerMs: 0 }, key: id })));
    });
    run();
    await waitUntil(async () => (await Promise.all(ids.map(effects))).every((n) => n === 1));
    await waitUntil(async () => (await Promise.all(ids.map(job))).every((j) => j?.status === "succeeded"));
  });

  it("enqueues nothing when the caller's transaction rolls back", async () => {
    const id = uid("rollback");
    await expect(
      deps.db.prisma.$transaction(async (tx) => {
        await deps.jobs.enqueue(tx, effectJob, { id, lingerMs: 0 }, { key: id });
        throw new Error("business rule failed");
      }),
    ).rejects.toThrow("business rule failed");
    expect(await job(id)).toBeUndefined();
    run();
    await new Promise((r) => setTimeout(r, 300));
    expect(await effects(id)).toBe(0);
  });

  it("gives one job for one idempotency key", async () => {
    const id = uid("dedupe");
    const first = await deps.jobs.enqueue(deps.db.prisma, effectJob, { id, lingerMs: 0 }, { key: id });
    const second = await deps.jobs.enqueue(deps.db.prisma, effectJob, { id, lingerMs: 0 }, { key: id });
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, created: false });
    const n = await deps.db.prisma.$transaction((tx) =>
      deps.jobs.enqueueMany(tx, effectJob, [{ payload: { id, lingerMs: 0 }, key: id }]),
    );
    expect(n).toBe(0);
    run();
    await waitUntil(async () => (await job(id))?.status === "succeeded");
    expect(calls.get(id)).toBe(1);
  });

  it("rejects a payload that does not match the job type's schema", async () => {
    await expect(
      deps.jobs.enqueue(deps.db.prisma, effectJob, { id: 42 } as never, { key: uid("bad") }),
    ).rejects.toBeInstanceOf(JobEnqueueError);
  });

  it("runs jobs enqueued by the statement that wrote their rows (enqueueFromSql)", async () => {
    const ids = [uid("sql"), uid("sql")];
    const insert = enqueueFromSql(deps.jobs.registry, effectJob, {
      from: "unnest($1::text[]) AS r(id)",
      payload: "jsonb_build_object('id', r.id, 'lingerMs', 0)",
      key: "'sql:' || r.id",
    });
    expect(await deps.db.sql.execute(insert, [ids])).toBe(2);
    expect(await deps.db.sql.execute(insert, [ids])).toBe(0); // the same keys again: nothing new
    run();
    await waitUntil(async () => (await Promise.all(ids.map(effects))).every((n) => n === 1));
    const unregistered = defineJob({ type: "test.not_registered", schema: z.object({}), maxAttempts: 1, async handler() {} });
    expect(() => enqueueFromSql(deps.jobs.registry, unregistered, { from: "x", payload: "'{}'", key: "'k'" })).toThrow(JobEnqueueError);
  });

  it("retries a failing handler with backoff until it succeeds", async () => {
    const id = uid("flaky");
    await deps.jobs.enqueue(deps.db.prisma, flakyJob, { id, failTimes: 2 }, { key: id });
    run();
    await waitUntil(async () => (await job(id))?.status === "succeeded");
    expect(calls.get(id)).toBe(3);
  });

  it("dead-letters a handler that always throws after exactly max attempts, and replays it", async () => {
    const id = uid("dead");
    await deps.jobs.enqueue(deps.db.prisma, alwaysFailsJob, { id }, { key: id });
    run();
    await waitUntil(async () => (await job(id))?.status === "dead");
    await new Promise((r) => setTimeout(r, 300)); // no further attempts after dead
    expect(calls.get(id)).toBe(alwaysFailsJob.maxAttempts);
    const dead = (await listDeadLetters(asPlatform(deps), { type: alwaysFailsJob.type })).find((d) => d.idempotencyKey === id);
    expect(dead).toMatchObject({ attempts: 3, source: driver, replayedAt: null });
    expect(dead!.lastError).toContain("always fails");

    const replay = await replayDeadLetter(asPlatform(deps), dead!.id);
    expect(replay).toEqual({ ok: true, jobId: dead!.jobId });
    expect(await replayDeadLetter(asPlatform(deps), dead!.id)).toEqual({ ok: false, code: "already_replayed" });
    await waitUntil(async () => calls.get(id) === 6 && (await job(id))?.status === "dead");
    const again = (await listDeadLetters(asPlatform(deps))).find((d) => d.idempotencyKey === id);
    expect(again).toMatchObject({ id: dead!.id, replayedAt: null });
  });

  it("dead-letters a permanent failure at once", async () => {
    const id = uid("permanent");
    await deps.jobs.enqueue(deps.db.prisma, permanentJob, { id }, { key: id });
    run();
    await waitUntil(async () => (await job(id))?.status === "dead");
    expect(calls.get(id)).toBe(1);
  });

  it("finishes in-flight jobs on graceful shutdown", async () => {
    const id = uid("graceful");
    await deps.jobs.enqueue(deps.db.prisma, effectJob, { id, lingerMs: 800 }, { key: id });
    const w = run();
    await waitUntil(async () => (await effects(id)) === 1);
    await w.stop();
    expect((await job(id))?.status).toBe("succeeded");
  });

  it("releases jobs that outlast the shutdown grace period to another worker", async () => {
    const id = uid("release");
    await deps.jobs.enqueue(deps.db.prisma, effectJob, { id, lingerMs: 20_000, lingerFirstCallOnly: true }, { key: id });
    const w = run({ shutdownGraceMs: 200 });
    await waitUntil(async () => (await effects(id)) === 1);
    const t0 = Date.now();
    await w.stop();
    expect(Date.now() - t0).toBeLessThan(3_000);
    // Another worker picks it up at once (not after the lease) and the effect stays single.
    if (driver === "db") expect((await job(id))?.status).toBe("queued");
    run();
    await waitUntil(async () => (await job(id))?.status === "succeeded", 15_000);
    expect(await effects(id)).toBe(1);
  });

  it("survives a worker killed with SIGKILL mid-job: another completes it, the effect happens once", async () => {
    const id = uid("sigkill");
    const childEnv = { ...env, ...(deps.db.url ? { DATABASE_URL: childDatabaseUrl(deps.db.url) } : {}) };
    if (!deps.db.url) return killTestEmbedded(id, childEnv);
    await deps.jobs.enqueue(deps.db.prisma, effectJob, { id, lingerMs: 60_000, lingerUpToAttempt: 1 }, { key: id });
    const a = spawnWorker(childEnv);
    children.push(a);
    await a.waitFor((m) => m.event === "effect-done" && m.id === id);
    const b = spawnWorker(childEnv);
    children.push(b);
    await b.waitFor((m) => m.event === "worker-started");
    a.proc.kill("SIGKILL");
    const killedAt = Date.now();
    const rerun = await b.waitFor((m) => m.event === "handler-started" && m.id === id, 30_000);
    expect(rerun.attempt).toBe(2);
    expect(Date.now() - killedAt).toBeGreaterThan(LEASE * 1000 * 0.5); // only after the lease lapsed
    await waitUntil(async () => (await job(id))?.status === "succeeded");
    expect(await effects(id)).toBe(1);
  }, 120_000);

  /** Enqueues a bulk batch (priorities 1, 2, 3, …) of effect jobs, as the split does its gift emails. */
  const bulk = async (prefix: string, n: number, dueSecondsAgo = 0) => {
    const insert = enqueueFromSql(deps.jobs.registry, effectJob, {
      from: "unnest($1::text[]) WITH ORDINALITY AS r(id, pos)",
      payload: "jsonb_build_object('id', r.id, 'lingerMs', 0)",
      key: "r.id",
      runAt: "now() - $2::int * interval '1 second'",
      priority: "r.pos",
    });
    const ids = Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(3, "0")}`);
    await deps.db.sql.execute(insert, [ids, dueSecondsAgo]);
    return ids;
  };

  if (driver === "db") {
    it("runs due jobs by priority: other work before a bulk batch, and two batches take turns", async () => {
      await deps.db.sql.query("UPDATE job SET status = 'succeeded' WHERE status IN ('queued', 'published', 'running')");
      // Due in this order: batch a, then batch b, then the urgent job (oldest first, were it FIFO).
      const a = await bulk(uid("batch-a"), 20, 2);
      const b = await bulk(uid("batch-b"), 20, 1);
      const urgent = uid("urgent");
      await deps.jobs.enqueue(deps.db.prisma, effectJob, { id: urgent, lingerMs: 0 }, { key: urgent });
      run({ concurrency: 1, batchSize: 1 });
      await waitUntil(async () => (await Promise.all([...a, ...b, urgent].map(effects))).every((n) => n === 1), 30_000);
      const order = (
        await deps.db.sql.query<{ key: string }>(
          // Claims are one at a time: started_at orders them (ties, within a millisecond, as claimed).
          "SELECT idempotency_key AS key FROM job WHERE idempotency_key = ANY($1::text[]) ORDER BY started_at, priority, run_at",
          [[...a, ...b, urgent]],
        )
      ).map((r) => r.key);
      // Enqueued last, started first; then the batches alternate, each in its own order.
      expect(order[0]).toBe(urgent);
      expect(order.slice(1, 7)).toEqual([a[0], b[0], a[1], b[1], a[2], b[2]]);
      expect(order.filter((k) => a.includes(k))).toEqual(a);
    }, 60_000);
  }

  if (driver === "sqs") {
    it("relays due jobs by priority: other work before a bulk batch", async () => {
      const { SQSClient } = await import("@aws-sdk/client-sqs");
      const { startSqsRelay } = await import("./sqs-relay.ts");
      const q = await freshQueues(stack.awsEndpoint!, 5);
      const sqs = new SQSClient({ region: "us-east-1", endpoint: stack.awsEndpoint! });
      await deps.db.sql.query("UPDATE job SET status = 'succeeded' WHERE status IN ('queued', 'published', 'running')");
      const batch = await bulk(uid("relay-bulk"), 10, 1);
      const urgent = uid("relay-urgent");
      await deps.jobs.enqueue(deps.db.prisma, effectJob, { id: urgent, lingerMs: 0 }, { key: urgent });
      const relay = startSqsRelay(deps, sqs, { queueUrl: q.queueUrl, pollIntervalMs: 10, batchSize: 100, maxInFlight: 3 });
      const published = async () =>
        (await deps.db.sql.query<{ key: string }>("SELECT idempotency_key AS key FROM job WHERE status = 'published' AND idempotency_key = ANY($1::text[])", [[...batch, urgent]])).map((r) => r.key);
      await waitUntil(async () => (await published()).length === 3);
      expect((await published()).sort()).toEqual([urgent, batch[0], batch[1]].sort());
      await relay.stop();
      sqs.destroy();
    });

    it("relays at most SQS_RELAY_MAX_IN_FLIGHT unfinished jobs to SQS", async () => {
      const { SQSClient } = await import("@aws-sdk/client-sqs");
      const { startSqsRelay } = await import("./sqs-relay.ts");
      const q = await freshQueues(stack.awsEndpoint!, 5);
      const sqs = new SQSClient({ region: "us-east-1", endpoint: stack.awsEndpoint! });
      const prefix = uid("backlog");
      await deps.db.sql.query("UPDATE job SET status = 'succeeded' WHERE status IN ('queued', 'published', 'running')");
      await deps.db.prisma.$transaction((tx) =>
        deps.jobs.enqueueMany(tx, effectJob, Array.from({ length: 12 }, (_, i) => ({ payload: { id: `${prefix}-${i}`, lingerMs: 0 }, key: `${prefix}-${i}` }))),
      );
      const relay = startSqsRelay(deps, sqs, { queueUrl: q.queueUrl, pollIntervalMs: 10, batchSize: 100, maxInFlight: 5 });
      const published = async () =>
        (await deps.db.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM job WHERE status = 'published' AND idempotency_key LIKE $1", [`${prefix}%`]))[0]!.n;
      await waitUntil(async () => (await published()) === 5);
      await new Promise((r) => setTimeout(r, 300));
      expect(await published()).toBe(5);
      await relay.stop();
      sqs.destroy();
    });

    it("records messages the SQS redrive policy moved to the dead-letter queue", async () => {
      const { ReceiveMessageCommand, SendMessageCommand, SQSClient } = await import("@aws-sdk/client-sqs");
      const q = await freshQueues(stack.awsEndpoint!, 2);
      const sqs = new SQSClient({ region: "us-east-1", endpoint: stack.awsEndpoint! });
      const id = uid("redrive");
      const { id: jobId } = await deps.jobs.enqueue(deps.db.prisma, effectJob, { id, lingerMs: 0 }, { key: id });
      await deps.db.sql.query("UPDATE job SET status = 'published' WHERE id = $1::uuid", [jobId]);
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: q.queueUrl,
          MessageBody: JSON.stringify({ id: jobId, type: effectJob.type, payload: { id, lingerMs: 0 }, key: id, maxAttempts: 5 }),
        }),
      );
      // Two workers that received it and died before finishing (visibility lapses at once).
      for (let i = 0; i < 2; i++) {
        const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.queueUrl, VisibilityTimeout: 0, WaitTimeSeconds: 1 }));
        expect(r.Messages).toHaveLength(1);
      }
      const other = await testDeps({
        env: { ...env, SQS_QUEUE_URL: q.queueUrl, SQS_DLQ_URL: q.dlqUrl },
        registry: testRegistry(),
        db: deps.db,
      });
      workers.push(startWorker(other));
      await waitUntil(async () => (await job(id))?.status === "dead");
      const dead = (await listDeadLetters(asPlatform(deps))).find((d) => d.idempotencyKey === id);
      expect(dead).toMatchObject({ source: "sqs-redrive", attempts: 2 });
      expect(await effects(id)).toBe(0);
      sqs.destroy();
    });
  }

  /** Embedded PGlite has one process at a time: the "other worker" is the restarted process. */
  async function killTestEmbedded(id: string, childEnv: Record<string, string>) {
    const dataDir = mkdtempSync(path.join(tmpdir(), "giftloop-kill-"));
    const dir = path.join(dataDir, "pglite");
    const setup = await connectDatabase({ dataDir: dir });
    await migrate(setup.owner);
    await setup.sql.query(
      `INSERT INTO job (id, type, payload, idempotency_key, max_attempts) VALUES (gen_random_uuid(), $1, $2::jsonb, $3, 5)`,
      [effectJob.type, JSON.stringify({ id, lingerMs: 60_000, lingerUpToAttempt: 1 }), id],
    );
    await setup.close();
    const a = spawnWorker({ ...childEnv, DATA_DIR: dataDir });
    children.push(a);
    await a.waitFor((m) => m.event === "effect-done" && m.id === id, 30_000);
    a.proc.kill("SIGKILL");
    await a.exited;
    const b = spawnWorker({ ...childEnv, DATA_DIR: dataDir, SHUTDOWN_GRACE_SECONDS: "0" });
    children.push(b);
    const rerun = await b.waitFor((m) => m.event === "handler-started" && m.id === id, 30_000);
    expect(rerun.attempt).toBe(2);
    await b.waitFor((m) => m.event === "effect-done" && m.id === id);
    b.proc.kill("SIGTERM"); // graceful: finishes the job, records it, exits
    expect((await b.exited).code).toBe(0);
    const check = await connectDatabase({ dataDir: dir });
    const n = await check.sql.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'test.effect' AND entity_id = $1",
      [id],
    );
    const status = await check.sql.query<{ status: string }>("SELECT status::text FROM job WHERE idempotency_key = $1", [id]);
    await check.close();
    expect(n[0]!.n).toBe(1);
    expect(status[0]!.status).toBe("succeeded");
  }
});
