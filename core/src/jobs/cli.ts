/**
 * `npm run jobs -- <command>`: the operator's job tools.
 *   list-dead [--type T] [--all] [--json]   dead-lettered jobs (--all includes replayed ones)
 *   replay <dead-letter-id>                  put a dead job back in the queue
 *   stats                                    jobs per type and status
 *   token [--sub NAME] [--ttl SECONDS]       mint an operator API token
 *   setup-sqs [--name NAME] [--max-receive N]  create the SQS queue and its dead-letter queue
 * With the embedded database, while `npm start` runs, commands go through its operator API
 * (the database folder belongs to that process); otherwise they open the database directly.
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../platform/config.ts";
import { connectDatabase, type Database } from "../platform/db/connect.ts";
import { runningServer } from "../platform/server-file.ts";
import { mintOperatorToken } from "../http/operator-auth.ts";
import { ensureSqsQueues, sqsClient } from "./create-queue.ts";
import { listDeadLetters, replayDeadLetter, type DeadLetterView } from "./dead-letters.ts";
import { jobStats, type JobStats } from "./stats.ts";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    type: { type: "string" },
    all: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    sub: { type: "string", default: process.env.USER ?? "operator" },
    ttl: { type: "string", default: "3600" },
    name: { type: "string", default: "giftloop-jobs" },
    "max-receive": { type: "string", default: "10" },
  },
});
const [command, arg] = positionals;
const config = loadConfig();

function fail(msg: string): never {
  console.error(msg);
  process.exit(1);
}

/** Talks to the running embedded server's operator API. */
async function viaApi<T>(method: string, path: string): Promise<{ status: number; body: T }> {
  const server = runningServer(config)!;
  const token = await mintOperatorToken(config, { sub: values.sub!, ttlSeconds: 60 });
  const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as T };
}

async function withDb<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await connectDatabase(
    config.DATABASE_URL ? { url: config.DATABASE_URL, poolSize: 2 } : { dataDir: `${config.DATA_DIR}/pglite` },
  );
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

function printDead(rows: DeadLetterView[]) {
  if (values.json) return console.log(JSON.stringify(rows, null, 2));
  if (rows.length === 0) return console.log("No dead-lettered jobs.");
  for (const r of rows) {
    console.log(
      `${r.id}  ${r.type}  attempts=${r.attempts}  source=${r.source}  failed=${r.failedAt}${r.replayedAt ? `  replayed=${r.replayedAt}` : ""}`,
    );
    console.log(`    key=${r.idempotencyKey}`);
    if (r.lastError) console.log(`    ${r.lastError.split("\n")[0]}`);
  }
}

const viaServer = Boolean(runningServer(config));
switch (command) {
  case "list-dead": {
    const q = new URLSearchParams({ limit: "1000", includeReplayed: String(values.all) });
    if (values.type) q.set("type", values.type);
    const rows = viaServer
      ? (await viaApi<{ items: DeadLetterView[] }>("GET", `/v1/operator/dead-letters?${q}`)).body.items
      : await withDb((db) =>
          listDeadLetters(db, { includeReplayed: values.all, limit: 1000, ...(values.type ? { type: values.type } : {}) }),
        );
    printDead(rows);
    break;
  }
  case "replay": {
    if (!arg) fail("usage: npm run jobs -- replay <dead-letter-id>");
    if (viaServer) {
      const r = await viaApi<{ jobId?: string; detail?: string }>("POST", `/v1/operator/dead-letters/${arg}/replay`);
      if (r.status !== 202) fail(`not replayed: ${r.body.detail ?? r.status}`);
      console.log(`Replayed: job ${r.body.jobId} is queued again.`);
    } else {
      const r = await withDb((db) => replayDeadLetter(db, arg));
      if (!r.ok) fail(r.code === "not_found" ? `No dead letter ${arg}.` : `Dead letter ${arg} was already replayed.`);
      console.log(`Replayed: job ${r.jobId} is queued again.`);
    }
    break;
  }
  case "stats": {
    const stats = viaServer
      ? (await viaApi<JobStats>("GET", "/v1/operator/jobs/stats")).body
      : await withDb((db) => jobStats(db));
    if (values.json) console.log(JSON.stringify(stats, null, 2));
    else console.table(Object.fromEntries(stats.byType.map((t) => [t.type, { ...t.byStatus, total: t.total }])));
    break;
  }
  case "token": {
    const ttl = Number(values.ttl);
    if (!Number.isInteger(ttl) || ttl < 60 || ttl > 30 * 86400) fail("--ttl must be 60..2592000 seconds");
    console.log(await mintOperatorToken(config, { sub: values.sub!, ttlSeconds: ttl }));
    break;
  }
  case "setup-sqs": {
    const maxReceive = Number(values["max-receive"]);
    const urls = await ensureSqsQueues(sqsClient(config), values.name!, {
      maxReceiveCount: maxReceive,
      visibilitySeconds: config.JOB_LEASE_SECONDS,
    });
    console.log(`SQS_QUEUE_URL=${urls.queueUrl}\nSQS_DLQ_URL=${urls.dlqUrl}`);
    break;
  }
  default:
    fail(
      "usage: npm run jobs -- list-dead [--type T] [--all] [--json] | replay <id> | stats | token [--sub NAME] [--ttl S] | setup-sqs [--name N] [--max-receive N]",
    );
}
