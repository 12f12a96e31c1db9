import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedVendor, type Seeded } from "../../testing/seed.ts";
import { testDeps, type TestDeps } from "../../testing/deps.ts";
import { buyer, paidUnits } from "../../fulfillment/push/testing.ts";
import { APP_ROLE, TENANT_ROLE, type SqlTx } from "./connect.ts";
import { buyerScopedDatabase, crossTenantTransaction, tenantTransaction, vendorScopedDatabase } from "./tenant-scope.ts";

/**
 * PostgreSQL's row-level security, the second wall around a tenant's rows (the first being
 * the brand-bound Prisma client, tenant-scope.test.ts): the app acts as roles that own no
 * table; a transaction bound to one tenant sees and writes only that tenant's rows whatever
 * its SQL forgets; the tenant role without a tenant sees none. On PGlite and, under
 * test:stack, PostgreSQL.
 */
let deps: TestDeps;
let a: Seeded;
let b: Seeded;
let theirOrderId: string;
let theirBuyerOrgId: string;

/** Every table with a tenant column, and the column. */
const TENANT_TABLES: Record<string, string> = {
  vendor: "id",
  product: "vendor_id",
  variant: "vendor_id",
  catalog_sync: "vendor_id",
  gift_offer: "vendor_id",
  storefront: "vendor_id",
  shipping_rule: "vendor_id",
  fulfillment_unit: "vendor_id",
  vendor_payout_settings: "vendor_id",
  payout: "vendor_id",
  payout_adjustment: "vendor_id",
  buyer_org: "id",
  buyer_member: "buyer_org_id",
  buyer_api_key: "buyer_org_id",
  gift_order: "buyer_org_id",
};
/** Tables whose tenant column is optional: platform rows that may mention a brand (audit entries, a brand's key). */
const PLATFORM_TABLES_NAMING_A_TENANT = new Set(["audit_log", "secret"]);

beforeAll(async () => {
  deps = await testDeps();
  a = await seedVendor(deps.db, { slug: "rls-a", shop: "rls-a.myshopify.com" });
  b = await seedVendor(deps.db, { slug: "rls-b", shop: "rls-b.myshopify.com" });
  const theirBuyer = await buyer(deps);
  theirBuyerOrgId = theirBuyer.buyerOrgId;
  const [unitId] = await paidUnits(deps, theirBuyer, b, b.mugOfferId, 2, "rls");
  theirOrderId = (await deps.db.prisma.fulfillmentUnit.findUniqueOrThrow({ where: { id: unitId! } })).orderId;
}, 120_000);
afterAll(async () => deps?.close());

const asVendor = <T,>(vendorId: string, fn: (tx: SqlTx) => Promise<T>) => tenantTransaction(deps.db, "vendor", vendorId)(fn);
const count = async (tx: SqlTx, sql: string, params: unknown[] = []) => (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]!.n;

describe("row-level security", () => {
  it("the app acts as roles that own no table, with every tenant-owned table under a policy for each", async () => {
    const [who] = await deps.db.sql.query<{ user: string }>(`SELECT current_user AS "user"`);
    expect(who!.user).toBe(APP_ROLE);
    const tables = await deps.db.owner.query<{ table: string; owner: string; rls: boolean; policies: number }>(
      `SELECT c.relname AS table, pg_get_userbyid(c.relowner) AS owner, c.relrowsecurity AS rls,
              (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r'`,
    );
    expect(tables.filter((t) => t.owner === APP_ROLE || t.owner === TENANT_ROLE)).toEqual([]);
    for (const name of Object.keys(TENANT_TABLES)) expect(tables.find((t) => t.table === name), name).toMatchObject({ rls: true });
    const roles = await deps.db.owner.query<{ table: string; roles: string[] }>(
      `SELECT tablename AS table, array_agg(DISTINCT r::text ORDER BY r::text) AS roles FROM pg_policies, unnest(roles) AS r WHERE schemaname = 'public' GROUP BY tablename`,
    );
    for (const name of Object.keys(TENANT_TABLES)) expect(roles.find((r) => r.table === name)?.roles, name).toEqual([APP_ROLE, TENANT_ROLE]);
    // A new table with a tenant column is caught here until it gets a policy (and a line above).
    const withTenantColumn = await deps.db.owner.query<{ table: string }>(
      `SELECT DISTINCT table_name AS table FROM information_schema.columns
       WHERE table_schema = 'public' AND column_name IN ('vendor_id', 'buyer_org_id')`,
    );
    const unguarded = withTenantColumn.map((t) => t.table).filter((t) => !(t in TENANT_TABLES) && !PLATFORM_TABLES_NAMING_A_TENANT.has(t));
    expect(unguarded).toEqual([]);
  });

  it("the tenant role without a tenant sees no tenant's rows, and cannot write one", async () => {
    const asNobody = (tx: SqlTx) => tx.query(`SELECT set_config('role', '${TENANT_ROLE}', true)`);
    await deps.db.transaction(async (tx) => {
      await asNobody(tx);
      for (const table of Object.keys(TENANT_TABLES)) expect(await count(tx, table), table).toBe(0);
    });
    const refused = await deps.db
      .transaction(async (tx) => {
        await asNobody(tx);
        await tx.execute(`INSERT INTO shipping_rule (id, vendor_id, country, rate_amount, currency) VALUES (gen_random_uuid(), $1, 'FR', 900, 'USD')`, [a.vendorId]);
      })
      .catch((err: unknown) => err as { code?: string });
    expect(refused).toMatchObject({ code: "42501" }); // insufficient_privilege: new row violates row-level security policy
  });

  it("a transaction bound to a brand sees only that brand's rows when its SQL forgets the brand", async () => {
    const all = await deps.db.sql.query<{ n: number }>("SELECT count(DISTINCT vendor_id)::int AS n FROM product");
    expect(all[0]!.n).toBeGreaterThanOrEqual(2); // the process handle crosses tenants, as jobs and operators do
    await asVendor(a.vendorId, async (tx) => {
      expect(await tx.query("SELECT DISTINCT vendor_id::text AS v FROM product")).toEqual([{ v: a.vendorId }]);
      expect(await tx.query("SELECT id FROM gift_offer WHERE id = $1", [b.mugOfferId])).toEqual([]);
      expect(await tx.query("SELECT id FROM vendor WHERE id = $1", [b.vendorId])).toEqual([]);
      expect(await count(tx, "fulfillment_unit")).toBe(0); // brand a has sold nothing
      // It reads none of the orders, buyers or keys of buyers it has no gift with.
      expect(await count(tx, "gift_order")).toBe(0);
      expect(await count(tx, "buyer_org")).toBe(0);
      expect(await count(tx, "buyer_api_key")).toBe(0);
    });
    await asVendor(b.vendorId, async (tx) => {
      // Brand b reads the order that holds its gifts and its buyer (the brand's order view), not the buyer's keys.
      expect(await tx.query("SELECT id::text AS id FROM gift_order")).toEqual([{ id: theirOrderId }]);
      expect(await tx.query("SELECT id::text AS id FROM buyer_org")).toEqual([{ id: theirBuyerOrgId }]);
      expect(await count(tx, "buyer_api_key")).toBe(0);
      expect(await count(tx, "fulfillment_unit")).toBe(2);
    });
  });

  it("a transaction bound to a brand changes only that brand's rows, and cannot write another's", async () => {
    const theirs = await deps.db.sql.query<{ name: string }>("SELECT name FROM gift_offer WHERE vendor_id = $1 ORDER BY id", [b.vendorId]);
    const changed = await asVendor(a.vendorId, (tx) => tx.execute("UPDATE gift_offer SET name = name || ' (a)'"));
    expect(changed).toBe(await deps.db.prisma.giftOffer.count({ where: { vendorId: a.vendorId } }));
    expect(await deps.db.sql.query("SELECT name FROM gift_offer WHERE vendor_id = $1 ORDER BY id", [b.vendorId])).toEqual(theirs);
    expect(await asVendor(a.vendorId, (tx) => tx.execute("DELETE FROM shipping_rule WHERE vendor_id = $1", [b.vendorId]))).toBe(0);
    expect(await deps.db.prisma.shippingRule.count({ where: { vendorId: b.vendorId } })).toBeGreaterThan(0);
    // Moving a row to another brand, or writing one for it, is refused and leaves nothing.
    const moved = await asVendor(a.vendorId, (tx) => tx.execute("UPDATE shipping_rule SET vendor_id = $1", [b.vendorId])).catch((err: unknown) => err as { code?: string });
    expect(moved).toMatchObject({ code: "42501" });
    const inserted = await asVendor(a.vendorId, (tx) =>
      tx.execute(`INSERT INTO shipping_rule (id, vendor_id, country, rate_amount, currency) VALUES (gen_random_uuid(), $1, 'FR', 900, 'USD')`, [b.vendorId]),
    ).catch((err: unknown) => err as { code?: string });
    expect(inserted).toMatchObject({ code: "42501" });
    expect(await deps.db.prisma.shippingRule.count({ where: { vendorId: b.vendorId, country: "FR" } })).toBe(0);
    // The brand writes its orders' rows through nobody: an order is the buyer's.
    expect(await asVendor(b.vendorId, (tx) => tx.execute("UPDATE gift_order SET buyer_reference = 'x'"))).toBe(0);
  });

  it("a brand's use-case handle binds its raw SQL to the brand", async () => {
    const ctxDb = vendorScopedDatabase(deps.db, a.vendorId);
    expect(await ctxDb.sql.query("SELECT DISTINCT vendor_id::text AS v FROM variant")).toEqual([{ v: a.vendorId }]);
    expect(await ctxDb.sql.query("SELECT id FROM storefront WHERE id = (SELECT id FROM storefront WHERE slug = $1)", [b.storefrontSlug])).toEqual([]);
    expect(await ctxDb.transaction((tx) => tx.query("SELECT current_setting('giftloop.tenant_id') AS t"))).toEqual([{ t: a.vendorId }]);
    await expect(ctxDb.sql.exec("SELECT 1")).rejects.toThrow(/owner/);
    expect(await ctxDb.transaction((tx) => tx.query(`SELECT current_user AS "user"`))).toEqual([{ user: TENANT_ROLE }]);
    // The binding lasts one transaction: the process handle is cross-tenant again after it.
    expect(await deps.db.sql.query(`SELECT current_user AS "user"`)).toEqual([{ user: APP_ROLE }]);
  });

  it("a tenant's Prisma transactions are bound too: raw SQL in them sees only the tenant's rows", async () => {
    const brand = vendorScopedDatabase(deps.db, a.vendorId).prisma;
    const inside = await brand.$transaction(async (tx) => ({
      who: await tx.$queryRawUnsafe<Array<{ user: string }>>(`SELECT current_user::text AS "user"`),
      vendors: await tx.$queryRawUnsafe<Array<{ v: string }>>("SELECT DISTINCT vendor_id::text AS v FROM product"),
      theirs: await tx.$queryRawUnsafe<unknown[]>("SELECT id FROM gift_offer WHERE id = $1::uuid", b.mugOfferId),
      // Its model calls keep the Prisma filter beside the policy.
      offers: await tx.giftOffer.findMany({ select: { vendorId: true } }),
    }));
    expect(inside.who).toEqual([{ user: TENANT_ROLE }]);
    expect(inside.vendors).toEqual([{ v: a.vendorId }]);
    expect(inside.theirs).toEqual([]);
    expect(new Set(inside.offers.map((o) => o.vendorId))).toEqual(new Set([a.vendorId]));
    // A raw write naming another brand is refused, and the transaction leaves nothing.
    const refused = await brand
      .$transaction(async (tx) => tx.$executeRawUnsafe(`INSERT INTO shipping_rule (id, vendor_id, country, rate_amount, currency) VALUES (gen_random_uuid(), $1::uuid, 'NO', 900, 'USD')`, b.vendorId))
      .then(() => "written", (err: unknown) => err);
    expect(refused).toBeInstanceOf(Error); // PostgreSQL: new row violates row-level security policy
    expect(await deps.db.prisma.shippingRule.count({ where: { vendorId: b.vendorId, country: "NO" } })).toBe(0);
    // The batch form is bound the same way, and answers its own queries' results only.
    const [batch] = await brand.$transaction([brand.$queryRawUnsafe<Array<{ n: number }>>("SELECT count(DISTINCT vendor_id)::int AS n FROM variant")]);
    expect(batch).toEqual([{ n: 1 }]);
    // A buyer's client is bound to the buyer; a use case that crosses into brands' rows says so.
    const theirBuyer = buyerScopedDatabase(deps.db, theirBuyerOrgId).prisma;
    expect(await theirBuyer.$transaction((tx) => tx.$queryRawUnsafe("SELECT count(*)::int AS n FROM fulfillment_unit"))).toEqual([{ n: 0 }]);
    expect(await theirBuyer.$transaction((tx) => tx.$queryRawUnsafe("SELECT id::text AS id FROM gift_order"))).toEqual([{ id: theirOrderId }]);
    const crossing = await crossTenantTransaction(theirBuyer, async (tx) => ({
      who: await tx.$queryRawUnsafe<Array<{ user: string }>>(`SELECT current_user::text AS "user"`),
      units: await tx.$queryRawUnsafe<Array<{ n: number }>>("SELECT count(*)::int AS n FROM fulfillment_unit WHERE order_id = $1::uuid", theirOrderId),
      orders: await tx.giftOrder.count(), // the buyer's filter still holds on its own models
    }));
    expect(crossing.who).toEqual([{ user: APP_ROLE }]);
    expect(crossing.units).toEqual([{ n: 2 }]);
    expect(crossing.orders).toBe(1);
  });
});
