import type { Database } from "../platform/db/connect.ts";
import { buyerScopedDatabase } from "../platform/db/tenant-scope.ts";
import type { Logger } from "../platform/logger.ts";
import type { UseCaseContext } from "../platform/use-case.ts";
import type { BuyerRole } from "./buyer-roles.ts";

/**
 * Who calls for a buyer organisation, resolved at the edge (buyer-auth.ts): an API key (acts
 * for the whole organisation) or a signed-in member of it (limited by the member's role).
 */
export interface BuyerPrincipal {
  buyerOrgId: string;
  apiKeyId: string | null;
  memberId?: string;
  role?: BuyerRole | "api_key";
}

/**
 * What every buyer-side use case takes first: the organisation as tenant, the key or member
 * that asked, and `db` bound to the organisation (db/tenant-scope.ts): Prisma queries on
 * buyer-owned tables (the organisation, its members, keys and orders, and an order's
 * recipients, gifts and refunds) see only its rows, and its raw SQL runs as the tenant role.
 * What a buyer legitimately reads across tenants (a brand's public storefront, the brand's
 * reminder defaults) and the catalog's stock functions take the process's handle
 * (`deps.db`), which says so where it is used.
 */
export type BuyerContext = UseCaseContext<{ kind: "buyer"; buyerOrgId: string }> & { principal: BuyerPrincipal };

/** Who asked, for the audit log and lifecycle transitions. */
export function buyerActor(p: BuyerPrincipal): string {
  return p.memberId ? `buyer_member:${p.memberId}` : `buyer_api_key:${p.apiKeyId}`;
}

/** `actor` names who asks when it is not the principal (a job acting for the organisation). */
export function buyerContext(input: { db: Database; principal: BuyerPrincipal; log: Logger; requestId?: string | undefined; actor?: string }): BuyerContext {
  const { principal } = input;
  return {
    db: buyerScopedDatabase(input.db, principal.buyerOrgId),
    tenant: { kind: "buyer", buyerOrgId: principal.buyerOrgId },
    principal,
    actor: input.actor ?? buyerActor(principal),
    log: input.log,
    requestId: input.requestId,
  };
}
