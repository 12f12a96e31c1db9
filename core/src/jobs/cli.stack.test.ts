import { describe, expect, it } from "vitest";
import { jobs, tempDir } from "./testing/cli-harness.ts";

/**
 * `npm run jobs` against PostgreSQL databases that cannot serve it (runs in `npm run
 * test:stack`, which provides the server): each case ends in one line naming what is missing.
 */
describe("jobs CLI on PostgreSQL", () => {
  it("on PostgreSQL: names a database that does not exist, and one that is not migrated", async () => {
    const admin = new URL(process.env.TEST_PG_ADMIN_URL!);
    const missing = new URL(admin);
    missing.pathname = "/giftloop_no_such_database";
    const r = await jobs({ DATA_DIR: tempDir("pg"), DATABASE_URL: missing.toString() }, "stats");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^The database in DATABASE_URL \(.*\/giftloop_no_such_database\) does not exist on that server\./);
    const empty = await jobs({ DATA_DIR: tempDir("pg"), DATABASE_URL: admin.toString() }, "stats");
    expect(empty.status).toBe(1);
    expect(empty.stderr).toMatch(/has no Giftloop tables: run `npm run db:migrate` with this DATABASE_URL first/);
  }, 120_000);

});
