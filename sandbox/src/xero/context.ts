import type { IdempotencyStore } from "./idempotency.ts";
import type { IdentityService } from "./identity.ts";
import type { RateLimiter, RateLimits } from "./limits.ts";
import type { XeroSpec } from "./spec.ts";
import { createOrg, type Org, type OrgSeed } from "./state.ts";
import type { SpecViolation, XeroFaults, XeroStandIn } from "./types.ts";

/**
 * One running Xero stand-in: its organisations, identity (apps, grants, connections), limits,
 * idempotency keys, recorded violations and the settings tests change while it runs. Every part
 * of the stand-in (the API calls, the token endpoint, controls, the HTTP router) works on this
 * object, so two stand-ins in one process share nothing.
 */
export interface XeroContext {
  readonly log: (line: string) => void;
  readonly spec: XeroSpec;
  /** Public base of the plain-HTTP listener (the consent page's address in discovery). */
  publicUrl: string;
  /** The stand-in's clock (ms): the real one moved forward by `clockOffset`. */
  readonly clock: () => number;
  clockOffset: number;
  readonly orgs: Map<string, Org>;
  /** The organisations made at start and again on reset. */
  readonly seeds: OrgSeed[];
  readonly identity: IdentityService;
  readonly limiter: RateLimiter;
  /** Delay before each Accounting call is processed. */
  latencyMs: number;
  readonly idempotency: IdempotencyStore;
  /** Answers that break the yaml become 500s. */
  readonly strict: boolean;
  readonly requestViolations: SpecViolation[];
  readonly responseViolations: SpecViolation[];
  readonly callCounts: Map<string, number>;
  faults: XeroFaults;
  readonly faultCounts: XeroStandIn["faultCounts"];
}

export function addOrganisation(ctx: XeroContext, seed: OrgSeed): Org {
  const org = createOrg(seed, ctx.clock());
  ctx.orgs.set(org.tenantId, org);
  return org;
}

/** Forgets everything (organisations reseeded, grants, limits, keys, faults, violations, counts, the clock's offset). */
export function resetStandIn(ctx: XeroContext): void {
  ctx.orgs.clear();
  for (const s of ctx.seeds) addOrganisation(ctx, s);
  ctx.identity.reset();
  ctx.limiter.reset();
  ctx.idempotency.clear();
  ctx.faults = {};
  ctx.requestViolations.length = 0;
  ctx.responseViolations.length = 0;
  ctx.callCounts.clear();
  ctx.clockOffset = 0;
}

/** Changes the rate limits (and the delay before each Accounting call). */
export function setLimits(ctx: XeroContext, l: Partial<RateLimits> & { latencyMs?: number }): void {
  if (l.latencyMs !== undefined) ctx.latencyMs = l.latencyMs;
  const { latencyMs: _l, ...rest } = l;
  ctx.limiter.limits = { ...ctx.limiter.limits, ...rest };
}
