// The Xero stand-in's public shapes: what `startXeroStandIn` takes and returns, its fault
// settings, and the default app and organisations. `server.ts` re-exports all of it; the
// stand-in's parts import it from here.
import type { ClientApp, IdentityService } from "./identity.ts";
import type { RateLimiter, RateLimits } from "./limits.ts";
import type { Org, OrgSeed } from "./state.ts";

/** Fault injection for reliability tests. */
export interface XeroFaults {
  /** Fraction (0..1) of calls that fail with one of `kinds`. */
  rate?: number;
  kinds?: Array<"500" | "503" | "timeout" | "429">;
  /** How long a "timeout" call hangs before its connection is dropped unanswered (default 2000 ms). */
  hangMs?: number;
  /** Only writes (PUT/POST/DELETE) fail (default: every call in scope). */
  writesOnly?: boolean;
  /** The next n writes are executed and committed, then their connection drops unanswered. */
  dropAfterCommit?: number;
  /** Which calls: the Accounting API (default), the token endpoint, or both. */
  scope?: "accounting" | "token" | "all";
  random?: () => number;
}

export interface SpecViolation {
  at: string;
  operationId: string;
  status?: number;
  errors: string[];
}

export interface XeroStandInOptions {
  /** Plain-HTTP port on 127.0.0.1 (0: any free port). */
  port?: number;
  /** HTTPS port on 127.0.0.1 (0: any free port). */
  tlsPort?: number;
  /** Public base of the plain-HTTP listener if not http://127.0.0.1:port (the consent page's address). */
  publicUrl?: string;
  /** Apps allowed to connect (default: one sandbox app, SANDBOX_CLIENT). */
  clients?: ClientApp[];
  /** Organisations (default: DEMO_ORGS). */
  organisations?: OrgSeed[];
  limits?: Partial<RateLimits>;
  /** Delay before each Accounting call is processed (makes the concurrent limit observable). */
  latencyMs?: number;
  /** Answers that break the yaml become 500s (default true). */
  strict?: boolean;
  idempotencyTtlMs?: number;
  refreshGraceMs?: number;
  log?: (line: string) => void;
}

export interface XeroStandIn {
  /** Plain HTTP, e.g. "http://127.0.0.1:43121": consent page, controls. */
  url: string;
  /** HTTPS listener the routing agent connects identity.xero.com / api.xero.com to. */
  tlsUrl: string;
  /** PEM of the CA that signed the TLS certificate (trusted only by the routing agent). */
  caPem: string;
  /** The default app (first of `clients`). */
  client: ClientApp;
  identity: IdentityService;
  organisations(): Org[];
  organisation(tenantId: string): Org;
  /** First organisation whose name contains `name` (case-insensitive). */
  organisationNamed(name: string): Org;
  addOrganisation(seed: OrgSeed): Org;
  /** What the consent form's "Allow" (or "Cancel") does, for tests without a browser: the redirect URL. */
  consent(authorizeUrl: string, opts?: { tenantIds?: string[]; deny?: boolean }): Promise<string>;
  setFaults(f: XeroFaults): void;
  readonly faultCounts: { "500": number; "503": number; timeout: number; "429": number; dropped: number };
  setLimits(l: Partial<RateLimits> & { latencyMs?: number }): void;
  readonly rateLimiter: RateLimiter;
  /** Moves the stand-in's clock (token expiry, grace periods, rate windows, idempotency) forward. */
  advanceClock(ms: number): void;
  readonly requestViolations: SpecViolation[];
  readonly responseViolations: SpecViolation[];
  /** Accounting calls answered, per tenant (benchmarks count calls). */
  readonly callCounts: Map<string, number>;
  reset(): void;
  stop(): Promise<void>;
}

export const SANDBOX_CLIENT: ClientApp = {
  clientId: "GIFTLOOPSANDBOXXEROCLIENT0000001",
  clientSecret: "giftloop-sandbox-xero-secret-not-for-production",
  name: "Giftloop (sandbox)",
  redirectUris: ["http://localhost:3000/finance/xero/callback"],
};

export const DEMO_ORGS: OrgSeed[] = [
  { name: "Giftloop Platform (US)", baseCurrency: "USD", currencies: ["EUR", "GBP"], countryCode: "US", bankAccounts: [{ code: "092", name: "Stripe Clearing EUR", currency: "EUR" }] },
  { name: "Giftloop Europe BV", baseCurrency: "EUR", countryCode: "NL", taxRate: 21 },
];
