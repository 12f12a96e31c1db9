import { randomBytes } from "node:crypto";
import pg from "pg";
import { connectDatabase, type Database } from "../platform/db/connect.ts";
import { migrate } from "../platform/db/migrate.ts";

/**
 * A fresh, migrated database for one test file. Embedded (PGlite in memory) by default;
 * with TEST_PG_ADMIN_URL set (npm run test:stack) a new PostgreSQL database that is
 * dropped again on close.
 */
export interface TestDatabase extends Database {
  /** Connection URL (PostgreSQL only), for child processes. */
  url?: string;
}

export async function testDatabase(): Promise<TestDatabase> {
  const admin = process.env.TEST_PG_ADMIN_URL;
  if (!admin) {
    const db = await connectDatabase({ memory: true });
    await migrate(db.owner);
    return db;
  }
  const name = `gl_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(admin, `CREATE DATABASE ${name}`);
  const url = withDatabase(admin, name);
  const db = await connectDatabase({ url, poolSize: 10 });
  await migrate(db.owner);
  return {
    ...db,
    url,
    async close() {
      await db.close();
      await adminQuery(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Whether the stack (real PostgreSQL + moto) is available to this test run. */
export const stack = {
  postgres: Boolean(process.env.TEST_PG_ADMIN_URL),
  awsEndpoint: process.env.AWS_ENDPOINT_URL,
};
