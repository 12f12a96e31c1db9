import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import pg from "pg";
import { pgliteAdapter } from "./pglite-adapter.ts";
import type { ScriptRunner } from "./migrate.ts";
import { statementText, type Statement } from "./statement.ts";

export { statement, type Statement } from "./statement.ts";

/**
 * The database: PostgreSQL when a URL is given, otherwise PGlite (Postgres in WASM,
 * in-process) in a local folder or in memory. Same SQL, same migrations.
 */
/** A raw SQL transaction (the hot paths' alternative to Prisma's interactive transactions). */
export interface SqlTx {
  query<T>(sql: string | Statement, params?: unknown[]): Promise<T[]>;
  /** Runs a statement; returns the number of rows it changed. */
  execute(sql: string | Statement, params?: unknown[]): Promise<number>;
}

export interface Database {
  kind: "postgres" | "pglite";
  /**
   * The owner of the tables (the connection's own user), for migrations and nothing else:
   * `prisma`, `sql` and `transaction` act as `APP_ROLE` (see there).
   */
  owner: ScriptRunner;
  /**
   * Runs `fn` in one transaction on one connection: committed if it returns, rolled back if it
   * throws. `prologue`: SQL without parameters that runs first in the transaction, sent with
   * its BEGIN in one round trip on PostgreSQL (tenant-scope.ts binds the tenant this way).
   */
  transaction<T>(fn: (tx: SqlTx) => Promise<T>, prologue?: string): Promise<T>;
  prisma: PrismaClient;
  /** Raw access for migrations and hot paths (batched job claims, bulk inserts). */
  sql: ScriptRunner;
  /** The PGlite instance, when embedded (to serve it to other local processes). */
  pglite?: PGlite;
  close(): Promise<void>;
}

/**
 * The roles the api, the worker and every command act as; neither owns the tables, so
 * PostgreSQL's row-level security applies (the migration 20261207160000_row_level_security
 * creates them and the policies). Connections act as `APP_ROLE`, the process's own work
 * across tenants (jobs, webhooks, operators): every row. A brand's use case runs its
 * transactions as `TENANT_ROLE`, bound to the brand (tenant-scope.ts): only its rows,
 * whatever its SQL forgets to filter.
 */
export const APP_ROLE = "giftloop_app";
export const TENANT_ROLE = "giftloop_tenant";

export type DbTarget =
  /**
   * PostgreSQL. `ownerUrl`: the tables' owner, for migrations only (default `url`). With it,
   * `url` can be a login role that is only a member of `APP_ROLE` and `TENANT_ROLE` (see the
   * README's Deploying section): no statement the app runs can act as the owner.
   */
  | { url: string; poolSize?: number; ownerUrl?: string | undefined }
  | { dataDir: string } // PGlite in a folder
  | { memory: true }; // PGlite in memory (tests)

export async function connectDatabase(target: DbTarget): Promise<Database> {
  if ("url" in target) return connectPostgres(target.url, target.poolSize ?? 10, target.ownerUrl ?? target.url);
  let pglite: PGlite;
  if ("dataDir" in target) {
    const dir = path.resolve(target.dataDir);
    mkdirSync(dir, { recursive: true });
    pglite = await PGlite.create(dir);
  } else {
    pglite = await PGlite.create();
  }
  return await wrapPglite(pglite);
}

/**
 * PGlite is one session: it acts as `APP_ROLE` whenever the role exists (from the first
 * migration on), and as the owner only while an owner operation runs.
 */
async function enterAppRole(db: PGlite): Promise<void> {
  const [known] = (await db.query<{ ok: boolean }>("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS ok", [APP_ROLE])).rows;
  if (!known?.ok) return;
  await db.exec(`SET ROLE ${APP_ROLE}`);
}

async function wrapPglite(db: PGlite): Promise<Database> {
  await enterAppRole(db);
  const prisma = new PrismaClient({ adapter: pgliteAdapter(db) });
  const asOwner = async <T,>(fn: () => Promise<T>): Promise<T> => {
    await db.exec("RESET ROLE");
    try {
      return await fn();
    } finally {
      await enterAppRole(db);
    }
  };
  const sql: ScriptRunner = {
    async query<T>(text: string | Statement, params: unknown[] = []) {
      return (await db.query<T>(statementText(text), params)).rows;
    },
    async execute(text: string | Statement, params: unknown[] = []) {
      return (await db.query(statementText(text), params)).affectedRows ?? 0;
    },
    async exec(script) {
      await db.exec(script);
    },
    async runInTransaction(script, after) {
      await db.transaction(async (tx) => {
        await tx.exec(script);
        await tx.query(after.sql, after.params);
      });
    },
  };
  const owner: ScriptRunner = {
    query: (text, params) => asOwner(() => sql.query(text, params)),
    execute: (text, params) => asOwner(() => sql.execute(text, params)),
    exec: (script) => asOwner(() => sql.exec(script)),
    runInTransaction: (script, after) => asOwner(() => sql.runInTransaction(script, after)),
  };
  return {
    kind: "pglite",
    prisma,
    sql,
    owner,
    transaction: (fn, prologue) =>
      db.transaction(async (tx) => {
        if (prologue) await tx.exec(prologue);
        return fn({
          query: async <T,>(text: string | Statement, params: unknown[] = []) => (await tx.query<T>(statementText(text), params)).rows,
          execute: async (text: string | Statement, params: unknown[] = []) => (await tx.query(statementText(text), params)).affectedRows ?? 0,
        });
      }),
    pglite: db,
    async close() {
      await prisma.$disconnect();
      if (!db.closed) await db.close();
    },
  };
}

// adapter-pg 6.19 cannot read the Postgres `name` (19) and `"char"` (18) types
// (prisma/orm#27403); read them as text. This pool is ours, so the override is local.
const textParser = (v: string) => v;
const typeOverrides = new pg.TypeOverrides();
typeOverrides.setTypeParser(19, textParser);
typeOverrides.setTypeParser(18, textParser);

/** A `pg` query: named (prepared once per connection) for a `Statement`. */
function pgQuery(sql: string | Statement, values: unknown[]): pg.QueryConfig {
  return typeof sql === "string" ? { text: sql, values } : { name: sql.name, text: sql.text, values };
}

async function connectPostgres(url: string, poolSize: number, ownerUrl: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types: typeOverrides, options: `-c role=${APP_ROLE}` });
  pool.on("error", () => {}); // idle client errors surface on the next query instead
  // The owner's pool opens its connections only when a migration runs.
  const ownerPool = new pg.Pool({ connectionString: ownerUrl, max: 2, types: typeOverrides });
  ownerPool.on("error", () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: "postgres",
    prisma,
    sql: poolRunner(pool),
    owner: poolRunner(ownerPool),
    transaction: poolTransaction(pool),
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => {});
      await ownerPool.end().catch(() => {});
    },
  };
}

function poolRunner(pool: pg.Pool): ScriptRunner {
  return {
    async query<T>(text: string | Statement, params: unknown[] = []) {
      return (await pool.query(pgQuery(text, params))).rows as T[];
    },
    async execute(text: string | Statement, params: unknown[] = []) {
      return (await pool.query(pgQuery(text, params))).rowCount ?? 0;
    },
    async exec(script) {
      await pool.query(script);
    },
    async runInTransaction(script, after) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        await client.query(script);
        await client.query(after.sql, after.params);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
  };
}

/** `Database.transaction` on one connection of `pool`. */
function poolTransaction(pool: pg.Pool): Database["transaction"] {
  return async (fn, prologue) => {
    const client = await pool.connect();
    try {
      // One simple-protocol query: BEGIN and the prologue in one round trip.
      await client.query(prologue ? `BEGIN; ${prologue}` : "BEGIN");
      const result = await fn({
        query: async <T,>(text: string | Statement, params: unknown[] = []) => (await client.query(pgQuery(text, params))).rows as T[],
        execute: async (text: string | Statement, params: unknown[] = []) => (await client.query(pgQuery(text, params))).rowCount ?? 0,
      });
      await client.query("COMMIT");
      return result;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  };
}
