/** A worker process for the payout kill test (SIGKILL at random points): the product's job registry. */
import { runWorkerChild } from "../jobs/testing/worker-process.ts";

await runWorkerChild();
