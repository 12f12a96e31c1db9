/**
 * `npm run test:stack`: the same test suites against the production-shaped stack:
 * real PostgreSQL (each test file gets a fresh database, dropped afterwards) and the AWS
 * stand-in (`moto_server`, started here on a free port) for SQS, S3 and KMS.
 * Extra arguments go to Vitest.
 */
import { spawn } from "node:child_process";
import pg from "pg";
import { assertMotoAvailable, startMoto } from "./moto.ts";

const adminUrl = process.env.PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function checkPostgres(): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${adminUrl} (set PG_ADMIN_URL): ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

assertMotoAvailable();
await checkPostgres();
const moto = await startMoto();
process.stderr.write(`test:stack: PostgreSQL ${new URL(adminUrl).host}, moto ${moto.endpoint}\n`);
const child = spawn("vitest", ["run", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: {
    ...process.env,
    TEST_PG_ADMIN_URL: adminUrl,
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
  },
});
const code = await new Promise<number>((resolve) => child.once("exit", (c) => resolve(c ?? 1)));
await moto.stop();
process.exit(code);
