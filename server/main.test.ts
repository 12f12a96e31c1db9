import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freshQueues } from "@giftloop/core/testing/jobs";
import { stack, testDatabase } from "@giftloop/core/testing/db";
import { startTsProcess, waitForOk } from "@giftloop/core/testing/processes";
import { freePort } from "@giftloop/sandbox/testing/net";

const main = fileURLToPath(new URL("./main.ts", import.meta.url));

/**
 * The process as `npm start` / `npm run serve` runs it. Loading, migrating a fresh embedded
 * database and serving take seconds on a quiet machine and can take a minute on a busy one:
 * every wait is on an event (output, exit, an answering URL) with a generous ceiling.
 */
const start = (env: Record<string, string>) => startTsProcess(main, [], { LOG_LEVEL: "warn", ...env });

describe("npm start (the all-roles process on embedded defaults)", () => {
  it("migrates the embedded database, serves, prints the URLs, and stops cleanly on SIGTERM", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "giftloop-start-"));
    const port = await freePort();
    const app = start({ DATA_DIR: dataDir, PORT: String(port) });
    try {
      const ready = await waitForOk(`http://127.0.0.1:${port}/ready`, undefined, app.exited);
      expect(await ready.json()).toMatchObject({ status: "ok", checks: { database: { status: "ok" }, queue: { status: "ok" } } });
      expect((await fetch(`http://127.0.0.1:${port}/docs`)).headers.get("content-type")).toContain("text/html");
      expect(app.output()).toContain(`http://localhost:${port}/docs`);
      expect(existsSync(path.join(dataDir, "server.json"))).toBe(true);
      expect(await app.stop(60_000)).toBe(0);
      expect(existsSync(path.join(dataDir, "server.json"))).toBe(false);
      expect(existsSync(path.join(dataDir, "pglite"))).toBe(true);
    } finally {
      app.proc.kill("SIGKILL");
    }
  }, 300_000);

  it("stops at start-up with a message naming a wrong setting", async () => {
    const app = start({ JOB_DRIVER: "kafka", DATA_DIR: mkdtempSync(path.join(tmpdir(), "giftloop-bad-")) });
    expect(await app.exited).toBe(1);
    expect(app.output()).toMatch(/Invalid configuration:[\s\S]*JOB_DRIVER/);
  }, 120_000);
});

if (stack.postgres && stack.awsEndpoint) {
  describe("production roles (ROLE=api and ROLE=worker on PostgreSQL, SQS, S3)", () => {
    it("runs the api and the worker as separate processes sharing the database and the queue", async () => {
      const db = await testDatabase(); // migrated, as the release step would
      const q = await freshQueues(stack.awsEndpoint!, 10);
      const port = await freePort();
      const env = {
        NODE_ENV: "production",
        DATABASE_URL: db.url!,
        JOB_DRIVER: "sqs",
        SQS_QUEUE_URL: q.queueUrl,
        SQS_DLQ_URL: q.dlqUrl,
        SQS_WAIT_SECONDS: "1",
        AWS_ENDPOINT_URL: stack.awsEndpoint!,
        STORAGE_DRIVER: "s3",
        S3_BUCKET: "giftloop-roles-test",
        SECRETS_LOCAL_KEY: Buffer.alloc(32, 7).toString("base64"),
        OPERATOR_TOKEN_SECRET: "o".repeat(40),
        SIGNING_SECRET: "s".repeat(40),
        STRIPE_SECRET_KEY: "sk_test_roles",
        SMTP_URL: "smtp://127.0.0.1:2525",
        CODE_HMAC_KEY: Buffer.alloc(32, 9).toString("base64"),
        STRIPE_WEBHOOK_SECRET: "whsec_roles",
        STRIPE_CONNECT_WEBHOOK_SECRET: "whsec_roles_connect",
        SHOPIFY_API_SECRET: "shpss_roles",
        SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
        PORT: String(port),
        DATA_DIR: mkdtempSync(path.join(tmpdir(), "giftloop-roles-")),
      };
      const api = start({ ...env, ROLE: "api" });
      const worker = start({ ...env, ROLE: "worker" });
      try {
        const ready = await waitForOk(`http://127.0.0.1:${port}/ready`, undefined, api.exited);
        expect(await ready.json()).toMatchObject({ checks: { database: { status: "ok" }, queue: { status: "ok" } } });
        // The worker's scheduler enqueues the daily maintenance job; its relay publishes it to
        // SQS and its consumer runs it.
        const end = Date.now() + 120_000;
        let status: string | undefined;
        while (Date.now() < end && status !== "succeeded") {
          status = (await db.sql.query<{ status: string }>("SELECT status::text FROM job WHERE type = 'jobs.prune_finished'"))[0]?.status;
          await new Promise((r) => setTimeout(r, 200));
        }
        expect(status).toBe("succeeded");
        expect(await Promise.all([api.stop(60_000), worker.stop(60_000)])).toEqual([0, 0]);
      } finally {
        api.proc.kill("SIGKILL");
        worker.proc.kill("SIGKILL");
        await db.close();
      }
    }, 360_000);
  });
}
