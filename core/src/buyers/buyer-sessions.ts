import type { Deps } from "../platform/deps.ts";
import { WebSessions } from "../platform/web-session/web-sessions.ts";
import { originOf } from "../platform/web-session/csrf.ts";

/** The buyer storefront's sign-in links and sessions: one `WebSessions` per process (per `Deps`). */
const byDeps = new WeakMap<object, WebSessions>();

export const BUYER_SESSION_COOKIE = "gl_buyer";

export function buyerSessions(deps: Pick<Deps, "db" | "config">): WebSessions {
  let s = byDeps.get(deps.db);
  if (!s) {
    s = new WebSessions(deps.db, {
      kind: "buyer",
      cookieName: BUYER_SESSION_COOKIE,
      secure: deps.config.publicUrl.startsWith("https:"),
      linkTtlSeconds: 15 * 60,
      sessionTtlSeconds: 14 * 24 * 3600,
    });
    byDeps.set(deps.db, s);
  }
  return s;
}

/** The origins a cookie-authenticated write may come from: the api's public URL. */
export function buyerOrigins(deps: Pick<Deps, "config">): string[] {
  return [originOf(deps.config.publicUrl)];
}
