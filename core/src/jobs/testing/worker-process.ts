import { fork, type ChildProcess } from "node:child_process";
import { buildDeps } from "../../platform/build-deps.ts";
import { loadConfig } from "../../platform/config.ts";
import { startWorker } from "../create-queue.ts";
import type { JobRegistry } from "../registry.ts";

/**
 * The worker role in a process of its own, for tests that kill it at random moments:
 * `runWorkerChild` is the child's body (configured from the environment like the worker role,
 * it says `worker-started` over IPC), `spawnWorkerProcess` starts such a child script.
 */
export async function runWorkerChild(registry?: JobRegistry): Promise<void> {
  const deps = await buildDeps(loadConfig(), registry ? { registry } : {});
  const worker = startWorker(deps);
  process.send?.({ event: "worker-started", id: worker.id });
  process.once("SIGTERM", async () => {
    await worker.stop();
    await deps.db.close();
    process.exit(0);
  });
}

export interface WorkerProcess {
  proc: ChildProcess;
  started: Promise<void>;
  exited: Promise<void>;
}

/** Starts `script` (a child calling `runWorkerChild`) with a fast poll and a 1-second lease, plus `env`. */
export function spawnWorkerProcess(script: string, env: Record<string, string>): WorkerProcess {
  const proc = fork(script, [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: "silent", JOB_POLL_INTERVAL_MS: "2", JOB_LEASE_SECONDS: "1", ...env },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const started = new Promise<void>((resolve) => proc.on("message", (m) => (m as { event?: string }).event === "worker-started" && resolve()));
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  return { proc, started, exited };
}
