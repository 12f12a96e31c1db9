/**
 * A worker process for the push kill test (SIGKILL at random points): the product's job
 * registry with a fast-retrying push, configured from the environment like the worker role.
 */
import { loadConfig } from "../../platform/config.ts";
import { buildDeps } from "../../platform/build-deps.ts";
import { startWorker } from "../../jobs/create-queue.ts";
import { createPushOrderJob } from "./push.jobs.ts";
import { registryWith } from "./testing.ts";

const config = loadConfig();
const deps = await buildDeps(config, { registry: registryWith(createPushOrderJob({ backoff: { baseMs: 20, maxMs: 200 } })) });
const worker = startWorker(deps);
process.send?.({ event: "worker-started", id: worker.id });
process.once("SIGTERM", async () => {
  await worker.stop();
  await deps.db.close();
  process.exit(0);
});
