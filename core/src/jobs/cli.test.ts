import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { connectDatabase } from "../platform/db/connect.ts";
import { migrate } from "../platform/db/migrate.ts";
import { recordDeadLetter } from "./dead-letters.ts";

const cli = fileURLToPath(new URL("./cli.ts", import.meta.url));
const run = (dataDir: string, ...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", cli, ...args], {
    encoding: "utf8",
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", LOG_LEVEL: "silent" },
  });

/** `npm run jobs -- …` on the embedded database (no server running). */
describe("jobs CLI", () => {
  it("lists dead-lettered jobs, replays one, and mints operator tokens", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "giftloop-cli-"));
    const db = await connectDatabase({ dataDir: path.join(dataDir, "pglite") });
    await migrate(db.sql);
    const [job] = await db.sql.query<{ id: string }>(
      `INSERT INTO job (id, type, payload, idempotency_key, max_attempts, status)
       VALUES (gen_random_uuid(), 'demo.fails', '{}'::jsonb, 'cli-1', 3, 'running') RETURNING id::text AS id`,
    );
    await recordDeadLetter(db.prisma, {
      jobId: job!.id, type: "demo.fails", payload: {}, idempotencyKey: "cli-1", attempts: 3, lastError: "Error: boom", source: "db",
    });
    const [dead] = await db.sql.query<{ id: string }>("SELECT id::text AS id FROM dead_letter");
    await db.close();

    const list = run(dataDir, "list-dead");
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toContain(dead!.id);
    expect(list.stdout).toContain("Error: boom");

    const replay = run(dataDir, "replay", dead!.id);
    expect(replay.status, replay.stderr).toBe(0);
    expect(replay.stdout).toContain(`job ${job!.id} is queued again`);
    const again = run(dataDir, "replay", dead!.id);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("already replayed");
    expect(run(dataDir, "list-dead").stdout).toContain("No dead-lettered jobs.");

    const token = run(dataDir, "token", "--sub", "ops");
    expect(token.status, token.stderr).toBe(0);
    expect(token.stdout.trim().split(".")).toHaveLength(3);
    expect(run(dataDir, "frobnicate").status).toBe(1);
  }, 60_000);
});
