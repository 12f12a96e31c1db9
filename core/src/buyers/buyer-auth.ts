import type { MiddlewareHandler } from "hono";
import type { Deps } from "../platform/deps.ts";
import { ProblemError } from "../http/problem.ts";
import type { AppEnv } from "../http/request-context.ts";
import { authenticateApiKey, type BuyerContext } from "./buyers.service.ts";

export interface BuyerVariables {
  buyer: BuyerContext;
}
export type BuyerEnv = AppEnv & { Variables: BuyerVariables };

export const BUYER_SECURITY_SCHEME = "buyerApiKey";
export const buyerSecurityScheme = {
  type: "http" as const,
  scheme: "bearer",
  description: "A buyer API key (`gl_sk_…`), shown once when it is created.",
};

/**
 * Resolves the buyer (the tenant) once, at the edge, from `Authorization: Bearer gl_sk_…`.
 * Everything behind it reads `c.var.buyer` and never takes a buyer id from the request.
 */
export function buyerAuth(deps: Pick<Deps, "db">): MiddlewareHandler<BuyerEnv> {
  return async function buyerAuth(c, next) {
    const header = c.req.header("authorization") ?? "";
    const key = /^Bearer +(\S+) *$/i.exec(header)?.[1];
    const challenge = { "www-authenticate": 'Bearer realm="giftloop-buyer"' };
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
