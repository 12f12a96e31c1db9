import type { Config } from "./config.ts";
import { connectDatabase, type Database } from "./db/connect.ts";
import type { Deps } from "./deps.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createStorage } from "./storage/create-storage.ts";
import { createSecretBox } from "./secrets/secret-box.ts";
import { createJobQueue } from "../jobs/create-queue.ts";
import type { JobRegistry } from "../jobs/registry.ts";
import { jobRegistry } from "../jobs/jobs.registry.ts";
import { createStripePayments } from "../integrations/stripe/payments.ts";

/** The one wiring module: picks every integration from configuration. */
export async function buildDeps(
  config: Config,
  opts: { db?: Database; log?: Logger; registry?: JobRegistry } = {},
): Promise<Deps> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const db =
    opts.db ??
    (await connectDatabase(
      config.DATABASE_URL
        ? { url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }
        : { dataDir: `${config.DATA_DIR}/pglite` },
    ));
  const registry = opts.registry ?? jobRegistry();
  return {
    config,
    log,
    db,
    jobs: createJobQueue(config, db, registry),
    storage: createStorage(config),
    secrets: createSecretBox(config),
    payments: createStripePayments(config),
  };
}
