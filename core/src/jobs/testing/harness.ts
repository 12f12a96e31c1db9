import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { SQSClient } from "@aws-sdk/client-sqs";
import { ensureSqsQueues } from "../create-queue.ts";

const childScript = fileURLToPath(new URL("./worker-child.ts", import.meta.url));

export interface ChildWorker {
  proc: ChildProcess;
  /** Resolves with the first IPC message matching `pred`. */
  waitFor(pred: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnWorker(env: Record<string, string>): ChildWorker {
  const proc = fork(childScript, [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, LOG_LEVEL: "warn", JOB_TEST_CHILD: "1", ...env },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const seen: Array<Record<string, unknown>> = [];
  const waiters: Array<{ pred: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }> = [];
  proc.on("message", (m) => {
    const msg = m as Record<string, unknown>;
    seen.push(msg);
    for (const w of [...waiters]) {
      if (w.pred(msg)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(msg);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    proc,
    exited,
    waitFor(pred, timeoutMs = 20_000) {
      const hit = seen.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error("timed out waiting for the worker")), timeoutMs);
        waiters.push({
          pred,
          resolve: (m) => {
            clearTimeout(t);
            resolve(m);
          },
        });
      });
    },
  };
}

/** Polls `check` until it holds; on timeout, `state` (if given) says how far things got. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000, everyMs = 50, state?: () => Promise<unknown>): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`condition not met in time${state ? `; state: ${JSON.stringify(await state().catch((e: unknown) => String(e)))}` : ""}`);
}

/** Fresh SQS queue + dead-letter queue on the AWS stand-in. */
export async function freshQueues(endpoint: string, maxReceiveCount: number) {
  const sqs = new SQSClient({ region: "us-east-1", endpoint });
  const name = `jobs-${randomBytes(4).toString("hex")}`;
  const urls = await ensureSqsQueues(sqs, name, { maxReceiveCount, visibilitySeconds: 30 });
  sqs.destroy();
  return urls;
}
