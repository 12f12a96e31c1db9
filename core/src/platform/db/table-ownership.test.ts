import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SHARED_WRITES, TABLE_OWNERS, tablesByOwner, type Table, type WriteKind } from "./table-owners.ts";

/**
 * Each table is written only by its owning module (table-owners.ts): this scans the code of
 * core/src (tests and test helpers aside) for raw SQL writes (`INSERT INTO t`, `UPDATE t`,
 * `DELETE FROM t`) and Prisma model writes (`.model.create/update/upsert/delete…(`), and
 * fails on a write by another module that `SHARED_WRITES` does not allow.
 */

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const src = path.join(root, "core/src");

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

const isTestCode = (rel: string) => /\.test\.ts$/.test(rel) || /(^|\/)testing(\/|\.ts$)/.test(rel) || rel.startsWith("e2e/");
const codeFiles = walk(src)
  .map((f) => path.relative(src, f).split(path.sep).join("/"))
  .filter((rel) => rel.endsWith(".ts") && !isTestCode(rel));

/** Modules are the owners' folders, and otherwise a file's top folder under core/src. */
const moduleFolders = [...new Set(Object.values(TABLE_OWNERS))].filter((m) => m !== "shopify-app").sort((a, b) => b.length - a.length);
function moduleOf(rel: string): string {
  return moduleFolders.find((m) => rel.startsWith(`${m}/`)) ?? rel.split("/")[0]!.replace(/\.ts$/, "");
}

/** Code without its comments (line comments, one-line block comments, SQL `--` comments, JSDoc lines). */
function withoutComments(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      const t = line.trim();
      if (t.startsWith("//") || t.startsWith("/*") || t.startsWith("*")) return "";
      return line.replace(/\/\*.*?\*\//g, "").replace(/(^|\s)(\/\/|--)\s.*$/, "");
    })
    .join("\n");
}

/** Prisma's client property of each model, from the schema (`model Foo { … @@map("foo") }`). */
function prismaModels(): Map<string, string> {
  const out = new Map<string, string>();
  const dir = path.join(root, "prisma/schema");
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".prisma"))) {
    const text = readFileSync(path.join(dir, f), "utf8");
    for (const m of text.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
      const table = /@@map\("([^"]+)"\)/.exec(m[2]!)?.[1] ?? m[1]!;
      out.set(m[1]![0]!.toLowerCase() + m[1]!.slice(1), table);
    }
  }
  return out;
}

/** The tables the migrations create. */
function migrationTables(): string[] {
  const dir = path.join(root, "prisma/migrations");
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, "migration.sql")))
    .flatMap((e) => [...readFileSync(path.join(dir, e.name, "migration.sql"), "utf8").matchAll(/CREATE TABLE (?:IF NOT EXISTS )?"?(\w+)"?/g)].map((m) => m[1]!));
}

interface Write {
  file: string;
  module: string;
  table: string;
  kind: WriteKind;
  text: string;
}

const SQL_WRITE = /(?<!(?:FOR|DO)\s+)\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z_]\w*)"?/g;
const PRISMA_WRITE = /\.(\w+)\.(createManyAndReturn|createMany|create|updateManyAndReturn|updateMany|update|upsert|deleteMany|delete)\s*\(/g;

function scan(models: Map<string, string>): Write[] {
  const writes: Write[] = [];
  for (const file of codeFiles) {
    const code = withoutComments(readFileSync(path.join(src, file), "utf8"));
    const module = moduleOf(file);
    for (const m of code.matchAll(SQL_WRITE)) {
      const table = m[2]!;
      if (!(table in TABLE_OWNERS)) continue;
      const kind: WriteKind = m[1]!.startsWith("INSERT") ? "insert" : m[1]!.startsWith("UPDATE") ? "update" : "delete";
      writes.push({ file, module, table, kind, text: m[0] });
    }
    for (const m of code.matchAll(PRISMA_WRITE)) {
      const table = models.get(m[1]!);
      if (!table) continue;
      const op = m[2]!;
      const kinds: WriteKind[] = op === "upsert" ? ["insert", "update"] : op.startsWith("create") ? ["insert"] : op.startsWith("update") ? ["update"] : ["delete"];
      for (const kind of kinds) writes.push({ file, module, table, kind, text: m[0] });
    }
  }
  return writes;
}

const allowedBy = (w: Write) =>
  SHARED_WRITES.find((s) => (s.writer === "*" || s.writer === w.module) && (s.tables as readonly string[]).includes(w.table) && (!s.kinds || s.kinds.includes(w.kind)));

describe("table ownership", () => {
  const models = prismaModels();
  const writes = scan(models);

  it("gives every table of the schema and the migrations an owner, and names no table that does not exist", () => {
    const tables = new Set([...models.values(), ...migrationTables(), "schema_migrations"]);
    expect([...tables].filter((t) => !(t in TABLE_OWNERS)), "tables without an owner in table-owners.ts").toEqual([]);
    expect(Object.keys(TABLE_OWNERS).filter((t) => !tables.has(t)), "owners of tables that do not exist").toEqual([]);
  });

  it("finds the writes it checks (the scan itself works)", () => {
    expect(writes.some((w) => w.file === "jobs/queue.ts" && w.table === "job" && w.kind === "insert")).toBe(true);
    expect(writes.some((w) => w.file.startsWith("catalog/") && w.table === "variant" && w.kind === "update")).toBe(true);
    expect(writes.some((w) => w.table === "buyer_member" && w.kind === "insert")).toBe(true);
    expect(writes.some((w) => w.file === "jobs/db-worker.ts" && w.kind === "update" && w.table !== "job")).toBe(false);
  });

  it("lets only a table's owner write it, apart from the listed shared writes", () => {
    const foreign = writes.filter((w) => TABLE_OWNERS[w.table as Table] !== w.module && !allowedBy(w));
    expect(
      foreign.map((w) => `${w.file}: ${w.module} writes ${w.table} (${w.kind}, "${w.text}"), owned by ${TABLE_OWNERS[w.table as Table]}`),
      "move the write into a function of the owning module, or (rarely) list it in SHARED_WRITES with its reason",
    ).toEqual([]);
  });

  it("lists only shared writes that happen, each with its reason", () => {
    const foreign = writes.filter((w) => TABLE_OWNERS[w.table as Table] !== w.module);
    for (const s of SHARED_WRITES) {
      expect(s.reason.length, `${s.writer}: a reason`).toBeGreaterThan(20);
      for (const t of s.tables) {
        expect(
          foreign.some((w) => (s.writer === "*" || w.module === s.writer) && w.table === t && (!s.kinds || s.kinds.includes(w.kind))),
          `SHARED_WRITES: ${s.writer} no longer writes ${t}; remove it`,
        ).toBe(true);
      }
    }
  });

  it("matches the README's table of modules and the tables they own", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### Modules and the tables they own"), readme.indexOf("### Adding a module"));
    const shown = new Map<string, string[]>();
    for (const line of section.split("\n").filter((l) => l.startsWith("| `"))) {
      const [moduleCell, ownsCell] = line.split("|").slice(1, 3);
      const module = /`([^`]+)`/.exec(moduleCell!)![1]!;
      shown.set(module, [...ownsCell!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).filter((t) => t in TABLE_OWNERS));
    }
    const expected = Object.fromEntries([...tablesByOwner()].map(([owner, tables]) => [owner, [...tables].sort()]));
    const actual = Object.fromEntries([...shown].filter(([, tables]) => tables.length).map(([owner, tables]) => [owner, [...tables].sort()]));
    expect(actual).toEqual(expected);
  });
});
