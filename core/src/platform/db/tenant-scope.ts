import type { Prisma, PrismaClient } from "@prisma/client";
import { TENANT_ROLE, type Database, type SqlTx } from "./connect.ts";
import type { ScriptRunner } from "./migrate.ts";

/**
 * A tenant's view of the database: a Prisma client bound to one brand or one buyer
 * organisation, so that a query on a table the tenant owns cannot leave the tenant out.
 * Every read, update, delete and count on those models gets the tenant added to its `where`
 * (the models that belong to a tenant through a parent, such as an offer's items or an
 * order's recipients, through that parent), and every create gets the tenant's id. A query
 * written without the tenant still sees only that tenant's rows: another tenant's id is
 * simply not found. Use cases get it as `ctx.db` (platform/use-case.ts,
 * buyers/buyer-context.ts).
 * Raw SQL (`db.sql`, `db.transaction`, and `tx.$queryRaw…` in the client's `$transaction`) is
 * not rewritten: it runs in transactions bound to the tenant (as `TENANT_ROLE`, connect.ts),
 * where PostgreSQL's row-level security shows it only the tenant's rows and refuses a write of
 * another tenant's (see the migration 20261207160000_row_level_security). A use case that
 * legitimately reaches another tenant's rows says so with `crossTenantTransaction`.
 */
type Scope =
  /** The row carries the tenant's id. */
  | { via?: undefined; self?: undefined }
  /** The row belongs to the tenant through this parent relation. */
  | { via: string; self?: undefined }
  /** The row is the tenant itself (its `id`); a tenant never creates itself. */
  | { via?: undefined; self: true };

interface TenantModels {
  kind: TenantKind;
  /** The column that names the tenant (`vendorId`, `buyerOrgId`) and its relation (`vendor`, `buyerOrg`). */
  field: string;
  relation: string;
  models: Record<string, Scope>;
}

/** Brand-owned models, and how a row belongs to its brand (the brand's own row included). */
export const VENDOR_SCOPED_MODELS: Record<string, Scope> = {
  Vendor: { self: true },
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

/**
 * Buyer-owned models: the organisation, its members and keys, its orders and what hangs off
 * an order (recipients, the gifts made of them, refunds). A gift belongs to its brand too:
 * the buyer reaches it only through its own order.
 */
export const BUYER_SCOPED_MODELS: Record<string, Scope> = {
  BuyerOrg: { self: true },
  BuyerMember: {},
  BuyerApiKey: {},
  GiftOrder: {},
  OrderRecipient: { via: "order" },
  FulfillmentUnit: { via: "order" },
  Refund: { via: "order" },
};

const VENDOR: TenantModels = { kind: "vendor", field: "vendorId", relation: "vendor", models: VENDOR_SCOPED_MODELS };
const BUYER: TenantModels = { kind: "buyer", field: "buyerOrgId", relation: "buyerOrg", models: BUYER_SCOPED_MODELS };

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
const CREATES = new Set(["create", "createMany", "createManyAndReturn", "upsert"]);

type Args = { where?: Record<string, unknown>; data?: unknown; create?: Record<string, unknown> };

function scopeArgs(t: TenantModels, scope: Scope, operation: string, args: Args, tenantId: string): Args {
  const filter: Record<string, unknown> = scope.via ? { [scope.via]: { is: { [t.field]: tenantId } } } : { [scope.self ? "id" : t.field]: tenantId };
  const out: Args = { ...args };
  if (FILTERED.has(operation)) {
    // A unique lookup keeps its unique fields at the top of `where` (Prisma requires them
    // there) and gains the tenant beside them; other filters are AND-ed.
    out.where = UNIQUE_WHERE.has(operation) ? { ...args.where, AND: [...asArray(args.where?.AND), filter] } : { AND: [args.where ?? {}, filter] };
  }
  if (scope.self && CREATES.has(operation)) throw new Error(`a ${t.kind}-scoped client cannot create a ${t.kind}`);
  if (!scope.via && !scope.self) {
    const other = () => new Error(`a ${t.kind}-scoped create names another ${t.kind === "vendor" ? "brand" : "buyer"}`);
    const stamp = (d: unknown) => {
      const row = d as Record<string, unknown>;
      if (row[t.field] !== undefined && row[t.field] !== tenantId) throw other();
      if (t.relation in row) {
        if ((row[t.relation] as { connect?: { id?: unknown } } | undefined)?.connect?.id !== tenantId) throw other();
        return row;
      }
      return { ...row, [t.field]: tenantId };
    };
    if (operation === "create") out.data = stamp(args.data);
    if (operation === "createMany" || operation === "createManyAndReturn") out.data = Array.isArray(args.data) ? args.data.map(stamp) : stamp(args.data);
    if (operation === "upsert") out.create = stamp(args.create) as Record<string, unknown>;
  }
  return out;
}

const asArray = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function tenantScopedPrisma(prisma: PrismaClient, t: TenantModels, tenantId: string): PrismaClient {
  return prisma.$extends({
    name: `${t.kind}-scope`,
    query: {
      $allModels: {
        $allOperations({ model, operation, args, query }) {
          const scope = t.models[model];
          return query(scope ? (scopeArgs(t, scope, operation, args as Args, tenantId) as typeof args) : args);
        },
      },
    },
  }) as unknown as PrismaClient;
}

/** `prisma` seen as `vendorId`: see above. */
export function vendorScopedPrisma(prisma: PrismaClient, vendorId: string): PrismaClient {
  return tenantScopedPrisma(prisma, VENDOR, vendorId);
}

/** `prisma` seen as `buyerOrgId`: see above. */
export function buyerScopedPrisma(prisma: PrismaClient, buyerOrgId: string): PrismaClient {
  return tenantScopedPrisma(prisma, BUYER, buyerOrgId);
}

export type TenantKind = "vendor" | "buyer";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Binds a transaction to one tenant: it acts as TENANT_ROLE, which row-level security shows
 * that tenant's rows only. Sent with the transaction's BEGIN (a prologue takes no
 * parameters), so the id must be a UUID and nothing else.
 */
function bindTenant(kind: TenantKind, id: string): string {
  if (!UUID.test(id)) throw new Error(`a ${kind} id must be a UUID`);
  return `SET LOCAL ROLE ${TENANT_ROLE}; SET LOCAL giftloop.tenant = '${kind}'; SET LOCAL giftloop.tenant_id = '${id.toLowerCase()}'`;
}

/** `db.transaction`, with each transaction bound to the tenant first. */
export function tenantTransaction(db: Database, kind: TenantKind, id: string): Database["transaction"] {
  let bind: string | undefined;
  return (fn) => db.transaction((tx: SqlTx) => fn(tx), (bind ??= bindTenant(kind, id)));
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

/** Binds a Prisma transaction to a tenant: its first statement, with the same effect as `bindTenant`'s prologue. */
const BIND_PRISMA_TRANSACTION = "SELECT set_config('role', $1, true), set_config('giftloop.tenant', $2, true), set_config('giftloop.tenant_id', $3, true)";

const UNBOUND_TRANSACTION = Symbol("the tenant client's transaction, not bound to the tenant");

type InteractiveTransaction = <T>(fn: (tx: Prisma.TransactionClient) => Promise<T>, options?: TransactionOptions) => Promise<T>;
type TransactionOptions = { maxWait?: number; timeout?: number; isolationLevel?: Prisma.TransactionIsolationLevel };

/**
 * The tenant's Prisma client with its transactions bound to the tenant: `$transaction` (the
 * interactive form and the batch form) sets TENANT_ROLE and the tenant first, so raw SQL in
 * it (`tx.$queryRaw…`) sees only the tenant's rows, as `db.transaction` does. Its model
 * calls keep the Prisma filter beside the policies.
 */
function bindTransactions(client: PrismaClient, kind: TenantKind, tenantId: string): PrismaClient {
  if (!UUID.test(tenantId)) throw new Error(`a ${kind} id must be a UUID`);
  const id = tenantId.toLowerCase();
  const bound = (arg: unknown, options?: TransactionOptions): Promise<unknown> => {
    if (typeof arg === "function") {
      const fn = arg as (tx: Prisma.TransactionClient) => Promise<unknown>;
      return client.$transaction(async (tx) => {
        await tx.$queryRawUnsafe(BIND_PRISMA_TRANSACTION, TENANT_ROLE, kind, id);
        return fn(tx);
      }, options);
    }
    const batch = arg as Prisma.PrismaPromise<unknown>[];
    return client.$transaction([client.$queryRawUnsafe(BIND_PRISMA_TRANSACTION, TENANT_ROLE, kind, id), ...batch], options).then((r) => r.slice(1));
  };
  const unbound: InteractiveTransaction = (fn, options) => client.$transaction(fn, options);
  return new Proxy(client, {
    get(target, prop) {
      if (prop === "$transaction") return bound;
      if (prop === UNBOUND_TRANSACTION) return unbound;
      const value: unknown = Reflect.get(target, prop);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * An interactive transaction of a tenant's client that acts across tenants (as APP_ROLE),
 * for the use cases whose tenant legitimately reaches another's rows: a buyer's order
 * creates, cancels and redirects gifts that are the brand's rows. The Prisma filter still
 * keeps the tenant's own models to the tenant; its raw SQL names the tenant itself. On a
 * client that is not a tenant's, its plain `$transaction`.
 */
export function crossTenantTransaction<T>(prisma: PrismaClient, fn: (tx: Prisma.TransactionClient) => Promise<T>, options?: TransactionOptions): Promise<T> {
  const unbound = (prisma as unknown as Record<symbol, InteractiveTransaction | undefined>)[UNBOUND_TRANSACTION];
  return unbound ? unbound(fn, options) : prisma.$transaction(fn, options);
}

function scopedDatabase(db: Database, t: TenantModels, tenantId: string): Database {
  const transaction = tenantTransaction(db, t.kind, tenantId);
  return { ...db, prisma: bindTransactions(tenantScopedPrisma(db.prisma, t, tenantId), t.kind, tenantId), transaction, sql: tenantSql(transaction) };
}

/** The database as one brand sees it: Prisma filtered to it, raw SQL bound to it (see above). */
export function vendorScopedDatabase(db: Database, vendorId: string): Database {
  return scopedDatabase(db, VENDOR, vendorId);
}

/** The database as one buyer organisation sees it: Prisma filtered to it, raw SQL bound to it (see above). */
export function buyerScopedDatabase(db: Database, buyerOrgId: string): Database {
  return scopedDatabase(db, BUYER, buyerOrgId);
}
