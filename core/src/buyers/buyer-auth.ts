import type { Context, MiddlewareHandler } from "hono";
import type { Deps } from "../platform/deps.ts";
import { ProblemError } from "../http/problem.ts";
import type { AppEnv } from "../http/request-context.ts";
import { assertCsrf } from "../platform/web-session/csrf.ts";
import { authenticateApiKey } from "./buyers.service.ts";
import { buyerContext, type BuyerContext, type BuyerPrincipal } from "./buyer-context.ts";
import { bearerToken } from "../http/bearer.ts";
import { buyerOrigins, buyerSessions } from "./buyer-sessions.ts";
import { allowed } from "./buyer-roles.ts";
import { memberOfSession } from "./buyer-members.ts";

export interface BuyerVariables {
  buyer: BuyerPrincipal;
}
export type BuyerEnv = AppEnv & { Variables: BuyerVariables };

export const BUYER_SECURITY_SCHEME = "buyerApiKey";
export const buyerSecurityScheme = {
  type: "http" as const,
  scheme: "bearer",
  description:
    "A buyer API key (`gl_sk_…`), shown once when it is created. The buyer storefront's pages use the session cookie of a signed-in member instead (writes also need its `X-CSRF-Token`).",
};

/**
 * Resolves the buyer (the tenant) once, at the edge, from `Authorization: Bearer gl_sk_…`
 * or, without that header, from the buyer storefront's session cookie (a team member: the
 * member's role limits what it may do, and its writes must pass the CSRF check).
 * Everything behind it reads `c.var.buyer` and never takes a buyer id from the request.
 */
export function buyerAuth(deps: Pick<Deps, "db" | "config">): MiddlewareHandler<BuyerEnv> {
  const sessions = buyerSessions(deps);
  const origins = buyerOrigins(deps);
  return async function buyerAuth(c, next) {
    const header = c.req.header("authorization");
    const challenge = { "www-authenticate": 'Bearer realm="giftloop-buyer"' };
    if (header === undefined) {
      const session = await sessions.resolve(c);
      const member = session ? await memberOfSession(deps.db, session.principalId) : undefined;
      if (!session || !member) {
        throw new ProblemError(401, "unauthorized", {
          detail: "This operation needs a buyer API key (Authorization: Bearer gl_sk_…) or a signed-in buyer.",
          headers: challenge,
        });
      }
      assertCsrf(c, session.csrfToken, origins);
      if (!allowed(member.role, c.req.method, c.req.path)) {
        throw new ProblemError(403, "forbidden_for_role", `Your role (${member.role}) does not allow this. Ask an owner or admin of your team.`);
      }
      c.set("buyer", { buyerOrgId: member.buyerOrgId, apiKeyId: null, memberId: member.id, role: member.role });
      return next();
    }
    const key = bearerToken(header);
    if (!key) {
      throw new ProblemError(401, "unauthorized", {
        detail: "This operation needs a buyer API key (Authorization: Bearer gl_sk_…).",
        headers: challenge,
      });
    }
    const buyer = await authenticateApiKey(deps.db, key);
    if (!buyer) {
      throw new ProblemError(401, "invalid_api_key", { detail: "The API key is not valid or was revoked.", headers: challenge });
    }
    c.set("buyer", buyer);
    await next();
  };
}

/** The use-case context of a request behind `buyerAuth`: its organisation as tenant, the key or member as actor. */
export function buyerRequestContext(c: Context<BuyerEnv>, deps: Pick<Deps, "db">): BuyerContext {
  return buyerContext({ db: deps.db, principal: c.get("buyer"), log: c.get("log"), requestId: c.get("requestId") });
}
