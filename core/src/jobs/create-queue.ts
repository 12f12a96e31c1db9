import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Config } from "../platform/config.ts";
import type { Database } from "../platform/db/connect.ts";
import type { Deps } from "../platform/deps.ts";
import { startDbWorker } from "./db-worker.ts";
import type { WorkerOptions } from "./worker.ts";
import { outboxEnqueue, type JobQueue } from "./queue.ts";
import type { JobRegistry } from "./registry.ts";
import { startSqsRelay } from "./sqs-relay.ts";
import { startSqsWorker } from "./sqs-worker.ts";
import type { Worker } from "./worker.ts";

export function sqsClient(config: Pick<Config, "AWS_REGION" | "AWS_ENDPOINT_URL">): SQSClient {
  return new SQSClient({
    region: config.AWS_REGION,
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
  });
}

export function createJobQueue(
  config: Pick<Config, "JOB_DRIVER" | "SQS_QUEUE_URL" | "AWS_REGION" | "AWS_ENDPOINT_URL">,
  db: Database,
  registry: JobRegistry,
): JobQueue {
  const { enqueue, enqueueMany } = outboxEnqueue(registry);
  const sqs = config.JOB_DRIVER === "sqs" ? sqsClient(config) : undefined;
  return {
    driver: config.JOB_DRIVER,
    registry,
    enqueue,
    enqueueMany,
    async ping() {
      await db.sql.query("SELECT 1");
      if (sqs) {
        await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: config.SQS_QUEUE_URL!, AttributeNames: ["QueueArn"] }),
        );
      }
    },
  };
}

export function workerOptions(config: Config): WorkerOptions {
  return {
    concurrency: config.JOB_CONCURRENCY,
    batchSize: config.JOB_BATCH_SIZE,
    pollIntervalMs: config.JOB_POLL_INTERVAL_MS,
    leaseSeconds: config.JOB_LEASE_SECONDS,
    shutdownGraceMs: config.SHUTDOWN_GRACE_SECONDS * 1000,
  };
}

/** Starts the worker role for the configured driver (and, for `sqs`, the outbox relay). */
export function startWorker(deps: Deps, overrides: Partial<WorkerOptions> = {}): Worker {
  const { config } = deps;
  const opts = { ...workerOptions(config), ...overrides };
  const registry = deps.jobs.registry;
  if (config.JOB_DRIVER === "db") return startDbWorker(deps, registry, opts);
  const sqs = sqsClient(config);
  const relay = startSqsRelay(deps, sqs, {
    queueUrl: config.SQS_QUEUE_URL!,
    pollIntervalMs: opts.pollIntervalMs,
    batchSize: opts.batchSize,
    maxInFlight: config.SQS_RELAY_MAX_IN_FLIGHT,
  });
  const worker = startSqsWorker(deps, registry, sqs, {
    ...opts,
    queueUrl: config.SQS_QUEUE_URL!,
    dlqUrl: config.SQS_DLQ_URL!,
    waitSeconds: config.SQS_WAIT_SECONDS,
  });
  return {
    id: worker.id,
    stopped: worker.stopped,
    async stop() {
      await relay.stop();
      await worker.stop();
      sqs.destroy();
    },
  };
}

/**
 * Creates the queue and its dead-letter queue with a redrive policy (for sandbox mode,
 * tests and first deployments; production infrastructure may create them instead).
 */
export async function ensureSqsQueues(
  sqs: SQSClient,
  name: string,
  opts: { maxReceiveCount: number; visibilitySeconds: number },
): Promise<{ queueUrl: string; dlqUrl: string }> {
  const dlq = await sqs.send(
    new CreateQueueCommand({ QueueName: `${name}-dlq`, Attributes: { MessageRetentionPeriod: "1209600" } }),
  );
  const dlqAttrs = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl!, AttributeNames: ["QueueArn"] }),
  );
  const q = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(opts.visibilitySeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqAttrs.Attributes!.QueueArn,
          maxReceiveCount: opts.maxReceiveCount,
        }),
      },
    }),
  );
  return { queueUrl: q.QueueUrl!, dlqUrl: dlq.QueueUrl! };
}
