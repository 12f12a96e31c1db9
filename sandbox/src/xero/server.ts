/**
 * Xero stand-in: identity (OpenID Connect, OAuth 2.0 code flow with refresh-token rotation),
 * connections and the Accounting API subset this product uses, on loopback, in Xero's wire
 * formats, for sandbox mode, tests and benchmarks.
 *
 *   const xero = await startXeroStandIn();
 *   // route identity.xero.com / api.xero.com to it (core/src/integrations/xero/sandbox-routing.ts):
 *   installXeroSandboxRouting({ url: xero.tlsUrl, ca: xero.caPem });
 *   // then use xero-node unmodified with xero.client.clientId / clientSecret / redirectUris[0]
 *   await xero.stop();
 *
 * Two listeners serve the same routes: `tlsUrl` (HTTPS, certificate for identity.xero.com,
 * api.xero.com and login.xero.com from a CA made at start, `caPem`) is where the routing agent
 * sends xero-node; `url` (plain HTTP) is for browsers (the consent page) and the controls.
 *
 * Identity (identity.ts):
 *   GET  /.well-known/openid-configuration[/jwks]   discovery (authorization_endpoint is on `url`), keys
 *   GET  /identity/connect/authorize                 consent page: scopes, organisation, Allow / Cancel
 *   POST /identity/connect/authorize/consent         the page's form -> redirect with code or access_denied
 *   POST /connect/token                              authorization_code, refresh_token (rotation, grace)
 *   POST /connect/revocation                         revoke a refresh token (ends its grant)
 *   GET  /connections, DELETE /connections/{id}      (Bearer) the app's connected organisations
 * Accounting (accounting.ts), under /api.xro/2.0, Bearer + xero-tenant-id, per-tenant state:
 *   Organisation, Currencies, Accounts[/{id}], TaxRates, TrackingCategories,
 *   PUT TrackingCategories/{id}/Options, Contacts (GET, PUT, POST, /{id}, /{ContactNumber}),
 *   Invoices (GET with where/IDs/InvoiceNumbers/ContactIDs/Statuses/page, PUT, POST, /{id}),
 *   CreditNotes (GET, PUT, /{id}, PUT /{id}/Allocations), Payments (GET, PUT, POST, /{id}),
 *   BankTransactions (GET, PUT, /{id}). Others answer 501.
 *   Idempotency-Key replay (idempotency.ts), rate limits and their headers (limits.ts),
 *   summarizeErrors=false per-element results, 400 ValidationException (errors.ts).
 * Every request and answer is checked against Xero's yaml (spec.ts): a request that does not
 * conform gets a 400 and is recorded in `requestViolations`; an answer that does not conform is
 * recorded in `responseViolations` and (strict, the default) replaced by a 500 naming it.
 * Controls (plain JSON, no auth, not Xero's API): see control.ts.
 *
 * The parts, by role: types.ts (options and the returned object), context.ts (one running
 * stand-in's state), http-router.ts, api-calls.ts (Connections and Accounting calls),
 * token-endpoint.ts, identity.ts, accounting.ts with its resources, fault-injection.ts,
 * control.ts, listeners.ts (the plain and TLS listeners), http-io.ts.
 */
import type http from "node:http";
import { createLocalTls } from "./certs.ts";
import { addOrganisation, resetStandIn, setLimits, type XeroContext } from "./context.ts";
import { controlRoutes, type ControlContext } from "./control.ts";
import { handleRequest } from "./http-router.ts";
import { IdempotencyStore } from "./idempotency.ts";
import { IdentityService, type ClientApp } from "./identity.ts";
import { RateLimiter, XERO_LIMITS } from "./limits.ts";
import { listenPlainAndTls, type Listeners } from "./listeners.ts";
import { XeroSpec } from "./spec.ts";
import type { Org } from "./state.ts";
import { DEMO_ORGS, SANDBOX_CLIENT, type XeroStandIn, type XeroStandInOptions } from "./types.ts";

export { SPEC_ALLOW_LIST } from "./spec.ts";
export { XERO_LIMITS, type RateLimits } from "./limits.ts";
export type { OrgSeed } from "./state.ts";
export type { ClientApp } from "./identity.ts";
export { DEMO_ORGS, SANDBOX_CLIENT, type SpecViolation, type XeroFaults, type XeroStandIn, type XeroStandInOptions } from "./types.ts";

function createContext(opts: XeroStandInOptions): XeroContext {
  const orgs = new Map<string, Org>();
  // The clock and the consent page's address are read from the context when used, not now.
  const clock = () => Date.now() + ctx.clockOffset;
  const identity = new IdentityService({
    clock,
    authorizeBase: () => ctx.publicUrl,
    orgs: () => [...orgs.values()],
    ...(opts.refreshGraceMs !== undefined ? { refreshGraceMs: opts.refreshGraceMs } : {}),
  });
  for (const c of opts.clients ?? [SANDBOX_CLIENT]) identity.clients.set(c.clientId, c);
  const ctx: XeroContext = {
    log: opts.log ?? (() => {}),
    spec: XeroSpec.load(),
    publicUrl: opts.publicUrl ?? "",
    clock,
    clockOffset: 0,
    orgs,
    seeds: opts.organisations ?? DEMO_ORGS,
    identity,
    limiter: new RateLimiter({ ...XERO_LIMITS, ...opts.limits }, clock),
    latencyMs: opts.latencyMs ?? 0,
    idempotency: new IdempotencyStore(clock, opts.idempotencyTtlMs),
    strict: opts.strict ?? true,
    requestViolations: [],
    responseViolations: [],
    callCounts: new Map(),
    faults: {},
    faultCounts: { "500": 0, "503": 0, timeout: 0, "429": 0, dropped: 0 },
  };
  for (const s of ctx.seeds) addOrganisation(ctx, s);
  return ctx;
}

/** What control.ts reaches: the context's state and its changes. */
function controlContext(ctx: XeroContext): ControlContext {
  return {
    orgs: ctx.orgs,
    identity: ctx.identity,
    addOrganisation: (seed) => addOrganisation(ctx, seed),
    setFaults: (f) => {
      ctx.faults = { ...f };
    },
    setLimits: (l) => setLimits(ctx, l),
    advanceClock: (ms) => {
      ctx.clockOffset += ms;
    },
    violations: () => ({ requests: ctx.requestViolations, responses: ctx.responseViolations }),
    reset: () => resetStandIn(ctx),
    faultCounts: ctx.faultCounts,
    limiter: ctx.limiter,
  };
}

/** What the consent form's "Allow" (or "Cancel") does, without a browser: the redirect URL. */
async function consentWithoutBrowser(ctx: XeroContext, authorizeUrl: string, o: { tenantIds?: string[]; deny?: boolean }): Promise<string> {
  const u = new URL(authorizeUrl);
  const page = ctx.identity.authorize(u.searchParams, "/identity/connect/authorize/consent");
  if (page.status !== 200) {
    const loc = page.headers?.Location;
    if (loc) return loc;
    throw new Error(`authorize refused: ${String(page.body).replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim()}`);
  }
  const requestId = /name="request" value="([^"]+)"/.exec(String(page.body))?.[1] ?? "";
  const tenants = o.tenantIds ?? [[...ctx.orgs.values()][0]?.tenantId ?? ""];
  const answer = ctx.identity.decide(requestId, o.deny ? "deny" : "allow", tenants);
  const loc = answer.headers?.Location;
  if (!loc) throw new Error("consent did not redirect");
  return loc;
}

export async function startXeroStandIn(opts: XeroStandInOptions = {}): Promise<XeroStandIn> {
  const tls = createLocalTls();
  const ctx = createContext(opts);
  const control = controlContext(ctx);
  const controls = controlRoutes(control);
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handleRequest(ctx, controls, req, res).catch((e: unknown) => {
      ctx.log(`xero stand-in: ${String(e)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
  const listeners = await listenPlainAndTls(onRequest, tls, opts);
  const url = `http://${listeners.host}:${listeners.port}`;
  if (!ctx.publicUrl) ctx.publicUrl = url;
  return standInApi(ctx, control, listeners, url, tls.caPem);
}

/** The object `startXeroStandIn` returns: the stand-in's API for tests and the sandbox. */
function standInApi(ctx: XeroContext, control: ControlContext, listeners: Listeners, url: string, caPem: string): XeroStandIn {
  const organisation = (tenantId: string): Org => {
    const o = ctx.orgs.get(tenantId);
    if (!o) throw new Error(`no organisation ${tenantId} in the Xero stand-in`);
    return o;
  };
  return {
    url,
    tlsUrl: `https://${listeners.host}:${listeners.tlsPort}`,
    caPem,
    client: [...ctx.identity.clients.values()][0] as ClientApp,
    identity: ctx.identity,
    organisations: () => [...ctx.orgs.values()],
    organisation,
    organisationNamed(name) {
      const o = [...ctx.orgs.values()].find((x) => x.name.toLowerCase().includes(name.toLowerCase()));
      if (!o) throw new Error(`no organisation named like ${name}`);
      return o;
    },
    addOrganisation: control.addOrganisation,
    consent: (authorizeUrl, o = {}) => consentWithoutBrowser(ctx, authorizeUrl, o),
    setFaults: control.setFaults,
    faultCounts: ctx.faultCounts,
    setLimits: control.setLimits,
    rateLimiter: ctx.limiter,
    advanceClock: control.advanceClock,
    requestViolations: ctx.requestViolations,
    responseViolations: ctx.responseViolations,
    callCounts: ctx.callCounts,
    reset: control.reset,
    stop: () => listeners.stop(),
  };
}
