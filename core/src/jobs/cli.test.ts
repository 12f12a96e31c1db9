import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { connectDatabase } from "../platform/db/connect.ts";
import { migrate } from "../platform/db/migrate.ts";
import { runTsProcess } from "../testing/processes.ts";
import { recordDeadLetter } from "./dead-letters.ts";
import { jobs, tempDir } from "./testing/cli-harness.ts";

const cli = fileURLToPath(new URL("./cli.ts", import.meta.url));

/** `npm run jobs -- …` on the embedded database (no server running). */
describe("jobs CLI", () => {
  it("says what is missing before it has tables, then lists, replays and counts dead-lettered jobs, and mints operator tokens", async () => {
    const dataDir = tempDir("embedded");
    const env = { DATA_DIR: dataDir };
    // An embedded database that was never migrated (a DATA_DIR that `npm start` never used).
    const fresh = await connectDatabase({ dataDir: path.join(dataDir, "pglite") });
    await fresh.close();
    const unmigrated = await jobs(env, "stats");
    expect(unmigrated).toMatchObject({ status: 1, stdout: "" });
    expect(unmigrated.stderr).toMatch(/^The embedded database in .*pglite has no Giftloop tables: start the app once \(npm start\)/);

    const db = await connectDatabase({ dataDir: path.join(dataDir, "pglite") });
    await migrate(db.owner);
    const [job] = await db.sql.query<{ id: string }>(
      `INSERT INTO job (id, type, payload, idempotency_key, max_attempts, status)
       VALUES (gen_random_uuid(), 'demo.fails', '{}'::jsonb, 'cli-1', 3, 'running') RETURNING id::text AS id`,
    );
    await recordDeadLetter(db.prisma, {
      jobId: job!.id, type: "demo.fails", payload: {}, idempotencyKey: "cli-1", attempts: 3, lastError: "Error: boom", source: "db",
    });
    const [dead] = await db.sql.query<{ id: string }>("SELECT id::text AS id FROM dead_letter");
    await db.close();

    const list = await jobs(env, "list-dead");
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toContain(dead!.id);
    expect(list.stdout).toContain("Error: boom");

    const stats = await jobs(env, "stats", "--json");
    expect(stats.status, stats.stderr).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ byType: [{ type: "demo.fails", total: 1 }] });

    const replay = await jobs(env, "replay", dead!.id);
    expect(replay.status, replay.stderr).toBe(0);
    expect(replay.stdout).toContain(`job ${job!.id} is queued again`);
    const again = await jobs(env, "replay", dead!.id);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("already replayed");
    expect((await jobs(env, "list-dead")).stdout).toContain("No dead-lettered jobs.");

    const token = await jobs(env, "token", "--sub", "ops");
    expect(token.status, token.stderr).toBe(0);
    expect(token.stdout.trim().split(".")).toHaveLength(3);
    expect((await jobs(env, "token", "--ttl", "5")).stderr).toContain("--ttl must be 60..2592000 seconds");
    const unknown = await jobs(env, "frobnicate");
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/^usage: npm run jobs -- /);
  }, 240_000);

  it("run without a database, or with one it cannot use, says what is missing in one line (never a driver's error, never the password)", async () => {
    const none = await jobs({ DATA_DIR: tempDir("empty") }, "stats");
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/^No database: DATABASE_URL is not set and DATA_DIR \(.*\) holds no embedded database\. Set DATABASE_URL/);

    const refused = await jobs({ DATA_DIR: tempDir("pg"), DATABASE_URL: "postgres://giftloop:hunter2@127.0.0.1:1/giftloop" }, "stats");
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim()).toBe(
      "Cannot reach PostgreSQL at postgres://giftloop@127.0.0.1:1/giftloop (DATABASE_URL): ECONNREFUSED. Is the server running, and is DATABASE_URL the right one?",
    );
    for (const r of [none, refused]) {
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).not.toMatch(/hunter2|\n\s+at |errno|routine/);
    }
  }, 120_000);

  it("as a process (npm run jobs), exits with the command's code and prints only its output", async () => {
    const env = { DATA_DIR: tempDir("process"), DATABASE_URL: "", LOG_LEVEL: "silent" };
    const [token, stats] = await Promise.all([runTsProcess(cli, ["token", "--sub", "ops"], env), runTsProcess(cli, ["stats"], env)]);
    expect(token.status, token.output).toBe(0);
    expect(token.output.trim().split(".")).toHaveLength(3);
    expect(stats.status).toBe(1);
    expect(stats.output.trim()).toMatch(/^No database: DATABASE_URL is not set/);
  }, 240_000);
});
