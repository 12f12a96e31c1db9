/**
 * `npm run jobs -- <command>`: the operator's job tools.
 *   list-dead [--type T] [--all] [--json]   dead-lettered jobs (--all includes replayed ones)
 *   replay <dead-letter-id>                  put a dead job back in the queue
 *   stats                                    jobs per type and status
 *   held-pushes [--shop S] [--json]          redeemed gifts whose Shopify order is held, with why
 *   token [--sub NAME] [--ttl SECONDS]       mint an operator API token
 *   setup-sqs [--name NAME] [--max-receive N]  create the SQS queue and its dead-letter queue
 * With the embedded database, while `npm start` runs, commands go through its operator API
 * (the database folder belongs to that process); otherwise they open the database directly.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { Console } from "node:console";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { ConfigError, parseConfig, type Config } from "../platform/config.ts";
import { connectDatabase, type Database } from "../platform/db/connect.ts";
import { explainDatabaseError, type DatabaseWhere } from "../platform/db/explain-error.ts";
import { createLogger } from "../platform/logger.ts";
import { platformContext, type PlatformContext } from "../platform/use-case.ts";
import { runningServer } from "../platform/server-file.ts";
import { mintOperatorToken } from "../http/operator-auth.ts";
import { ensureSqsQueues, sqsClient } from "./create-queue.ts";
import { listDeadLetters, replayDeadLetter, type DeadLetterView } from "./dead-letters.ts";
import { jobStats, type JobStats } from "./stats.ts";
import { listHeldPushes, type HeldPush } from "../fulfillment/push/push-holds.ts";

const USAGE =
  "usage: npm run jobs -- list-dead [--type T] [--all] [--json] | replay <id> | stats | held-pushes [--shop S] [--json] | token [--sub NAME] [--ttl S] | setup-sqs [--name N] [--max-receive N]";

/** A command that cannot go on: its message is printed (one line, no stack) and it exits 1. */
class CliFailure extends Error {}

function fail(msg: string): never {
  throw new CliFailure(msg);
}

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Runs one command (`argv` without node and the script); resolves with the exit code. */
export async function runJobsCli(argv: string[], io: CliIo = { env: process.env, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const out = new Console(io.stdout, io.stderr);
  try {
    const config = parseConfig(io.env);
    await run(argv, config, io, out);
    return 0;
  } catch (err) {
    if (err instanceof CliFailure || err instanceof ConfigError) {
      out.error(err.message);
      return 1;
    }
    throw err;
  }
}

async function run(argv: string[], config: Config, io: CliIo, out: Console): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        type: { type: "string" },
        all: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        shop: { type: "string" },
        sub: { type: "string", default: io.env.USER ?? "operator" },
        ttl: { type: "string", default: "3600" },
        name: { type: "string", default: "giftloop-jobs" },
        "max-receive": { type: "string", default: "10" },
      },
    });
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  const { positionals, values } = parsed;
  const [command, arg] = positionals;

  /** Talks to the running embedded server's operator API. */
  async function viaApi<T>(method: string, urlPath: string): Promise<{ status: number; body: T }> {
    const server = runningServer(config)!;
    const token = await mintOperatorToken(config, { sub: values.sub!, ttlSeconds: 60 });
    const res = await fetch(`${server.url}${urlPath}`, { method, headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as T };
  }

  function printDead(rows: DeadLetterView[]) {
    if (values.json) return out.log(JSON.stringify(rows, null, 2));
    if (rows.length === 0) return out.log("No dead-lettered jobs.");
    for (const r of rows) {
      out.log(`${r.id}  ${r.type}  attempts=${r.attempts}  source=${r.source}  failed=${r.failedAt}${r.replayedAt ? `  replayed=${r.replayedAt}` : ""}`);
      out.log(`    key=${r.idempotencyKey}`);
      if (r.lastError) out.log(`    ${r.lastError.split("\n")[0]}`);
    }
  }

  const viaServer = Boolean(runningServer(config));
  /** The operator's context on the configured database (the actor the operator API would see for the same token subject). */
  const asOperator = <T>(fn: (ctx: PlatformContext) => Promise<T>) =>
    withDb(config, (db) => fn(platformContext({ db, actor: `operator:${values.sub!}`, log: createLogger(config.LOG_LEVEL, io.stderr) })));
  switch (command) {
    case "list-dead": {
      const q = new URLSearchParams({ limit: "1000", includeReplayed: String(values.all) });
      if (values.type) q.set("type", values.type);
      const rows = viaServer
        ? (await viaApi<{ items: DeadLetterView[] }>("GET", `/v1/operator/dead-letters?${q}`)).body.items
        : await asOperator((ctx) => listDeadLetters(ctx, { includeReplayed: values.all, limit: 1000, ...(values.type ? { type: values.type } : {}) }));
      printDead(rows);
      return;
    }
    case "replay": {
      if (!arg) fail("usage: npm run jobs -- replay <dead-letter-id>");
      if (viaServer) {
        const r = await viaApi<{ jobId?: string; detail?: string }>("POST", `/v1/operator/dead-letters/${encodeURIComponent(arg)}/replay`);
        if (r.status !== 202) fail(`not replayed: ${r.body.detail ?? r.status}`);
        out.log(`Replayed: job ${r.body.jobId} is queued again.`);
      } else {
        const r = await asOperator((ctx) => replayDeadLetter(ctx, arg));
        if (!r.ok) fail(r.code === "not_found" ? `No dead letter ${arg}.` : `Dead letter ${arg} was already replayed.`);
        out.log(`Replayed: job ${r.jobId} is queued again.`);
      }
      return;
    }
    case "stats": {
      const stats = viaServer ? (await viaApi<JobStats>("GET", "/v1/operator/jobs/stats")).body : await asOperator((ctx) => jobStats(ctx));
      if (values.json) out.log(JSON.stringify(stats, null, 2));
      else out.table(Object.fromEntries(stats.byType.map((t) => [t.type, { ...t.byStatus, total: t.total }])));
      return;
    }
    case "held-pushes": {
      const q = new URLSearchParams({ limit: "1000", ...(values.shop ? { shop: values.shop } : {}) });
      const rows = viaServer
        ? (await viaApi<{ items: HeldPush[] }>("GET", `/v1/operator/held-pushes?${q}`)).body.items
        : await asOperator((ctx) => listHeldPushes(ctx, { limit: 1000, ...(values.shop ? { shop: values.shop } : {}) }));
      if (values.json) out.log(JSON.stringify(rows, null, 2));
      else if (rows.length === 0) out.log("No held Shopify order pushes.");
      else {
        for (const r of rows) {
          out.log(`${r.unitId}  ${r.shop}  ${r.kind}  held since ${new Date(r.heldSince).toISOString()}  order ${r.orderId}`);
          out.log(`    ${r.reason}`);
        }
      }
      return;
    }
    case "token": {
      const ttl = Number(values.ttl);
      if (!Number.isInteger(ttl) || ttl < 60 || ttl > 30 * 86400) fail("--ttl must be 60..2592000 seconds");
      out.log(await mintOperatorToken(config, { sub: values.sub!, ttlSeconds: ttl }));
      return;
    }
    case "setup-sqs": {
      const maxReceive = Number(values["max-receive"]);
      const urls = await ensureSqsQueues(sqsClient(config), values.name!, {
        maxReceiveCount: maxReceive,
        visibilitySeconds: config.JOB_LEASE_SECONDS,
      });
      out.log(`SQS_QUEUE_URL=${urls.queueUrl}\nSQS_DLQ_URL=${urls.dlqUrl}`);
      return;
    }
    default:
      fail(USAGE);
  }
}

/**
 * Runs `fn` on the configured database. A database that is not there (no embedded one in
 * DATA_DIR, an unreachable or missing PostgreSQL database, an unmigrated schema) ends the
 * command with one line saying what is missing, not a driver's error object.
 */
async function withDb<T>(config: Config, fn: (db: Database) => Promise<T>): Promise<T> {
  const where: DatabaseWhere = config.DATABASE_URL ? { url: config.DATABASE_URL } : { dataDir: path.join(config.DATA_DIR, "pglite") };
  if ("dataDir" in where && !existsSync(where.dataDir)) {
    fail(
      `No database: DATABASE_URL is not set and DATA_DIR (${config.DATA_DIR}) holds no embedded database. ` +
        "Set DATABASE_URL to the PostgreSQL database to inspect, or DATA_DIR to the folder `npm start` uses.",
    );
  }
  let db: Database | undefined;
  try {
    db = await connectDatabase("url" in where ? { url: where.url, poolSize: 2 } : where);
    return await fn(db);
  } catch (err) {
    if (err instanceof CliFailure) throw err;
    throw new CliFailure(explainDatabaseError(err, where));
  } finally {
    await db?.close().catch(() => {});
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await runJobsCli(process.argv.slice(2));
}
