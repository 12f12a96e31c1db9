import type { z } from "zod";
import type { Deps } from "../platform/deps.ts";
import type { Logger } from "../platform/logger.ts";
import type { Tx } from "./queue.ts";

/**
 * One explicit registry of job types. Each type has a payload schema, a maximum number of
 * attempts, an exponential backoff with full jitter, and a handler `(payload, ctx)`.
 * Delivery is at least once: handlers must be safe to run twice (use `ctx.once`, or an
 * idempotency key derived from `ctx.job.idempotencyKey` on third-party calls). Throwing
 * means "retry later"; throwing `PermanentJobError` means "dead-letter now".
 */
export interface JobContext {
  deps: Deps;
  log: Logger;
  job: { id: string; type: string; idempotencyKey: string; attempt: number; maxAttempts: number };
  /** Aborted when the worker shuts down and can no longer wait for this handler. */
  signal: AbortSignal;
  /**
   * Runs `effect` in a transaction at most once per `key` (default: the job's idempotency
   * key): the marker row and the effect's writes commit together.
   */
  once<T>(effect: (tx: Tx) => Promise<T>, key?: string): Promise<{ ran: boolean; value?: T }>;
}

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export interface JobDefinition<P = unknown> {
  type: string;
  schema: z.ZodType<P>;
  maxAttempts: number;
  backoff: Backoff;
  handler: (payload: P, ctx: JobContext) => Promise<void>;
}

export const defaultBackoff: Backoff = { baseMs: 1_000, maxMs: 10 * 60_000 };

export function defineJob<P>(
  def: Omit<JobDefinition<P>, "backoff" | "maxAttempts"> & Partial<Pick<JobDefinition<P>, "backoff" | "maxAttempts">>,
): JobDefinition<P> {
  return { maxAttempts: 8, backoff: defaultBackoff, ...def };
}

/** Delay before retrying after failed attempt `attempt` (1-based): exponential, capped, jittered
 * uniformly over the upper half ("equal jitter") so retries spread out but never bunch at 0. */
export function backoffDelayMs(backoff: Backoff, attempt: number, random = Math.random): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Thrown by a handler when retrying cannot help: the job is dead-lettered at once. */
export class PermanentJobError extends Error {
  override name = "PermanentJobError";
}

export class JobRegistry {
  readonly #defs = new Map<string, JobDefinition<unknown>>();

  // Definitions of different payload types; `any` lets a list of them type-check.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  constructor(defs: JobDefinition<any>[] = []) {
    for (const d of defs) this.register(d);
  }

  register<P>(def: JobDefinition<P>): this {
    if (this.#defs.has(def.type)) throw new Error(`job type ${def.type} is registered twice`);
    if (!Number.isInteger(def.maxAttempts) || def.maxAttempts < 1) {
      throw new Error(`job type ${def.type}: maxAttempts must be a positive integer`);
    }
    this.#defs.set(def.type, def as JobDefinition<unknown>);
    return this;
  }

  get(type: string): JobDefinition<unknown> | undefined {
    return this.#defs.get(type);
  }

  require(type: string): JobDefinition<unknown> {
    const d = this.get(type);
    if (!d) throw new Error(`unknown job type ${type}`);
    return d;
  }

  types(): string[] {
    return [...this.#defs.keys()];
  }
}
