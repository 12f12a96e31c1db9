/**
 * The process's roles. `ROLE=all` (the default, for `npm start`) runs every role in one
 * process on the embedded defaults; `ROLE=api` and `ROLE=worker` run one role each for
 * production deployments (PostgreSQL, SQS, S3). The process entry point (server/main.ts)
 * calls `startRoles` with the embedded Shopify app's mount: core does not import the app.
 */
import { serve, type ServerType } from "@hono/node-server";
import { loadConfig } from "./platform/config.ts";
import { buildDeps } from "./platform/build-deps.ts";
import type { Deps } from "./platform/deps.ts";
import { migrate } from "./platform/db/migrate.ts";
import { removeServerNote, runningServer, writeServerNote } from "./platform/server-file.ts";
import { createApp, type App } from "./http/app.ts";
import { startWorker } from "./jobs/create-queue.ts";
import { startScheduler } from "./jobs/scheduler.ts";
import { schedules } from "./jobs/jobs.schedules.ts";

/** An app served by the api role beside the core API (the embedded Shopify app). */
export interface MountedApp {
  /** For `createApp`'s `routes` option. */
  routes: (app: App) => void;
  /** Path prefixes whose error responses are the app's own. */
  ownErrorPages: string[];
}

export interface RolesOptions {
  /** Mounts the embedded Shopify app; undefined when it is not built. */
  shopifyApp?: (deps: Deps) => Promise<MountedApp | undefined>;
}

/** Starts the configured roles; resolves once the api (if any) listens. */
export async function startRoles(opts: RolesOptions = {}): Promise<{ deps: Deps }> {
  const config = loadConfig();
  const embedded = !config.DATABASE_URL;
  if (embedded && runningServer(config)) {
    process.stderr.write(`Another giftloop process already uses ${config.DATA_DIR}; stop it first.\n`);
    process.exit(1);
  }
  const deps = await buildDeps(config);
  const { log } = deps;
  const runsApi = config.ROLE === "all" || config.ROLE === "api";
  const runsWorker = config.ROLE === "all" || config.ROLE === "worker";

  if (config.ROLE === "all") {
    const applied = await migrate(deps.db.owner, { log: (m) => log.info(m) });
    if (applied.length) log.info({ applied }, "database migrated");
  }

  let server: ServerType | undefined;
  let shopifyAppMounted = false;
  if (runsApi) {
    // The embedded Shopify app (Remix build) is served by the same HTTP app.
    const shopifyApp = await opts.shopifyApp?.(deps);
    shopifyAppMounted = Boolean(shopifyApp);
    const app = createApp(deps, shopifyApp ? { routes: [shopifyApp.routes], ownErrorPages: shopifyApp.ownErrorPages } : {});
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: config.HOST, port: config.PORT }, () => resolve(s));
    });
  }
  const worker = runsWorker ? startWorker(deps) : undefined;
  const scheduler = runsWorker ? startScheduler(deps, schedules) : undefined;

  if (embedded) writeServerNote(config, { pid: process.pid, url: config.publicUrl, startedAt: new Date().toISOString() });
  log.info(
    { role: config.ROLE, database: deps.db.kind, jobs: config.JOB_DRIVER, storage: deps.storage.driver, secrets: deps.secrets.provider },
    "giftloop started",
  );
  if (runsApi) {
    const u = config.publicUrl;
    process.stderr.write(
      [
        "",
        `  Giftloop is running (${config.ROLE === "all" ? "all roles" : `role ${config.ROLE}`}, ${embedded ? "embedded database in " + config.DATA_DIR : "PostgreSQL"}).`,
        `  API reference   ${u}/docs`,
        `  OpenAPI         ${u}/openapi.json`,
        `  Health          ${u}/health   ${u}/ready`,
        `  Operator token  npm run jobs -- token`,
        shopifyAppMounted ? `  Shopify app     ${config.shopifyAppUrl}/app (embedded: opened inside Shopify admin)` : "  Shopify app     not built (npm run build)",
        "",
      ].join("\n") + "\n",
    );
  }

  let shuttingDown = false;
  async function shutdown(signal: string) {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal }, "shutting down");
    const closing = server ? new Promise<void>((r) => server!.close(() => r())) : Promise.resolve();
    await scheduler?.stop();
    await worker?.stop();
    await closing;
    await deps.db.close();
    if (embedded) removeServerNote(config);
    log.info("stopped");
    process.exit(0);
  }
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  return { deps };
}
