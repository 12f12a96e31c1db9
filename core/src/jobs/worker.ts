import { hostname } from "node:os";
import { randomBytes } from "node:crypto";

/** What every driver's worker shares: identity, in-flight tracking and shutdown. */
export interface Worker {
  readonly id: string;
  /** Stop taking new jobs, let in-flight ones finish within the grace period, release the rest. */
  stop(): Promise<void>;
  /** Resolves when the worker has stopped. */
  readonly stopped: Promise<void>;
}

/** How a worker takes and keeps jobs; `startWorker` reads them from configuration. */
export interface WorkerOptions {
  concurrency: number;
  batchSize: number;
  pollIntervalMs: number;
  leaseSeconds: number;
  shutdownGraceMs: number;
}

export function workerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

/** Calls `fn` every `ms` (waiting for it each time) until `signal` aborts. */
export async function repeatEvery(ms: number, signal: AbortSignal, fn: () => Promise<void>): Promise<void> {
  while (!signal.aborted) {
    await sleep(ms, signal);
    await fn();
  }
}

/** Tracks running handlers so shutdown can wait for them, then abort what is left. */
export class InFlight<K> {
  readonly #running = new Map<K, { promise: Promise<unknown>; abort: AbortController }>();
  #waiters: Array<() => void> = [];

  get size(): number {
    return this.#running.size;
  }

  keys(): K[] {
    return [...this.#running.keys()];
  }

  start(key: K, run: (signal: AbortSignal) => Promise<unknown>): void {
    const abort = new AbortController();
    const promise = run(abort.signal).finally(() => {
      this.#running.delete(key);
      const w = this.#waiters;
      this.#waiters = [];
      for (const f of w) f();
    });
    this.#running.set(key, { promise, abort });
  }

  /** Resolves when at least one slot is free (or immediately if one is). */
  async slotFree(limit: number, signal: AbortSignal): Promise<void> {
    while (this.#running.size >= limit && !signal.aborted) {
      await new Promise<void>((r) => {
        this.#waiters.push(r);
        signal.addEventListener("abort", () => r(), { once: true });
      });
    }
  }

  /** Waits for everything running, at most `ms`; returns the keys still running. */
  async drain(ms: number): Promise<K[]> {
    const all = Promise.allSettled([...this.#running.values()].map((r) => r.promise));
    await Promise.race([all, sleep(ms)]);
    return this.keys();
  }

  abortAll(): void {
    for (const r of this.#running.values()) r.abort.abort();
  }

  async settled(): Promise<void> {
    await Promise.allSettled([...this.#running.values()].map((r) => r.promise));
  }
}
