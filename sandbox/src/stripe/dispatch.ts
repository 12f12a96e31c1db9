import type http from "node:http";
import { reachableAccount } from "./account-status.ts";
import { authenticationError, invalidRequest, redactKey, StripeApiError } from "./errors.ts";
import { canonicalParams, parseStripeForm, type Param, type ParamMap } from "./form.ts";
import type { Handler, RouteDef, RouteOptions } from "./handler.ts";
import type { IdempotencyCache } from "./idempotency.ts";
import { randomToken } from "./ids.ts";
import { AUTOMATIC, PLATFORM, type StripeState } from "./state.ts";

// One request through the stand-in: route, authenticate, resolve `Stripe-Account`, replay or
// record an idempotent POST, run the handler, and shape the answer (Stripe's JSON and error
// envelope for the API; HTML, redirects or JSON for pages and sandbox controls). It returns the
// answer rather than writing it, so the server can lose it on purpose (fault injection).

export interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
  options: RouteOptions;
}

export function compile(routes: RouteDef[]): Route[] {
  return routes.map(([method, path, handler, options]) => {
    const names: string[] = [];
    const source = path.replace(/:([a-z]+)/g, (_m, name: string) => {
      names.push(name);
      return "([^/]+)";
    });
    return { method, pattern: new RegExp(`^${source}/?$`), names, handler, options: options ?? {} };
  });
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface DispatchContext {
  state: StripeState;
  routes: Route[];
  idempotency: IdempotencyCache;
  apiVersion: string;
  /** If set, the only API key accepted. */
  apiKey: string | undefined;
  log: (line: string) => void;
}

/** The API key from `Authorization: Bearer <key>` (or Basic with the key as user name, which Stripe also accepts). */
function authenticate(req: http.IncomingMessage, expected: string | undefined): string {
  const header = req.headers.authorization;
  let key: string | undefined;
  if (header?.startsWith("Bearer ")) key = header.slice(7).trim();
  else if (header?.startsWith("Basic ")) key = Buffer.from(header.slice(6), "base64").toString("utf8").split(":")[0];
  if (!key) {
    throw authenticationError(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    );
  }
  const ok = expected !== undefined ? key === expected : /^(sk|rk)_test_\w+$/.test(key);
  if (!ok) {
    if (/^(sk|rk)_live_/.test(key)) throw authenticationError("The Stripe stand-in only accepts test-mode API keys (sk_test_...).");
    throw authenticationError(`Invalid API Key provided: ${redactKey(key)}`);
  }
  return key;
}

/** JSON bodies for sandbox controls, turned into the form's shape (values as strings). */
function jsonParams(raw: string): ParamMap {
  let parsed: unknown;
  try {
    parsed = raw ? JSON.parse(raw) : {};
  } catch {
    throw invalidRequest("Invalid JSON body.");
  }
  const convert = (v: unknown): Param =>
    Array.isArray(v) ? v.map(convert) : v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, convert(x)])) : String(v);
  const out = convert(parsed);
  if (typeof out === "string" || Array.isArray(out)) throw invalidRequest("The JSON body must be an object.");
  return out;
}

/** The connected account a request acts as (`Stripe-Account`), checked against what the route allows. */
function actingAccount(ctx: DispatchContext, req: http.IncomingMessage, route: Route, path: string, key: string): string {
  const header = req.headers["stripe-account"];
  if (header === undefined) return PLATFORM;
  if (typeof header !== "string" || header === "") throw invalidRequest("Invalid Stripe-Account header.", { param: "Stripe-Account" });
  reachableAccount(ctx.state, header, key);
  if (!route.options.connect) {
    throw invalidRequest(
      `The Stripe stand-in does not model ${route.method} ${path} on a connected account (Stripe-Account header); it serves balances, balance transactions, charges, refunds and events for connected accounts. The real Stripe API accepts it.`,
      { param: "Stripe-Account" },
    );
  }
  return header;
}

export function dispatch(ctx: DispatchContext, req: http.IncomingMessage, raw: string): Answer {
  const requestId = `req_${randomToken(14)}`;
  const method = req.method ?? "GET";
  const url = new URL(req.url ?? "/", "http://localhost");
  const stripeVersion = typeof req.headers["stripe-version"] === "string" ? req.headers["stripe-version"] : ctx.apiVersion;
  const idemKey = typeof req.headers["idempotency-key"] === "string" ? req.headers["idempotency-key"] : null;
  const isApi = url.pathname.startsWith("/v1/");
  const headers: Record<string, string> = isApi ? { "Request-Id": requestId, "Stripe-Version": stripeVersion } : {};
  if (isApi && idemKey) headers["Idempotency-Key"] = idemKey;
  let idem: { scope: string; key: string; endpoint: string; params: string } | null = null;
  try {
    const route = ctx.routes.find((r) => r.method === method && r.pattern.test(url.pathname));
    if (!route) {
      throw invalidRequest(
        `Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
        { status: 404 },
      );
    }
    const json = !isApi && (req.headers["content-type"] ?? "").includes("json");
    const params = method === "GET" ? parseStripeForm(url.search.slice(1)) : json ? jsonParams(raw) : parseStripeForm(raw);
    let key = "";
    let account = PLATFORM;
    if (isApi) {
      key = authenticate(req, ctx.apiKey);
      account = actingAccount(ctx, req, route, url.pathname, key);
      if (!/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(stripeVersion)) {
        throw invalidRequest(`Invalid Stripe API version: ${stripeVersion}`, { param: "Stripe-Version" });
      }
      if (method === "POST" && idemKey) {
        idem = { scope: `${key}\u0000${account}`, key: idemKey, endpoint: `${method} ${url.pathname}`, params: canonicalParams(params) };
        const saved = ctx.idempotency.lookup(idem.scope, idem.key, idem.endpoint, idem.params);
        if (saved) {
          const replayed = { ...saved.headers, "Request-Id": requestId, "Idempotent-Replayed": "true", "Original-Request": saved.requestId };
          return { status: saved.status, headers: { ...replayed, "Content-Type": "application/json" }, body: saved.body };
        }
      }
    }
    const match = route.pattern.exec(url.pathname);
    const path = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(match?.[i + 1] ?? "")]));
    const cause = isApi ? { id: requestId, idempotency_key: idemKey } : AUTOMATIC;
    const result = route.handler({ state: ctx.state, params, path, cause, apiVersion: stripeVersion, account, apiKey: key });
    const status = result.status ?? 200;
    if (result.contentType) {
      return { status, headers: { ...headers, ...result.headers, "Content-Type": result.contentType, "Cache-Control": "no-store" }, body: String(result.body) };
    }
    return finish(ctx, idem, status, { ...headers, ...result.headers }, result.body, requestId);
  } catch (e) {
    if (e instanceof StripeApiError) {
      Object.assign(headers, e.headers);
      return finish(ctx, idem, e.status, headers, { error: { ...e.body, request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}` } }, requestId);
    }
    ctx.log(`stripe stand-in: internal error on ${method} ${url.pathname}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    headers["Stripe-Should-Retry"] = "false";
    return finish(ctx, idem, 500, headers, { error: { type: "api_error", message: "An unknown error occurred in the Stripe stand-in." } }, requestId);
  }
}

function finish(
  ctx: DispatchContext,
  idem: { scope: string; key: string; endpoint: string; params: string } | null,
  status: number,
  headers: Record<string, string>,
  body: unknown,
  requestId: string,
): Answer {
  const text = JSON.stringify(body, null, 2);
  if (idem) ctx.idempotency.save(idem.scope, idem.key, idem.endpoint, idem.params, { status, body: text, headers, requestId });
  return { status, headers: { ...headers, "Content-Type": "application/json", "Cache-Control": "no-cache, no-store" }, body: text };
}
