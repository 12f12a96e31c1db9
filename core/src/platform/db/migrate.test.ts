import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { adminQuery, stack, withDatabase } from "../../testing/db.ts";
import { connectDatabase, type Database } from "./connect.ts";
import { migrate, MigrationError, readMigrations } from "./migrate.ts";

/** Both database targets the product supports: PGlite always, PostgreSQL under test:stack. */
const targets: Array<[string, () => Promise<Database>]> = [
  ["pglite", () => connectDatabase({ memory: true })],
  ...(stack.postgres
    ? ([
        [
          "postgres",
          async () => {
            const admin = process.env.TEST_PG_ADMIN_URL!;
            const name = `gl_mig_${Math.random().toString(36).slice(2, 10)}`;
            await adminQuery(admin, `CREATE DATABASE ${name}`);
            const db = await connectDatabase({ url: withDatabase(admin, name) });
            return {
              ...db,
              close: async () => {
                await db.close();
                await adminQuery(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
              },
            };
          },
        ],
      ] as Array<[string, () => Promise<Database>]>)
    : []),
];

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "giftloop-migrations-"));
  for (const [name, sql] of Object.entries(files)) {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

const tables = async (db: Database) =>
  (
    await db.owner.query<{ t: string }>(
      "SELECT table_name::text AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    )
  ).map((r) => r.t);

describe.each(targets)("migrations on %s", (_name, open) => {
  it("applies the product's migrations once", async () => {
    const db = await open();
    try {
      const all = await readMigrations();
      expect(await migrate(db.owner)).toEqual(all.map((m) => m.name));
      expect(await migrate(db.owner)).toEqual([]);
      expect(await tables(db)).toEqual(expect.arrayContaining(["Session", "vendor", "job", "dead_letter", "secret"]));
    } finally {
      await db.close();
    }
  });

  it("fails loudly on a broken migration and leaves nothing of it behind", async () => {
    const dir = migrationsDir({
      "20260101000000_good": "CREATE TABLE good (id int PRIMARY KEY);",
      "20260102000000_broken":
        "CREATE TABLE half (id int);\nINSERT INTO good VALUES (1);\nINSERT INTO no_such_table VALUES (1);",
      "20260103000000_after": "CREATE TABLE after_broken (id int);",
    });
    const db = await open();
    try {
      const err = await migrate(db.owner, { dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MigrationError);
      expect((err as MigrationError).migration).toBe("20260102000000_broken");
      expect((err as Error).message).toMatch(/20260102000000_broken.*no_such_table/s);
      const t = await tables(db);
      expect(t).toContain("good");
      expect(t).not.toContain("half");
      expect(t).not.toContain("after_broken");
      expect(await db.owner.query("SELECT * FROM good")).toEqual([]);
      const applied = await db.owner.query<{ name: string }>("SELECT name FROM schema_migrations");
      expect(applied.map((r) => r.name)).toEqual(["20260101000000_good"]);
    } finally {
      await db.close();
    }
  });

  it("runs scripts whose semicolons sit in strings, comments and function bodies", async () => {
    const dir = migrationsDir({
      "20260101000000_tricky": `
        -- a comment; with a semicolon
        CREATE TABLE notes (body text);
        INSERT INTO notes VALUES ('one; two');
        CREATE FUNCTION shout(t text) RETURNS text AS $$ BEGIN RETURN upper(t) || '!'; END; $$ LANGUAGE plpgsql;
      `,
    });
    const db = await open();
    try {
      await migrate(db.owner, { dir });
      expect(await db.owner.query("SELECT shout(body) AS s FROM notes")).toEqual([{ s: "ONE; TWO!" }]);
    } finally {
      await db.close();
    }
  });

  it("refuses to continue when an applied migration was edited", async () => {
    const dir = migrationsDir({ "20260101000000_a": "CREATE TABLE a (id int);" });
    const db = await open();
    try {
      await migrate(db.owner, { dir });
      writeFileSync(path.join(dir, "20260101000000_a", "migration.sql"), "CREATE TABLE a (id bigint);");
      await expect(migrate(db.owner, { dir })).rejects.toThrow(/20260101000000_a.*changed/);
    } finally {
      await db.close();
    }
  });
});
