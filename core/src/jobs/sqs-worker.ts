import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Deps } from "../platform/deps.ts";
import type { WorkerOptions } from "./db-worker.ts";
import { recordDeadLetter } from "./dead-letters.ts";
import type { JobRegistry } from "./registry.ts";
import { deadLetterOf, nextStep, runHandler, type ClaimedJob, type Outcome } from "./run-handler.ts";
import type { SqsMessageBody } from "./sqs-relay.ts";
import { InFlight, sleep, workerId, type Worker } from "./worker.ts";

const MAX_VISIBILITY_S = 12 * 60 * 60;

/**
 * The `sqs` driver's consumer. Long-polls the queue; while a handler runs it keeps the
 * message invisible (visibility extension); on success deletes in batches; on failure
 * makes the message visible again after the backoff delay. When a job has used its
 * attempts it is moved to the dead-letter queue and recorded. The queue's redrive policy
 * is the safety net for messages whose workers keep dying; a drainer records what
 * arrives in the dead-letter queue.
 */
export function startSqsWorker(
  deps: Deps,
  registry: JobRegistry,
  sqs: SQSClient,
  opts: WorkerOptions & { queueUrl: string; dlqUrl: string; waitSeconds: number },
): Worker {
  const id = workerId();
  const log = deps.log.child({ worker: id, driver: "sqs" });
  const inflight = new InFlight<string>(); // by receipt handle
  const jobOfReceipt = new Map<string, string>();
  const stopping = new AbortController();
  const toDelete: Array<{ receipt: string; jobId: string }> = [];

  async function flushDeletes(): Promise<void> {
    while (toDelete.length > 0) {
      const batch = toDelete.splice(0, 10);
      const res = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: opts.queueUrl,
          Entries: batch.map((d, i) => ({ Id: String(i), ReceiptHandle: d.receipt })),
        }),
      );
      for (const f of res.Failed ?? []) {
        log.warn({ code: f.Code }, "delete failed; the message will be delivered again");
      }
      await deps.db.sql.query(
        `UPDATE job SET status = 'succeeded', finished_at = now() WHERE id = ANY($1::uuid[]) AND status <> 'dead'`,
        [batch.map((d) => d.jobId)],
      );
    }
  }

  async function deadLetter(job: ClaimedJob, receipt: string, error: string): Promise<void> {
    await deps.db.prisma.$transaction((tx) => recordDeadLetter(tx, deadLetterOf(job, error, "sqs")));
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: opts.dlqUrl,
        MessageBody: JSON.stringify({
          id: job.id,
          type: job.type,
          payload: job.payload,
          key: job.idempotencyKey,
          maxAttempts: job.maxAttempts,
        } satisfies SqsMessageBody),
        MessageAttributes: {
          type: { DataType: "String", StringValue: job.type },
          error: { DataType: "String", StringValue: error.slice(0, 1000) || "failed" },
          attempts: { DataType: "Number", StringValue: String(job.attempt) },
        },
      }),
    );
    await sqs.send(new DeleteMessageCommand({ QueueUrl: opts.queueUrl, ReceiptHandle: receipt }));
    log.error({ job: job.id, type: job.type, attempts: job.attempt }, "job dead-lettered");
  }

  async function settle(job: ClaimedJob, receipt: string, outcome: Outcome): Promise<void> {
    const step = nextStep(registry, job, outcome);
    if (step.kind === "done") {
      toDelete.push({ receipt, jobId: job.id });
      if (toDelete.length >= 10) await flushDeletes();
      return;
    }
    if (step.kind === "dead") {
      await deadLetter(job, receipt, outcome.ok ? "" : outcome.error);
      return;
    }
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: opts.queueUrl,
        ReceiptHandle: receipt,
        VisibilityTimeout: Math.min(Math.round(step.delayMs / 1000), MAX_VISIBILITY_S),
      }),
    );
  }

  function parse(msg: Message): SqsMessageBody | undefined {
    try {
      const body = JSON.parse(msg.Body ?? "") as SqsMessageBody;
      if (typeof body.id === "string" && typeof body.type === "string") return body;
    } catch {
      // fall through
    }
    // Not ours or corrupt: leave it for the redrive policy rather than lose it.
    log.error({ messageId: msg.MessageId }, "unreadable message; leaving it for the dead-letter queue");
    return undefined;
  }

  /**
   * Counts the attempt in the job row (one statement per receive). Attempts live in the
   * database, not in SQS's approximate receive count, so they are exact and survive
   * replays; a message for a job that already finished is a duplicate and is deleted.
   */
  async function startAttempts(bodies: SqsMessageBody[]): Promise<Map<string, number>> {
    if (bodies.length === 0) return new Map();
    const rows = await deps.db.sql.query<{ id: string; attempts: number }>(
      `UPDATE job SET attempts = attempts + 1, status = 'running', started_at = now()
       WHERE id = ANY($1::uuid[]) AND status NOT IN ('succeeded', 'dead')
       RETURNING id::text AS id, attempts`,
      [bodies.map((b) => b.id)],
    );
    return new Map(rows.map((r) => [r.id, r.attempts]));
  }

  async function process(msg: Message, body: SqsMessageBody, attempt: number, signal: AbortSignal): Promise<void> {
    const receipt = msg.ReceiptHandle!;
    const job: ClaimedJob = {
      id: body.id,
      type: body.type,
      payload: body.payload,
      idempotencyKey: body.key,
      attempt,
      maxAttempts: body.maxAttempts,
    };
    const outcome =
      job.attempt > job.maxAttempts
        ? ({ ok: false, error: "delivered past its attempts (worker lost)", permanent: true } as const)
        : await runHandler(deps, registry.get(job.type), job, signal);
    if (signal.aborted && !outcome.ok) return; // released at shutdown
    try {
      await settle({ ...job, attempt: Math.min(job.attempt, job.maxAttempts) }, receipt, outcome);
    } catch (err) {
      log.error({ err, job: job.id }, "could not record job outcome; SQS will deliver it again");
    }
  }

  async function receiveLoop(): Promise<void> {
    while (!stopping.signal.aborted) {
      await inflight.slotFree(opts.concurrency, stopping.signal);
      if (stopping.signal.aborted) break;
      const room = Math.min(10, opts.concurrency - inflight.size);
      let messages: Message[] = [];
      try {
        const res = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: opts.queueUrl,
            MaxNumberOfMessages: room,
            WaitTimeSeconds: opts.waitSeconds,
            VisibilityTimeout: opts.leaseSeconds,
            MessageAttributeNames: ["All"],
          }),
          { abortSignal: stopping.signal },
        );
        messages = res.Messages ?? [];
      } catch (err) {
        if (stopping.signal.aborted) break;
        log.error({ err }, "receive failed; backing off");
        await sleep(1000, stopping.signal);
        continue;
      }
      if (stopping.signal.aborted) {
        // Received after shutdown began: hand them straight back.
        await release(messages.map((m) => m.ReceiptHandle!));
        break;
      }
      const parsed = messages.flatMap((m) => {
        const body = parse(m);
        return body ? [{ m, body }] : [];
      });
      let attempts: Map<string, number>;
      try {
        attempts = await startAttempts(parsed.map((p) => p.body));
      } catch (err) {
        log.error({ err }, "could not record attempts; releasing messages");
        await release(parsed.map((p) => p.m.ReceiptHandle!));
        await sleep(1000, stopping.signal);
        continue;
      }
      for (const { m, body } of parsed) {
        const attempt = attempts.get(body.id);
        if (attempt === undefined) {
          toDelete.push({ receipt: m.ReceiptHandle!, jobId: body.id }); // finished already: a duplicate
          continue;
        }
        jobOfReceipt.set(m.ReceiptHandle!, body.id);
        inflight.start(m.ReceiptHandle!, (signal) =>
          process(m, body, attempt, signal).finally(() => jobOfReceipt.delete(m.ReceiptHandle!)),
        );
      }
    }
  }

  async function release(receipts: string[]): Promise<void> {
    for (let i = 0; i < receipts.length; i += 10) {
      await sqs
        .send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: opts.queueUrl,
            Entries: receipts.slice(i, i + 10).map((r, j) => ({ Id: String(j), ReceiptHandle: r, VisibilityTimeout: 0 })),
          }),
        )
        .catch((err) => log.warn({ err }, "release failed; messages reappear when visibility lapses"));
    }
  }

  async function heartbeat(): Promise<void> {
    while (!stopping.signal.aborted) {
      await sleep((opts.leaseSeconds * 1000) / 3, stopping.signal);
      const receipts = inflight.keys();
      for (let i = 0; i < receipts.length && !stopping.signal.aborted; i += 10) {
        await sqs
          .send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: opts.queueUrl,
              Entries: receipts
                .slice(i, i + 10)
                .map((r, j) => ({ Id: String(j), ReceiptHandle: r, VisibilityTimeout: opts.leaseSeconds })),
            }),
          )
          .catch((err) => log.warn({ err }, "visibility extension failed"));
      }
    }
  }

  async function flusher(): Promise<void> {
    while (!stopping.signal.aborted) {
      await sleep(10, stopping.signal);
      await flushDeletes().catch((err) => log.warn({ err }, "delete flush failed"));
    }
  }

  const pollers = Array.from({ length: Math.max(1, Math.ceil(opts.concurrency / 10)) }, () => receiveLoop());
  const drainer = startDeadLetterDrainer(deps, sqs, { dlqUrl: opts.dlqUrl, queueUrl: opts.queueUrl, signal: stopping.signal, waitSeconds: opts.waitSeconds, idleMs: 5_000 });
  const tasks = [heartbeat(), flusher(), drainer];
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  let stopPromise: Promise<void> | undefined;

  return {
    id,
    stopped,
    async stop() {
      stopPromise ??= (async () => {
        log.info({ inflight: inflight.size }, "worker stopping: no new receives");
        stopping.abort();
        await Promise.allSettled(pollers);
        const left = await inflight.drain(opts.shutdownGraceMs);
        if (left.length > 0) {
          inflight.abortAll();
          const jobIds = left.flatMap((r) => jobOfReceipt.get(r) ?? []);
          await release(left);
          // Shutdown is not a failure: the attempt does not count.
          await deps.db.sql
            .query(
              `UPDATE job SET attempts = GREATEST(attempts - 1, 0), status = 'published'
               WHERE id = ANY($1::uuid[]) AND status = 'running'`,
              [jobIds],
            )
            .catch((err) => log.warn({ err }, "could not give back attempts"));
          log.warn({ released: left.length }, "released unfinished jobs");
        }
        // Handlers that ignore the abort signal are not waited for: their jobs are released.
        await Promise.race([inflight.settled(), sleep(1_000)]);
        await Promise.allSettled(tasks);
        await flushDeletes().catch((err) => log.warn({ err }, "final delete flush failed"));
        log.info("worker stopped");
        resolveStopped();
      })();
      return stopPromise;
    },
  };
}

/**
 * Records what reaches the dead-letter queue: jobs this worker moved there (already
 * recorded; the insert is a no-op) and messages the redrive policy moved there after
 * `maxReceiveCount` receives without a delete (workers that kept dying).
 */
async function startDeadLetterDrainer(
  deps: Deps,
  sqs: SQSClient,
  opts: { dlqUrl: string; queueUrl: string; signal: AbortSignal; waitSeconds: number; idleMs: number },
): Promise<void> {
  const log = deps.log.child({ component: "sqs-dlq-drainer" });
  let maxReceiveCount = 0;
  try {
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: opts.queueUrl, AttributeNames: ["RedrivePolicy"] }),
    );
    const policy = attrs.Attributes?.RedrivePolicy;
    if (policy) maxReceiveCount = Number(JSON.parse(policy).maxReceiveCount) || 0;
  } catch (err) {
    log.warn({ err }, "could not read the redrive policy");
  }
  while (!opts.signal.aborted) {
    try {
      const res = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: opts.dlqUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: opts.waitSeconds,
          MessageAttributeNames: ["All"],
        }),
        { abortSignal: opts.signal },
      );
      // An empty dead-letter queue is the normal case: look again in a while, not at once.
      if (!res.Messages?.length) await sleep(opts.idleMs, opts.signal);
      for (const m of res.Messages ?? []) {
        let body: SqsMessageBody | undefined;
        try {
          body = JSON.parse(m.Body ?? "") as SqsMessageBody;
        } catch {
          body = undefined;
        }
        if (body && typeof body.id === "string") {
          const fromWorker = m.MessageAttributes?.error?.StringValue;
          await deps.db.prisma.$transaction((tx) =>
            recordDeadLetter(tx, {
              jobId: body.id,
              type: body.type,
              payload: body.payload,
              idempotencyKey: body.key,
              attempts: Number(m.MessageAttributes?.attempts?.StringValue ?? maxReceiveCount),
              lastError: fromWorker ?? `received ${maxReceiveCount} times without completing (SQS redrive)`,
              source: fromWorker ? "sqs" : "sqs-redrive",
            }, fromWorker ? "ifAbsent" : "refresh"),
          );
        } else {
          log.error({ messageId: m.MessageId }, "unreadable message in the dead-letter queue; deleting");
        }
        await sqs.send(new DeleteMessageCommand({ QueueUrl: opts.dlqUrl, ReceiptHandle: m.ReceiptHandle! }));
      }
    } catch (err) {
      if (opts.signal.aborted) break;
      log.error({ err }, "dead-letter drain failed; backing off");
      await sleep(1000, opts.signal);
    }
  }
}
