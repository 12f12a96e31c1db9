import type { Database } from "./db/connect.ts";
import type { Logger } from "./logger.ts";
import type { FieldError } from "./field-error.ts";
import { vendorScopedDatabase } from "./db/tenant-scope.ts";

/**
 * What every use case takes first: the database handle (or the transaction it runs in),
 * whom it acts for (the tenant), who asked (the actor, for the audit log), the logger and
 * the request id. Routes (REST and Remix) build it from the authenticated request; jobs
 * from their payload. Use cases return expected failures as a `Refusal` with a code, and
 * only routes turn a refusal into a problem response (core/src/http/refusals.ts).
 */
export interface UseCaseContext<T extends Tenant = Tenant> {
  db: Database;
  tenant: T;
  /** Who asked: `shopify-user:<id>@<shop>`, `operator:<name>`, `buyer:<member>`, `job:<type>`… */
  actor: string;
  log: Logger;
  requestId?: string | undefined;
}

export type Tenant =
  | { kind: "vendor"; vendorId: string }
  | { kind: "buyer"; buyerOrgId: string }
  | { kind: "recipient"; unitId: string }
  /** Platform staff and jobs that work across tenants say so with this tenant. */
  | { kind: "platform" };

export type VendorContext = UseCaseContext<{ kind: "vendor"; vendorId: string }>;

/**
 * A brand's context (the tenant every brand-side use case takes). Its `db` is bound to the
 * brand (db/tenant-scope.ts): Prisma queries on brand-owned tables see only this brand's rows.
 */
export function vendorContext(input: { db: Database; vendorId: string; actor: string; log: Logger; requestId?: string | undefined }): VendorContext {
  return { db: vendorScopedDatabase(input.db, input.vendorId), tenant: { kind: "vendor", vendorId: input.vendorId }, actor: input.actor, log: input.log, requestId: input.requestId };
}

export type PlatformContext = UseCaseContext<{ kind: "platform" }>;

/**
 * Platform staff's context (finance console, operator API): the database as it is, across
 * every tenant, which this tenant says explicitly.
 */
export function platformContext(input: { db: Database; actor: string; log: Logger; requestId?: string | undefined }): PlatformContext {
  return { db: input.db, tenant: { kind: "platform" }, actor: input.actor, log: input.log, requestId: input.requestId };
}

/** An expected failure: a machine-readable code, a sentence for people, and the fields at fault. */
export interface Refusal<C extends string = string> {
  ok: false;
  code: C;
  detail: string;
  errors?: FieldError[];
  /** Further facts the caller may need (e.g. the current version on a conflict). */
  facts?: Record<string, unknown>;
}

/** A use case's answer: `{ ok: true, ...value }` or a refusal. */
export type Outcome<T extends object = object, C extends string = string> = ({ ok: true } & T) | Refusal<C>;

export function refuse<C extends string>(code: C, detail: string, more: { errors?: FieldError[]; facts?: Record<string, unknown> } = {}): Refusal<C> {
  return { ok: false, code, detail, ...(more.errors ? { errors: more.errors } : {}), ...(more.facts ? { facts: more.facts } : {}) };
}

/**
 * Thrown inside a transaction to roll it back with a refusal, and caught by `refusedIn`
 * around it (a refusal found halfway through a write must undo the first half).
 */
export class RefusedInTransaction extends Error {
  override name = "RefusedInTransaction";
  constructor(readonly refusal: Refusal) {
    super(refusal.detail);
  }
}

/** Runs `write`; a `RefusedInTransaction` thrown inside comes back as its refusal. */
export async function refusedIn<T, C extends string>(write: () => Promise<T>): Promise<T | Refusal<C>> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof RefusedInTransaction) return err.refusal as Refusal<C>;
    throw err;
  }
}
