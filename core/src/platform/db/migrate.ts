import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Statement } from "./statement.ts";

/**
 * Applies prisma/migrations/<name>/migration.sql in name order, each in its own
 * transaction, recording name and checksum in `schema_migrations`. One runner for
 * PGlite and PostgreSQL: the SQL goes to the database as one script (simple query
 * protocol), so `;` inside strings, comments or `$$` bodies is safe, and any failing
 * statement rolls the whole migration back and throws MigrationError.
 */
export interface ScriptRunner {
  /** Runs a multi-statement script inside one transaction, with the `after` statements. */
  runInTransaction(script: string, after: { sql: string; params: unknown[] }): Promise<void>;
  /** One statement; a `Statement` (see `statement()`) is prepared once per connection. */
  query<T>(sql: string | Statement, params?: unknown[]): Promise<T[]>;
  /** One statement; returns the number of rows it changed. */
  execute(sql: string | Statement, params?: unknown[]): Promise<number>;
  exec(script: string): Promise<void>;
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  constructor(
    readonly migration: string,
    override readonly cause: unknown,
  ) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    super(`Migration ${migration} failed: ${msg}`);
    this.name = "MigrationError";
  }
}

export const defaultMigrationsDir = path.resolve(import.meta.dirname, "../../../../prisma/migrations");

export async function readMigrations(dir = defaultMigrationsDir): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory() && /^\d{14}_/.test(e.name))
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

const LOCK_ID = 727_001; // advisory lock so two processes never migrate at once

export async function migrate(
  db: ScriptRunner,
  opts: { dir?: string; log?: (msg: string) => void } = {},
): Promise<string[]> {
  const log = opts.log ?? (() => {});
  const migrations = await readMigrations(opts.dir);
  await db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       name text PRIMARY KEY,
       checksum text NOT NULL,
       applied_at timestamptz NOT NULL DEFAULT now()
     )`,
  );
  await db.query("SELECT pg_advisory_lock($1)", [LOCK_ID]);
  try {
    const applied = new Map(
      (await db.query<{ name: string; checksum: string }>("SELECT name, checksum FROM schema_migrations")).map(
        (r) => [r.name, r.checksum],
      ),
    );
    const done: string[] = [];
    for (const m of migrations) {
      const prior = applied.get(m.name);
      if (prior !== undefined) {
        if (prior !== m.checksum) {
          throw new MigrationError(m.name, new Error("already applied, but its migration.sql has changed since"));
        }
        continue;
      }
      try {
        await db.runInTransaction(m.sql, {
          sql: "INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)",
          params: [m.name, m.checksum],
        });
      } catch (err) {
        throw new MigrationError(m.name, err);
      }
      log(`applied migration ${m.name}`);
      done.push(m.name);
    }
    return done;
  } finally {
    await db.query("SELECT pg_advisory_unlock($1)", [LOCK_ID]);
  }
}
