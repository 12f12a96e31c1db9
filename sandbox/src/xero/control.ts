import type { IdentityService, HttpAnswer } from "./identity.ts";
import type { RateLimiter, RateLimits } from "./limits.ts";
import { renderAccount, renderAllocation, renderBankTransaction, renderContact, renderCreditNote, renderInvoice, renderOrganisation, renderPayment } from "./render.ts";
import { accountByCode, type Org, type OrgSeed } from "./state.ts";

/**
 * The stand-in's controls (plain JSON, no auth; not part of Xero's API). {tenant} is an
 * organisation's tenantId.
 *   GET  /_sandbox/organisations                              organisations (Xero's Organisation shape + tenantId)
 *   POST /_sandbox/organisations                              {name, baseCurrency?, currencies?, countryCode?, taxRate?} add one
 *   GET  /_sandbox/organisations/{tenant}/{collection}        invoices (?type=ACCPAY for bills), payments,
 *        credit-notes, allocations, bank-transactions, contacts, accounts: what tests read back
 *   POST /_sandbox/organisations/{tenant}/accounts/{code}/archive     (and /unarchive)
 *   POST /_sandbox/organisations/{tenant}/base-currency        {currency}
 *   POST /_sandbox/organisations/{tenant}/currencies           {currencies: [...]} enable (multi-currency)
 *   GET  /_sandbox/connections                                 every connection of every app
 *   POST /_sandbox/connections/{id}/revoke                     the user disconnects that organisation in Xero
 *   POST /_sandbox/grants/revoke                               {refreshToken} the user disconnects the app (refresh -> invalid_grant)
 *   POST /_sandbox/refresh-tokens/revoke                       {refreshToken} that token alone -> invalid_grant
 *   POST /_sandbox/clients                                     {clientId, clientSecret, name, redirectUris} register an app
 *   POST /_sandbox/faults                                      {rate, kinds: ["500"|"503"|"timeout"|"429"], hangMs?,
 *        writesOnly?, scope?: "accounting"|"token"|"all"} or {dropAfterCommit: n}; {} clears
 *   POST /_sandbox/limits                                      {perMinute?, perDay?, concurrent?, appPerMinute?, enabled?, latencyMs?}
 *   POST /_sandbox/clock                                       {advanceMs} move the stand-in's clock forward
 *   GET  /_sandbox/violations                                  requests and answers that broke Xero's yaml
 *   POST /_sandbox/reset                                       forget everything, reseed
 */

type Json = Record<string, unknown>;

export interface ControlContext {
  orgs: Map<string, Org>;
  identity: IdentityService;
  addOrganisation(seed: OrgSeed): Org;
  setFaults(f: Json): void;
  setLimits(l: Partial<RateLimits> & { latencyMs?: number }): void;
  advanceClock(ms: number): void;
  violations(): unknown;
  reset(): void;
  faultCounts: Record<string, number>;
  limiter: RateLimiter;
}

function bad(message: string): HttpAnswer {
  return { status: 400, body: { error: message } };
}

function collection(org: Org, name: string, params: URLSearchParams): unknown[] | null {
  switch (name) {
    case "invoices": {
      const type = params.get("type");
      return [...org.invoices.values()].filter((i) => !type || i.Type === type).map((i) => renderInvoice(org, i));
    }
    case "bills":
      return [...org.invoices.values()].filter((i) => i.Type === "ACCPAY").map((i) => renderInvoice(org, i));
    case "payments":
      return [...org.payments.values()].map((p) => renderPayment(org, p));
    case "credit-notes":
      return [...org.creditNotes.values()].map((c) => renderCreditNote(org, c));
    case "allocations":
      return [...org.allocations.values()].map((a) => renderAllocation(org, a, "both"));
    case "bank-transactions":
      return [...org.bankTransactions.values()].map((t) => renderBankTransaction(org, t));
    case "contacts":
      return [...org.contacts.values()].map((c) => renderContact(c));
    case "accounts":
      return [...org.accounts.values()].map(renderAccount);
    default:
      return null;
  }
}

export function controlRoutes(ctx: ControlContext): (method: string, path: string, params: URLSearchParams, raw: string) => Promise<HttpAnswer> {
  return async (method, path, params, raw) => {
    let body: Json = {};
    if (raw.trim()) {
      try {
        body = JSON.parse(raw) as Json;
      } catch {
        return bad("body must be JSON");
      }
    }
    const parts = path.split("/").filter(Boolean).slice(1);
    const [first, second, third, fourth, fifth] = parts;
    if (first === "organisations") {
      if (!second) {
        if (method === "GET") return { status: 200, body: { organisations: [...ctx.orgs.values()].map((o) => ({ tenantId: o.tenantId, ...renderOrganisation(o), currencies: [...o.currencies] })) } };
        if (method === "POST") {
          if (typeof body.name !== "string" || !body.name) return bad("name is required");
          const org = ctx.addOrganisation(body as unknown as OrgSeed);
          return { status: 201, body: { tenantId: org.tenantId, name: org.name } };
        }
      }
      const org = second ? ctx.orgs.get(second) : undefined;
      if (!org) return { status: 404, body: { error: `no organisation ${second}` } };
      if (method === "GET" && third && !fourth) {
        const rows = collection(org, third, params);
        return rows ? { status: 200, body: { [third]: rows } } : { status: 404, body: { error: `no collection ${third}` } };
      }
      if (method === "POST" && third === "accounts" && fourth && (fifth === "archive" || fifth === "unarchive")) {
        const account = accountByCode(org, decodeURIComponent(fourth));
        if (!account) return { status: 404, body: { error: `no account ${fourth}` } };
        account.Status = fifth === "archive" ? "ARCHIVED" : "ACTIVE";
        account.updatedAt = Date.now();
        return { status: 200, body: renderAccount(account) };
      }
      if (method === "POST" && third === "base-currency") {
        if (typeof body.currency !== "string" || !/^[A-Z]{3}$/.test(body.currency)) return bad("currency must be an ISO code");
        org.baseCurrency = body.currency;
        org.currencies.add(body.currency);
        for (const a of org.accounts.values()) if (a.Type === "BANK" && a.Code === "090") a.CurrencyCode = body.currency;
        return { status: 200, body: { baseCurrency: org.baseCurrency } };
      }
      if (method === "POST" && third === "currencies") {
        const list = Array.isArray(body.currencies) ? body.currencies : [];
        for (const c of list) if (typeof c === "string" && /^[A-Z]{3}$/.test(c)) org.currencies.add(c);
        return { status: 200, body: { currencies: [...org.currencies] } };
      }
    }
    if (first === "connections") {
      if (method === "GET" && !second) return { status: 200, body: { connections: [...ctx.identity.connections.values()] } };
      if (method === "POST" && second && third === "revoke") {
        return ctx.identity.connections.delete(second) ? { status: 200, body: { revoked: second } } : { status: 404, body: { error: `no connection ${second}` } };
      }
    }
    if (method === "POST" && first === "grants" && second === "revoke") {
      const grant = typeof body.refreshToken === "string" ? ctx.identity.grantOfRefreshToken(body.refreshToken) : undefined;
      if (!grant) return { status: 404, body: { error: "no grant for that refresh token" } };
      ctx.identity.revokeGrant(grant.grantId);
      return { status: 200, body: { revoked: grant.grantId } };
    }
    if (method === "POST" && first === "refresh-tokens" && second === "revoke") {
      return typeof body.refreshToken === "string" && ctx.identity.revokeRefreshToken(body.refreshToken)
        ? { status: 200, body: { revoked: true } }
        : { status: 404, body: { error: "no such refresh token" } };
    }
    if (method === "POST" && first === "clients") {
      const { clientId, clientSecret, name, redirectUris } = body as Record<string, unknown>;
      if (typeof clientId !== "string" || typeof clientSecret !== "string" || !Array.isArray(redirectUris)) return bad("clientId, clientSecret and redirectUris are required");
      ctx.identity.clients.set(clientId, { clientId, clientSecret, name: typeof name === "string" ? name : clientId, redirectUris: redirectUris.map(String) });
      return { status: 201, body: { clientId } };
    }
    if (method === "POST" && first === "faults") {
      ctx.setFaults(body);
      return { status: 200, body: { faults: body, counts: ctx.faultCounts } };
    }
    if (method === "POST" && first === "limits") {
      ctx.setLimits(body as Partial<RateLimits>);
      return { status: 200, body: { limits: ctx.limiter.limits } };
    }
    if (method === "POST" && first === "clock") {
      if (typeof body.advanceMs !== "number" || body.advanceMs < 0) return bad("advanceMs must be a non-negative number");
      ctx.advanceClock(body.advanceMs);
      return { status: 200, body: { advancedMs: body.advanceMs } };
    }
    if (method === "GET" && first === "violations") return { status: 200, body: ctx.violations() };
    if (method === "POST" && first === "reset") {
      ctx.reset();
      return { status: 200, body: { reset: true } };
    }
    return { status: 404, body: { error: `no control ${method} ${path}` } };
  };
}
