import type { Deps } from "../platform/deps.ts";
import type { JobRegistry } from "./registry.ts";
import { nextStep, runHandler, type ClaimedJob, type Outcome } from "./run-handler.ts";
import { InFlight, sleep, workerId, type Worker } from "./worker.ts";

/**
 * What both drivers' workers share: a job is held under a lease (a row lock with an expiry
 * for `db`, a message's visibility for `sqs`) while its handler runs; the outcome is settled
 * by one rule (`nextStep`); shutdown stops taking jobs, lets running ones finish within the
 * grace period and gives back the rest without counting their attempt.
 *
 * A driver says how to take jobs, keep their leases, settle them and give them back; `K`
 * is how it names a job it holds (the job id for `db`, the receipt handle for `sqs`).
 */
export interface LeaseDriver<K> {
  /** Loops that take new jobs and `start` them; shutdown waits for them before draining. */
  startIntake(): Array<Promise<void>>;
  /** Loops that run until the worker stops (lease extension, completion flushing, ...). */
  startLoops(): Array<Promise<void>>;
  /** The handler succeeded. */
  succeeded(key: K, job: ClaimedJob): Promise<void>;
  /** No retry is left or none can help: record the dead letter. */
  deadLettered(key: K, job: ClaimedJob, error: string): Promise<void>;
  /** Run the job again after `delayMs`. */
  retryLater(key: K, job: ClaimedJob, delayMs: number, error: string): Promise<void>;
  /** Gives back jobs still running after the grace period: this attempt does not count. */
  releaseUnfinished(keys: K[], jobIds: string[]): Promise<void>;
  /** The last step of shutdown: writes the completions still batched. */
  flushAtStop(): Promise<void>;
  texts: {
    /** Logged when shutdown begins. */
    stopping: string;
    /** The error of a job taken again after its last allowed attempt: its worker was lost. */
    workerLost: string;
    /** Logged when an outcome could not be recorded. */
    outcomeNotRecorded: string;
  };
}

/** What the shared worker gives its driver. */
export interface LeasedWorker<K> {
  readonly id: string;
  readonly log: Deps["log"];
  /** Jobs running now, by the driver's key. */
  readonly inflight: InFlight<K>;
  /** Aborts when the worker begins to stop. */
  readonly stopping: AbortSignal;
  /** Runs an attempt of `job` (held as `key`) and settles its outcome through the driver. */
  start(key: K, job: ClaimedJob): void;
}

export function startLeasedWorker<K>(
  deps: Deps,
  registry: JobRegistry,
  opts: { driver: "db" | "sqs"; shutdownGraceMs: number },
  driverFor: (worker: LeasedWorker<K>) => LeaseDriver<K>,
): Worker {
  const id = workerId();
  const log = deps.log.child({ worker: id, driver: opts.driver });
  const inflight = new InFlight<K>();
  const jobOf = new Map<K, ClaimedJob>();
  const stopping = new AbortController();

  async function settle(key: K, job: ClaimedJob, outcome: Outcome): Promise<void> {
    const step = nextStep(registry, job, outcome);
    if (step.kind === "done") return driver.succeeded(key, job);
    const error = outcome.ok ? "" : outcome.error;
    if (step.kind === "dead") {
      await driver.deadLettered(key, job, error);
      log.error({ job: job.id, type: job.type, attempts: job.attempt }, "job dead-lettered");
      return;
    }
    await driver.retryLater(key, job, step.delayMs, error);
  }

  async function attempt(key: K, job: ClaimedJob, signal: AbortSignal): Promise<void> {
    // A worker died during this job's last allowed attempt: do not run it again.
    const outcome: Outcome =
      job.attempt > job.maxAttempts
        ? { ok: false, error: driver.texts.workerLost, permanent: true }
        : await runHandler(deps, registry.get(job.type), job, signal);
    if (signal.aborted && !outcome.ok) return; // released at shutdown; not a failure
    try {
      await settle(key, { ...job, attempt: Math.min(job.attempt, job.maxAttempts) }, outcome);
    } catch (err) {
      // The lease will lapse and the job will run again; handlers are idempotent.
      log.error({ err, job: job.id }, driver.texts.outcomeNotRecorded);
    }
  }

  const driver = driverFor({
    id,
    log,
    inflight,
    stopping: stopping.signal,
    start(key, job) {
      jobOf.set(key, job);
      inflight.start(key, (signal) => attempt(key, job, signal).finally(() => jobOf.delete(key)));
    },
  });
  const intake = driver.startIntake();
  const loops = driver.startLoops();

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  let stopPromise: Promise<void> | undefined;

  async function stop(): Promise<void> {
    log.info({ inflight: inflight.size }, driver.texts.stopping);
    stopping.abort();
    await Promise.allSettled(intake);
    const left = await inflight.drain(opts.shutdownGraceMs);
    if (left.length > 0) {
      inflight.abortAll();
      await driver.releaseUnfinished(left, left.flatMap((k) => jobOf.get(k)?.id ?? []));
      log.warn({ released: left.length }, "released unfinished jobs");
    }
    // Handlers that ignore the abort signal are not waited for: their jobs are released.
    await Promise.race([inflight.settled(), sleep(1_000)]);
    await Promise.allSettled([...intake, ...loops]);
    await driver.flushAtStop();
    log.info("worker stopped");
    resolveStopped();
  }

  return {
    id,
    stopped,
    stop() {
      stopPromise ??= stop();
      return stopPromise;
    },
  };
}
