import { createHmac } from "node:crypto";
import type { Context } from "hono";
import { getConnInfo } from "@hono/node-server/conninfo";
import { ProblemError } from "../../http/problem.ts";
import { sameSecret } from "./tokens.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const CSRF_HEADER = "x-csrf-token";

/**
 * CSRF protection of a cookie-authenticated write, two checks that must both pass:
 * - the request comes from our own origin: `Origin` (sent by browsers on every non-GET
 *   fetch) equals one of `allowedOrigins`, or, without an Origin, `Sec-Fetch-Site` is
 *   `same-origin`/absent (non-browser clients carry no ambient cookie to abuse);
 * - it carries the session's CSRF token in `X-CSRF-Token` (a value another site can
 *   neither read nor compute: see `csrfTokenFor`).
 * Safe methods pass. The session cookie is also `SameSite=Lax`.
 */
export function assertCsrf(c: Context, csrfToken: string, allowedOrigins: readonly string[]): void {
  if (SAFE_METHODS.has(c.req.method)) return;
  const origin = c.req.header("origin");
  const site = c.req.header("sec-fetch-site");
  const originOk = origin ? allowedOrigins.includes(origin) : site === undefined || site === "same-origin" || site === "none";
  if (!originOk) {
    throw new ProblemError(403, "csrf_origin", "This request did not come from this site, so it was refused.");
  }
  const sent = c.req.header(CSRF_HEADER) ?? "";
  if (!sent || !sameSecret(sent, csrfToken)) {
    throw new ProblemError(403, "csrf_token", "The request is missing this session's CSRF token (X-CSRF-Token); reload the page and try again.");
  }
}

/** The origin (scheme://host[:port]) of a URL. */
export const originOf = (url: string): string => new URL(url).origin;

/**
 * The client's address as a limiter key: an HMAC under `key` so that no table holds
 * client addresses. Behind a trusted proxy, the first `X-Forwarded-For` address.
 */
export function clientKey(c: Context, key: Buffer, trustProxy: boolean): string {
  let address = "unknown";
  const forwarded = trustProxy ? c.req.header("x-forwarded-for")?.split(",")[0]?.trim() : undefined;
  if (forwarded) address = forwarded;
  else {
    try {
      address = getConnInfo(c).remote.address ?? "unknown";
    } catch {
      // in-process requests (tests) have no socket
    }
  }
  return createHmac("sha256", key).update(`web-client:${address}`).digest("hex");
}
