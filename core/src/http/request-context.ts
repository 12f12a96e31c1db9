import { randomUUID } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import type { Deps } from "../platform/deps.ts";
import type { Logger } from "../platform/logger.ts";
import { truncate } from "./problem.ts";

/** What `requestContext` puts on every request's context. */
export interface RequestVariables {
  /** The caller's `X-Request-Id` when it looks sane, else a fresh UUID; echoed in the response. */
  requestId: string;
  /** `deps.log` bound to this request: every line it writes carries `requestId`. */
  log: Logger;
  deps: Deps;
}

/** The Hono environment of the core API; route modules extend its Variables if they add any. */
export interface AppEnv {
  Variables: RequestVariables;
}

export const REQUEST_ID_HEADER = "X-Request-Id";
const REQUEST_ID_HEADER_LC = "x-request-id";

/** Ids we accept from callers (load balancers, other services): short, no spaces or markup. */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:=+/-]{0,127}$/;

export function acceptRequestId(incoming: string | undefined): string {
  return incoming !== undefined && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * A request header, read from Node's parsed headers when the request came through
 * `@hono/node-server` (no WHATWG `Headers` object is built for it), else from the Request.
 * Node joins repeated headers with ", " as `Headers.get` does (and lower-cases names).
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: { headers?: Record<string, string | string[] | undefined> } } | undefined)?.incoming;
  if (incoming?.headers) {
    const v = incoming.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(", ") : v;
  }
  return c.req.header(name);
}

/**
 * `parent.child(bindings)`, created on first use: most requests never log from a handler,
 * and a pino child costs a bindings serialization per request.
 */
export function lazyChildLogger(parent: Logger, bindings: Record<string, unknown>): Logger {
  let child: Logger | undefined;
  return new Proxy(parent, {
    get(target, prop) {
      child ??= target.child(bindings);
      const value: unknown = Reflect.get(child, prop, child);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(child) : value;
    },
    set(target, prop, value) {
      child ??= target.child(bindings);
      return Reflect.set(child, prop, value, child);
    },
  });
}

/**
 * The start of every request: its id (the caller's when sane), a logger bound to it, and
 * the dependencies on the context. The id is set on the response from the start (see
 * `setResponseHeader`), so responses built with `c.json`/`c.body` carry it without being
 * copied afterwards.
 */
export function beginRequest(c: Context<AppEnv>, deps: Deps): string {
  const requestId = acceptRequestId(requestHeader(c, REQUEST_ID_HEADER_LC));
  c.set("requestId", requestId);
  c.set("log", lazyChildLogger(deps.log, { requestId }));
  c.set("deps", deps);
  setResponseHeader(c, REQUEST_ID_HEADER, requestId);
  return requestId;
}

interface NodeResponse {
  setHeader(name: string, value: string): unknown;
  getHeader(name: string): unknown;
  headersSent: boolean;
}

/** Node's response when the request came through `@hono/node-server`, while its headers can still change. */
function nodeResponse(c: Context): NodeResponse | undefined {
  const outgoing = (c.env as { outgoing?: NodeResponse } | undefined)?.outgoing;
  return outgoing && typeof outgoing.setHeader === "function" && !outgoing.headersSent ? outgoing : undefined;
}

/**
 * A header every response to this request carries unless the route's response sets its own.
 * Served by `@hono/node-server`, it goes on Node's response, which merges it under the
 * response's own headers when they are written: Hono's response keeps its headers a plain
 * object, which the server writes as they are (a prepared `Headers` object, made by
 * `c.header`, costs its validation and then a sorted copy on every request). In-process
 * (`app.request` in tests), on Hono's prepared headers.
 */
export function setResponseHeader(c: Context, name: string, value: string): void {
  const node = nodeResponse(c);
  if (node) node.setHeader(name, value);
  else c.header(name, value);
}

/**
 * The end of every request: the id echoed on responses built from scratch (mounted apps,
 * `new Response`; copying the response also makes its headers writable), and one log line
 * (method, path, status, duration). Headers, query strings and bodies are never logged:
 * they may carry tokens or signatures.
 */
export function endRequest(c: Context<AppEnv>, deps: Deps, requestId: string, started: number): void {
  // Reading `c.res.headers` would make a served response's plain headers a `Headers` object:
  // on Node's response the id is already set (see `setResponseHeader`).
  const onNode = nodeResponse(c)?.getHeader(REQUEST_ID_HEADER_LC) === requestId;
  if (!onNode && c.res.headers.get(REQUEST_ID_HEADER_LC) !== requestId) c.header(REQUEST_ID_HEADER, requestId);
  const status = c.res.status;
  if (status >= 500) {
    deps.log.error({ requestId, ...requestLine(c, status, started) }, "request failed");
  } else if (deps.log.isLevelEnabled("info")) {
    deps.log.info({ requestId, ...requestLine(c, status, started) }, "request");
  }
}

function requestLine(c: Context, status: number, started: number) {
  return {
    method: c.req.method,
    path: truncate(c.req.path, 512),
    status,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  };
}

/**
 * Request id, per-request logger and dependencies on the context, the id echoed in the
 * response, and one log line per request. (`createApp` runs the same steps inside its one
 * `requestPipeline` middleware; this is the stand-alone form.)
 */
export function requestContext(deps: Deps): MiddlewareHandler<AppEnv> {
  return async function requestContext(c, next) {
    const started = performance.now();
    const requestId = beginRequest(c, deps);
    await next();
    endRequest(c, deps, requestId, started);
  };
}
