/**
 * A worker process for the push kill test (SIGKILL at random points): the product's job
 * registry with a fast-retrying push.
 */
import { runWorkerChild } from "../../jobs/testing/worker-process.ts";
import { createPushOrderJob } from "./push.jobs.ts";
import { registryWith } from "./testing.ts";

await runWorkerChild(registryWith(createPushOrderJob({ backoff: { baseMs: 20, maxMs: 200 } })));
