import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
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

/** Ids we accept from callers (load balancers, other services): short, no spaces or markup. */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:=+/-]{0,127}$/;

export function acceptRequestId(incoming: string | undefined): string {
  return incoming !== undefined && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * Request id, per-request logger and dependencies on the context, the id echoed in the
 * response, and one log line per request (method, path, status, duration). Headers,
 * query strings and bodies are never logged: they may carry tokens or signatures.
 */
export function requestContext(deps: Deps): MiddlewareHandler<AppEnv> {
  return async function requestContext(c, next) {
    const started = performance.now();
    const requestId = acceptRequestId(c.req.header(REQUEST_ID_HEADER));
    const log = deps.log.child({ requestId });
    c.set("requestId", requestId);
    c.set("log", log);
    c.set("deps", deps);
    await next();
    // Set again after the handler: some responses are built from scratch (mounted apps,
    // `new Response`), and this also makes a finalized response's headers writable.
    c.header(REQUEST_ID_HEADER, requestId);
    const status = c.res.status;
    const line = {
      method: c.req.method,
      path: truncate(c.req.path, 512),
      status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    };
    if (status >= 500) log.error(line, "request failed");
    else log.info(line, "request");
  };
}
