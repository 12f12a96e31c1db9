/**
 * A worker process for the job tests (SIGKILL / SIGTERM). Configuration comes from the
 * environment like the real worker role; it reports handler progress over IPC.
 */
import { loadConfig } from "../../platform/config.ts";
import { buildDeps } from "../../platform/build-deps.ts";
import { startWorker } from "../create-queue.ts";
import { testRegistry } from "./test-jobs.ts";

const config = loadConfig();
const deps = await buildDeps(config, { registry: testRegistry() });
const worker = startWorker(deps);
process.send?.({ event: "worker-started", id: worker.id });
process.once("SIGTERM", async () => {
  await worker.stop();
  await deps.db.close();
  process.send?.({ event: "worker-stopped" });
  process.exit(0);
});
