import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminQuery, testDatabase, type TestDatabase } from "../../testing/db.ts";
import { APP_ROLE, connectDatabase, TENANT_ROLE, type Database } from "./connect.ts";
import { migrate } from "./migrate.ts";
import { tenantTransaction } from "./tenant-scope.ts";

/**
 * The deployment the README recommends (PostgreSQL only): the api and worker log in as a role
 * that is only a member of giftloop_app and giftloop_tenant (NOINHERIT), and migrations use
 * the owner's URL (DATABASE_OWNER_URL). Then no statement the app runs, not even one that
 * drops its role, acts as the owner: row-level security cannot be turned off, tables not
 * dropped, and outside the two roles the login role reads nothing.
 */
let owner: TestDatabase;
let app: Database;
const login = `gl_login_${randomBytes(4).toString("hex")}`;
const password = randomBytes(12).toString("hex");
const admin = process.env.TEST_PG_ADMIN_URL!;

beforeAll(async () => {
  owner = await testDatabase();
  await adminQuery(admin, `CREATE ROLE ${login} LOGIN NOINHERIT PASSWORD '${password}'`);
  await adminQuery(admin, `GRANT ${APP_ROLE}, ${TENANT_ROLE} TO ${login}`);
  const url = new URL(owner.url!);
  url.username = login;
  url.password = password;
  app = await connectDatabase({ url: url.toString(), poolSize: 2, ownerUrl: owner.url! });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await owner?.close();
  await adminQuery(admin, `DROP ROLE IF EXISTS ${login}`);
});

const code = (p: Promise<unknown>) => p.then(() => "ok", (e: { code?: string }) => e.code);

describe("a login role that is only a member of the app's two roles", () => {
  it("acts as giftloop_app, and migrations still run as the owner", async () => {
    expect(await app.sql.query<{ user: string }>(`SELECT current_user AS "user"`)).toEqual([{ user: APP_ROLE }]);
    expect(await migrate(app.owner)).toEqual([]);
    expect(await app.prisma.vendor.count()).toBe(0);
  });

  it("cannot act as the owner, even after dropping its role", async () => {
    const after = <T,>(setRole: string, sql: string) =>
      app.transaction(async (tx) => {
        await tx.query(setRole);
        return tx.query<T>(sql);
      });
    // RESET ROLE goes back to the role the connection started as; SET ROLE NONE to the login role.
    expect(await after<{ user: string }>("RESET ROLE", `SELECT current_user AS "user"`)).toEqual([{ user: APP_ROLE }]);
    const asItself = <T,>(sql: string) => after<T>("SET ROLE NONE", sql);
    expect(await asItself<{ user: string }>(`SELECT current_user AS "user"`)).toEqual([{ user: login }]);
    // 42501: insufficient privilege (not the owner, no grant of its own).
    expect(await code(asItself("ALTER TABLE product DISABLE ROW LEVEL SECURITY"))).toBe("42501");
    expect(await code(asItself("DROP TABLE product"))).toBe("42501");
    expect(await code(asItself("SELECT count(*) FROM product"))).toBe("42501");
    expect(await code(asItself(`SET ROLE ${new URL(admin).username || "postgres"}`))).toBe("42501");
    // A transaction bound to a brand switches to the tenant role from this login too.
    const vendorId = "00000000-0000-4000-8000-000000000001";
    expect(await tenantTransaction(app, "vendor", vendorId)((tx) => tx.query("SELECT id FROM product"))).toEqual([]);
  });
});
