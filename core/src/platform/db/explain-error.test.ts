import { describe, expect, it } from "vitest";
import pg from "pg";
import { APP_ROLE } from "./connect.ts";
import { explainDatabaseError } from "./explain-error.ts";
import { stack } from "../../testing/db.ts";

const where = { url: "postgres://giftloop:s3cret@127.0.0.1:5432/shop" };

describe("explainDatabaseError", () => {
  it("says to migrate when the app's role does not exist yet (a database never migrated by this version)", async () => {
    if (stack.postgres) {
      // What PostgreSQL answers a connection that asks for a role it does not know, as the app's pool does before the first migration.
      const client = new pg.Client({ connectionString: process.env.TEST_PG_ADMIN_URL, options: "-c role=giftloop_absent" });
      const real = await client.connect().then(
        () => null,
        (e: unknown) => e as { code?: string; message?: string },
      );
      await client.end().catch(() => {});
      expect(real).toMatchObject({ code: "22023", message: 'role "giftloop_absent" does not exist' });
    }
    const err = Object.assign(new Error(`role "${APP_ROLE}" does not exist`), { code: "22023" });
    const said = explainDatabaseError(err, where);
    expect(said).toMatch(/has not been migrated for this version .* run `npm run db:migrate` with this DATABASE_URL first/);
    expect(said).not.toContain("s3cret");
  });
});
