import type { PrismaClient } from "@prisma/client";
import { statement, TENANT_ROLE, type Database, type SqlTx } from "./connect.ts";
import type { ScriptRunner } from "./migrate.ts";

/**
 * A brand's view of the database: a Prisma client bound to one vendor, so that a query on a
 * brand-owned table cannot leave the brand out. Every read, update, delete and count on
 * these models gets the vendor added to its `where` (the models that belong to a brand
 * through a parent, such as an offer's items, through that parent), and every create gets
 * the vendor's id. A query written without the tenant still sees only this brand's rows:
 * another brand's id is simply not found. Use cases get it as `ctx.db` (platform/use-case.ts).
 * Raw SQL (`db.sql`, `db.transaction`) is not rewritten: it runs in transactions bound to the
 * brand (as `TENANT_ROLE`, connect.ts), where PostgreSQL's row-level security shows it only
 * the brand's rows and refuses a write of another brand's (see the migration
 * 20261207160000_row_level_security).
 */
type Scope = { via?: undefined } | { via: string };

/** Brand-owned models, and how a row belongs to its brand. */
export const VENDOR_SCOPED_MODELS: Record<string, Scope> = {
  Product: {},
  Variant: {},
  CatalogSync: {},
  GiftOffer: {},
  GiftOfferItem: { via: "offer" },
  Storefront: {},
  StorefrontOffer: { via: "storefront" },
  ShippingRule: {},
  FulfillmentUnit: {},
  VendorPayoutSettings: {},
  Payout: {},
  PayoutAdjustment: {},
};

const UNIQUE_WHERE = new Set(["findUnique", "findUniqueOrThrow", "update", "delete", "upsert"]);
const FILTERED = new Set([
  ...UNIQUE_WHERE,
  "findFirst",
  "findFirstOrThrow",
  "findMany",
  "count",
  "aggregate",
  "groupBy",
  "updateMany",
  "updateManyAndReturn",
  "deleteMany",
]);

type Args = { where?: Record<string, unknown>; data?: unknown; create?: Record<string, unknown> };

function scopeArgs(scope: Scope, operation: string, args: Args, vendorId: string): Args {
  const filter: Record<string, unknown> = scope.via ? { [scope.via]: { is: { vendorId } } } : { vendorId };
  const out: Args = { ...args };
  if (FILTERED.has(operation)) {
    // A unique lookup keeps its unique fields at the top of `where` (Prisma requires them
    // there) and gains the tenant beside them; other filters are AND-ed.
    out.where = UNIQUE_WHERE.has(operation) ? { ...args.where, AND: [...asArray(args.where?.AND), filter] } : { AND: [args.where ?? {}, filter] };
  }
  if (!scope.via) {
    const stamp = (d: unknown) => {
      const row = d as Record<string, unknown>;
      if (row.vendorId !== undefined && row.vendorId !== vendorId) throw new Error("a brand-scoped create names another brand");
      if ("vendor" in row) {
        if ((row.vendor as { connect?: { id?: unknown } } | undefined)?.connect?.id !== vendorId) throw new Error("a brand-scoped create names another brand");
        return row;
      }
      return { ...row, vendorId };
    };
    if (operation === "create") out.data = stamp(args.data);
    if (operation === "createMany" || operation === "createManyAndReturn") out.data = Array.isArray(args.data) ? args.data.map(stamp) : stamp(args.data);
    if (operation === "upsert") out.create = stamp(args.create) as Record<string, unknown>;
  }
  return out;
}

const asArray = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** `prisma` seen as `vendorId`: see above. */
export function vendorScopedPrisma(prisma: PrismaClient, vendorId: string): PrismaClient {
  return prisma.$extends({
    name: "vendor-scope",
    query: {
      $allModels: {
        $allOperations({ model, operation, args, query }) {
          const scope = VENDOR_SCOPED_MODELS[model];
          return query(scope ? (scopeArgs(scope, operation, args as Args, vendorId) as typeof args) : args);
        },
      },
    },
  }) as unknown as PrismaClient;
}

/** Binds the current transaction to one tenant: it acts as TENANT_ROLE, which row-level security shows that tenant's rows only. */
const BIND_TENANT = statement(
  `SELECT set_config('role', '${TENANT_ROLE}', true), set_config('giftloop.tenant', $1, true), set_config('giftloop.tenant_id', $2, true)`,
);

export type TenantKind = "vendor" | "buyer";

/** `db.transaction`, with each transaction bound to the tenant first. */
export function tenantTransaction(db: Database, kind: TenantKind, id: string): Database["transaction"] {
  return (fn) =>
    db.transaction(async (tx: SqlTx) => {
      await tx.query(BIND_TENANT, [kind, id]);
      return fn(tx);
    });
}

/** Raw SQL bound to the tenant: each statement in a transaction of its own, bound first. */
function tenantSql(transaction: Database["transaction"]): ScriptRunner {
  const refuse = () => Promise.reject(new Error("scripts run as the owner (db.owner), never for a tenant"));
  return {
    query: (text, params) => transaction((tx) => tx.query(text, params)),
    execute: (text, params) => transaction((tx) => tx.execute(text, params)),
    exec: refuse,
    runInTransaction: refuse,
  };
}

/** The database as one brand sees it: Prisma filtered to it, raw SQL bound to it (see above). */
export function vendorScopedDatabase(db: Database, vendorId: string): Database {
  const transaction = tenantTransaction(db, "vendor", vendorId);
  return { ...db, prisma: vendorScopedPrisma(db.prisma, vendorId), transaction, sql: tenantSql(transaction) };
}
