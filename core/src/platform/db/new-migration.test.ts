import { spawn } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { connectDatabase } from "./connect.ts";
import { migrate } from "./migrate.ts";

const root = fileURLToPath(new URL("../../../../", import.meta.url));

/**
 * `npm run db:new-migration` on a copy of the project's prisma folder: no database involved.
 * Three runs of the Prisma CLI, each about 8 s on this 2-core box when it is slow, and more
 * while the other test worker is busy: hence the long timeout.
 */
describe("authoring a migration", () => {
  it("writes the SQL for a schema change, and nothing when there is none", async () => {
    const work = mkdtempSync(path.join(tmpdir(), "giftloop-newmig-"));
    cpSync(path.join(root, "prisma"), path.join(work, "prisma"), { recursive: true });
    cpSync(path.join(root, "prisma.config.ts"), path.join(work, "prisma.config.ts"));
    symlinkSync(path.join(root, "node_modules"), path.join(work, "node_modules"));
    const script = path.join(work, "prisma/new-migration.mjs");
    // Not spawnSync: a worker blocked for a minute misses Vitest's own calls (it reported
    // "Timeout calling onTaskUpdate" as an error of the run).
    const run = (name: string) =>
      new Promise<{ status: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [script, name], { cwd: work, env: { ...process.env, DATABASE_URL: "" }, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
        child.once("error", reject);
        child.once("close", (status) => resolve({ status, stderr }));
      });

    const unchanged = await run("nothing");
    expect(unchanged.status).toBe(1);
    expect(unchanged.stderr).toContain("No schema changes");

    appendFileSync(
      path.join(work, "prisma/schema/platform.prisma"),
      '\nmodel Widget {\n  id   String @id\n  size Int    @default(3)\n\n  @@map("widget")\n}\n',
    );
    const made = await run("Add widgets!");
    expect(made.status, made.stderr).toBe(0);
    const dirs = readdirSync(path.join(work, "prisma/migrations")).filter((d) => d.endsWith("_add_widgets"));
    expect(dirs).toHaveLength(1);
    const sql = readFileSync(path.join(work, "prisma/migrations", dirs[0]!, "migration.sql"), "utf8");
    expect(sql).toMatch(/CREATE TABLE "widget"/);
    expect(sql).not.toMatch(/CREATE TABLE "job"/); // only the change, not the whole schema

    expect((await run("again")).status).toBe(1); // snapshot refreshed: nothing left to diff

    const db = await connectDatabase({ memory: true });
    try {
      await migrate(db.owner, { dir: path.join(work, "prisma/migrations") });
      await db.sql.query("INSERT INTO widget (id) VALUES ('w1')");
      expect(await db.sql.query("SELECT size FROM widget")).toEqual([{ size: 3 }]);
    } finally {
      await db.close();
    }
  }, 240_000);
});
