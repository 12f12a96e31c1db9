import { DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
import type { Deps } from "../platform/deps.ts";
import { recordDeadLetter } from "./dead-letters.ts";
import type { SqsMessageBody } from "./sqs-relay.ts";
import { sleep } from "./worker.ts";

/**
 * Records what reaches the dead-letter queue: jobs the worker moved there (already
 * recorded; the insert is a no-op) and messages the redrive policy moved there after
 * `maxReceiveCount` receives without a delete (workers that kept dying).
 */
export async function startDeadLetterDrainer(
  deps: Deps,
  sqs: SQSClient,
  opts: { dlqUrl: string; queueUrl: string; signal: AbortSignal; waitSeconds: number; idleMs: number },
): Promise<void> {
  const log = deps.log.child({ component: "sqs-dlq-drainer" });
  const maxReceiveCount = await readMaxReceiveCount(sqs, opts.queueUrl, log);
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
        await recordDeadMessage(deps, m, maxReceiveCount, log);
        await sqs.send(new DeleteMessageCommand({ QueueUrl: opts.dlqUrl, ReceiptHandle: m.ReceiptHandle! }));
      }
    } catch (err) {
      if (opts.signal.aborted) break;
      log.error({ err }, "dead-letter drain failed; backing off");
      await sleep(1000, opts.signal);
    }
  }
}

/** The queue's redrive `maxReceiveCount` (0 when it has none or it cannot be read). */
async function readMaxReceiveCount(sqs: SQSClient, queueUrl: string, log: Deps["log"]): Promise<number> {
  try {
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["RedrivePolicy"] }));
    const policy = attrs.Attributes?.RedrivePolicy;
    if (policy) return Number(JSON.parse(policy).maxReceiveCount) || 0;
  } catch (err) {
    log.warn({ err }, "could not read the redrive policy");
  }
  return 0;
}

/**
 * A message the worker dead-lettered carries its error and attempts as attributes (its
 * record stays as it is); one the redrive policy moved has none (its record is refreshed).
 */
async function recordDeadMessage(deps: Deps, m: Message, maxReceiveCount: number, log: Deps["log"]): Promise<void> {
  let body: SqsMessageBody | undefined;
  try {
    body = JSON.parse(m.Body ?? "") as SqsMessageBody;
  } catch {
    body = undefined;
  }
  if (!body || typeof body.id !== "string") {
    log.error({ messageId: m.MessageId }, "unreadable message in the dead-letter queue; deleting");
    return;
  }
  const fromWorker = m.MessageAttributes?.error?.StringValue;
  await deps.db.prisma.$transaction((tx) =>
    recordDeadLetter(
      tx,
      {
        jobId: body.id,
        type: body.type,
        payload: body.payload,
        idempotencyKey: body.key,
        attempts: Number(m.MessageAttributes?.attempts?.StringValue ?? maxReceiveCount),
        lastError: fromWorker ?? `received ${maxReceiveCount} times without completing (SQS redrive)`,
        source: fromWorker ? "sqs" : "sqs-redrive",
      },
      fromWorker ? "ifAbsent" : "refresh",
    ),
  );
}
