import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { Deps } from "../platform/deps.ts";
import { sleep } from "./worker.ts";

export interface SqsMessageBody {
  id: string;
  type: string;
  payload: unknown;
  key: string;
  maxAttempts: number;
}

/**
 * The outbox relay (`sqs` driver): publishes due job rows to SQS and marks them
 * published. Rows are locked with SKIP LOCKED, so several relays can run side by side.
 * A crash between send and commit publishes a row twice; consumers are idempotent.
 */
export function startSqsRelay(
  deps: Deps,
  sqs: SQSClient,
  opts: { queueUrl: string; pollIntervalMs: number; batchSize: number; maxInFlight?: number },
) {
  const log = deps.log.child({ component: "sqs-relay" });
  const stopping = new AbortController();

  /** With `maxInFlight`, publish only while fewer jobs than that are published but unfinished. */
  async function room(): Promise<number> {
    if (!opts.maxInFlight) return opts.batchSize;
    const r = await deps.db.sql.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM job WHERE status IN ('published', 'running')",
    );
    return Math.max(0, Math.min(opts.batchSize, opts.maxInFlight - r[0]!.n));
  }

  async function publishBatch(): Promise<number> {
    const limit = await room();
    if (limit === 0) return 0;
    return deps.db.prisma.$transaction(
      async (tx) => {
        const rows = await tx.$queryRawUnsafe<
          Array<{ id: string; type: string; payload: unknown; idempotency_key: string; max_attempts: number }>
        >(
          `SELECT id::text AS id, type, payload, idempotency_key, max_attempts FROM job
           WHERE status = 'queued' AND run_at <= now()
           ORDER BY priority, run_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
          limit,
        );
        if (rows.length === 0) return 0;
        const published: string[] = [];
        const chunks: (typeof rows)[] = [];
        for (let i = 0; i < rows.length; i += 10) chunks.push(rows.slice(i, i + 10));
        await Promise.all(
          chunks.map(async (chunk) => {
            const res = await sqs.send(
              new SendMessageBatchCommand({
                QueueUrl: opts.queueUrl,
                Entries: chunk.map((r, i) => ({
                  Id: String(i),
                  MessageBody: JSON.stringify({
                    id: r.id,
                    type: r.type,
                    payload: r.payload,
                    key: r.idempotency_key,
                    maxAttempts: r.max_attempts,
                  } satisfies SqsMessageBody),
                  MessageAttributes: { type: { DataType: "String", StringValue: r.type } },
                })),
              }),
            );
            for (const ok of res.Successful ?? []) published.push(chunk[Number(ok.Id)]!.id);
            for (const f of res.Failed ?? []) log.warn({ code: f.Code, message: f.Message }, "publish failed; will retry");
          }),
        );
        if (published.length > 0) {
          await tx.$executeRawUnsafe(
            "UPDATE job SET status = 'published', published_at = now() WHERE id = ANY($1::uuid[])",
            published,
          );
        }
        return published.length;
      },
      { timeout: 30_000 },
    );
  }

  const done = (async () => {
    let backoff = opts.pollIntervalMs;
    while (!stopping.signal.aborted) {
      try {
        const n = await publishBatch();
        backoff = opts.pollIntervalMs;
        if (n < opts.batchSize) await sleep(opts.pollIntervalMs, stopping.signal);
      } catch (err) {
        log.error({ err }, "relay failed; backing off");
        backoff = Math.min(backoff * 2, 5_000);
        await sleep(backoff, stopping.signal);
      }
    }
  })();

  return {
    async stop() {
      stopping.abort();
      await done;
    },
  };
}
