#!/usr/bin/env node
// Authors a new migration without a database: diffs the schema as of the last migration
// (kept in prisma/migrations/.snapshot) against prisma/schema, writes
// prisma/migrations/<timestamp>_<name>/migration.sql, then refreshes the snapshot.
// Usage: npm run db:new-migration -- <name>
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const name = (process.argv[2] ?? "").toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "");
if (!name) {
  console.error("usage: npm run db:new-migration -- <name>");
  process.exit(2);
}
const snapshot = path.join(root, "prisma/migrations/.snapshot");
const schema = path.join(root, "prisma/schema");
const from = existsSync(snapshot) ? ["--from-schema-datamodel", snapshot] : ["--from-empty"];
const r = spawnSync(
  process.execPath,
  [path.join(root, "prisma/cli.mjs"), "migrate", "diff", ...from, "--to-schema-datamodel", schema, "--script"],
  { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
);
if (r.status !== 0) process.exit(r.status ?? 1);
const sql = r.stdout.trim();
if (!sql || /^-- This is an empty migration\.?$/.test(sql)) {
  console.error("No schema changes since the last migration.");
  process.exit(1);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join(root, "prisma/migrations", `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), `${sql}\n`);
rmSync(snapshot, { recursive: true, force: true });
cpSync(schema, snapshot, { recursive: true });
console.log(`Wrote ${path.relative(root, dir)}/migration.sql; review it, then run npm run db:migrate`);
