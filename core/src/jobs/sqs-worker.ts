import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Deps } from "../platform/deps.ts";
import { recordDeadLetter } from "./dead-letters.ts";
import { startLeasedWorker, type LeaseDriver, type LeasedWorker } from "./leased-worker.ts";
import type { JobRegistry } from "./registry.ts";
import { deadLetterOf, type ClaimedJob } from "./run-handler.ts";
import { startDeadLetterDrainer } from "./sqs-dead-letter-drainer.ts";
import type { SqsMessageBody } from "./sqs-relay.ts";
import { repeatEvery, sleep, type Worker, type WorkerOptions } from "./worker.ts";

const MAX_VISIBILITY_S = 12 * 60 * 60;
/** SQS takes at most ten messages per receive and ten entries per batch call. */
const SQS_BATCH = 10;

type SqsWorkerOptions = WorkerOptions & { queueUrl: string; dlqUrl: string; waitSeconds: number };
type Log = Deps["log"];

/**
 * The `sqs` driver's consumer. Long-polls the queue; while a handler runs it keeps the
 * message invisible (visibility extension); on success deletes in batches; on failure
 * makes the message visible again after the backoff delay. When a job has used its
 * attempts it is moved to the dead-letter queue and recorded. The queue's redrive policy
 * is the safety net for messages whose workers keep dying; a drainer records what
 * arrives in the dead-letter queue.
 */
export function startSqsWorker(deps: Deps, registry: JobRegistry, sqs: SQSClient, opts: SqsWorkerOptions): Worker {
  return startLeasedWorker<string>(deps, registry, { driver: "sqs", shutdownGraceMs: opts.shutdownGraceMs }, (worker) =>
    queueMessagesDriver(deps, sqs, opts, worker),
  );
}

/** Jobs held by receipt handle: received, kept invisible, deleted or made visible again; attempts are counted in the job rows. */
function queueMessagesDriver(deps: Deps, sqs: SQSClient, opts: SqsWorkerOptions, worker: LeasedWorker<string>): LeaseDriver<string> {
  const { log, inflight, stopping } = worker;
  const deletes = new MessageDeletes(deps, sqs, opts.queueUrl, log);
  const visibility = new MessageVisibility(sqs, opts.queueUrl, log);

  /** Counts the attempts of what was received and starts each job (released again when counting fails). */
  async function startReceived(messages: Message[]): Promise<void> {
    const parsed = messages.flatMap((m) => {
      const body = readBody(m, log);
      return body ? [{ m, body }] : [];
    });
    let attempts: Map<string, number>;
    try {
      attempts = await startAttempts(deps, parsed.map((p) => p.body));
    } catch (err) {
      log.error({ err }, "could not record attempts; releasing messages");
      await visibility.release(parsed.map((p) => p.m.ReceiptHandle!));
      await sleep(1000, stopping);
      return;
    }
    for (const { m, body } of parsed) {
      const attempt = attempts.get(body.id);
      if (attempt === undefined) {
        deletes.push(m.ReceiptHandle!, body.id); // finished already: a duplicate
        continue;
      }
      worker.start(m.ReceiptHandle!, jobOfMessage(body, attempt));
    }
  }

  async function receiveLoop(): Promise<void> {
    while (!stopping.aborted) {
      await inflight.slotFree(opts.concurrency, stopping);
      if (stopping.aborted) break;
      let messages: Message[] = [];
      try {
        messages = await receive(sqs, opts, Math.min(SQS_BATCH, opts.concurrency - inflight.size), stopping);
      } catch (err) {
        if (stopping.aborted) break;
        log.error({ err }, "receive failed; backing off");
        await sleep(1000, stopping);
        continue;
      }
      if (stopping.aborted) {
        // Received after shutdown began: hand them straight back.
        await visibility.release(messages.map((m) => m.ReceiptHandle!));
        break;
      }
      await startReceived(messages);
    }
  }

  return {
    startIntake: () => Array.from({ length: Math.max(1, Math.ceil(opts.concurrency / SQS_BATCH)) }, () => receiveLoop()),
    startLoops: () => [
      startDeadLetterDrainer(deps, sqs, { dlqUrl: opts.dlqUrl, queueUrl: opts.queueUrl, signal: stopping, waitSeconds: opts.waitSeconds, idleMs: 5_000 }),
      repeatEvery((opts.leaseSeconds * 1000) / 3, stopping, () => visibility.extend(inflight.keys(), opts.leaseSeconds, stopping)),
      repeatEvery(10, stopping, () => deletes.flush().catch((err) => log.warn({ err }, "delete flush failed"))),
    ],
    async succeeded(receipt, job) {
      deletes.push(receipt, job.id);
      if (deletes.size >= SQS_BATCH) await deletes.flush();
    },
    deadLettered: (receipt, job, error) => moveToDeadLetterQueue(deps, sqs, opts, job, receipt, error),
    async retryLater(receipt, _job, delayMs) {
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: opts.queueUrl,
          ReceiptHandle: receipt,
          VisibilityTimeout: Math.min(Math.round(delayMs / 1000), MAX_VISIBILITY_S),
        }),
      );
    },
    async releaseUnfinished(receipts, jobIds) {
      await visibility.release(receipts);
      // Shutdown is not a failure: the attempt does not count.
      await deps.db.sql
        .query(
          `UPDATE job SET attempts = GREATEST(attempts - 1, 0), status = 'published'
           WHERE id = ANY($1::uuid[]) AND status = 'running'`,
          [jobIds],
        )
        .catch((err) => log.warn({ err }, "could not give back attempts"));
    },
    flushAtStop: () => deletes.flush().catch((err) => log.warn({ err }, "final delete flush failed")),
    texts: {
      stopping: "worker stopping: no new receives",
      workerLost: "delivered past its attempts (worker lost)",
      outcomeNotRecorded: "could not record job outcome; SQS will deliver it again",
    },
  };
}

function receive(sqs: SQSClient, opts: SqsWorkerOptions, max: number, signal: AbortSignal): Promise<Message[]> {
  return sqs
    .send(
      new ReceiveMessageCommand({
        QueueUrl: opts.queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: opts.waitSeconds,
        VisibilityTimeout: opts.leaseSeconds,
        MessageAttributeNames: ["All"],
      }),
      { abortSignal: signal },
    )
    .then((res) => res.Messages ?? []);
}

function readBody(msg: Message, log: Log): SqsMessageBody | undefined {
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
async function startAttempts(deps: Deps, bodies: SqsMessageBody[]): Promise<Map<string, number>> {
  if (bodies.length === 0) return new Map();
  const rows = await deps.db.sql.query<{ id: string; attempts: number }>(
    `UPDATE job SET attempts = attempts + 1, status = 'running', started_at = now()
     WHERE id = ANY($1::uuid[]) AND status NOT IN ('succeeded', 'dead')
     RETURNING id::text AS id, attempts`,
    [bodies.map((b) => b.id)],
  );
  return new Map(rows.map((r) => [r.id, r.attempts]));
}

function jobOfMessage(body: SqsMessageBody, attempt: number): ClaimedJob {
  return {
    id: body.id,
    type: body.type,
    payload: body.payload,
    idempotencyKey: body.key,
    attempt,
    maxAttempts: body.maxAttempts,
  };
}

/** Records the dead letter, then moves the message to the dead-letter queue with its error and attempts. */
async function moveToDeadLetterQueue(deps: Deps, sqs: SQSClient, opts: SqsWorkerOptions, job: ClaimedJob, receipt: string, error: string): Promise<void> {
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
}

/** Messages of finished jobs, deleted ten at a time; their job rows are marked succeeded. */
class MessageDeletes {
  readonly #pending: Array<{ receipt: string; jobId: string }> = [];

  constructor(
    private readonly deps: Deps,
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly log: Log,
  ) {}

  get size(): number {
    return this.#pending.length;
  }

  push(receipt: string, jobId: string): void {
    this.#pending.push({ receipt, jobId });
  }

  async flush(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, SQS_BATCH);
      const res = await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((d, i) => ({ Id: String(i), ReceiptHandle: d.receipt })),
        }),
      );
      for (const f of res.Failed ?? []) {
        this.log.warn({ code: f.Code }, "delete failed; the message will be delivered again");
      }
      await this.deps.db.sql.query(
        `UPDATE job SET status = 'succeeded', finished_at = now() WHERE id = ANY($1::uuid[]) AND status <> 'dead'`,
        [batch.map((d) => d.jobId)],
      );
    }
  }
}

/** Visibility changes, ten messages per call; a failed call is logged (the visibility then lapses on its own). */
class MessageVisibility {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly log: Log,
  ) {}

  /** Makes messages visible again at once, for another worker to take. */
  async release(receipts: string[]): Promise<void> {
    for (const batch of inBatches(receipts)) {
      await this.set(batch, 0).catch((err) => this.log.warn({ err }, "release failed; messages reappear when visibility lapses"));
    }
  }

  /** Keeps the messages of running jobs invisible for another lease (stops early when the worker stops). */
  async extend(receipts: string[], seconds: number, stopping: AbortSignal): Promise<void> {
    for (const batch of inBatches(receipts)) {
      if (stopping.aborted) break;
      await this.set(batch, seconds).catch((err) => this.log.warn({ err }, "visibility extension failed"));
    }
  }

  private set(receipts: string[], seconds: number): Promise<unknown> {
    return this.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: this.queueUrl,
        Entries: receipts.map((r, j) => ({ Id: String(j), ReceiptHandle: r, VisibilityTimeout: seconds })),
      }),
    );
  }
}

function inBatches<T>(items: T[]): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += SQS_BATCH) batches.push(items.slice(i, i + SQS_BATCH));
  return batches;
}
