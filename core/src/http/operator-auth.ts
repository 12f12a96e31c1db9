import type { Context, MiddlewareHandler } from "hono";
import { sign, verify } from "hono/jwt";
import { JwtTokenExpired } from "hono/utils/jwt/types";
import type { Config } from "../platform/config.ts";
import type { Database } from "../platform/db/connect.ts";
import { platformContext, type PlatformContext } from "../platform/use-case.ts";
import { localKey } from "../platform/local-keys.ts";
import { ProblemError } from "./problem.ts";
import type { AppEnv } from "./request-context.ts";
import { bearerToken } from "./bearer.ts";

/**
 * Operator tokens: HS256 JWTs with `role: "operator"`, `sub` (who) and `exp`, signed with
 * OPERATOR_TOKEN_SECRET (outside production, a generated key in DATA_DIR/keys). Minted by
 * the CLI (`mintOperatorToken`), checked at the edge of `/v1/operator` (`operatorAuth`).
 */
export const OPERATOR_ROLE = "operator";

/** Name of the OpenAPI security scheme operator routes declare (`security: [{ operatorToken: [] }]`). */
export const OPERATOR_SECURITY_SCHEME = "operatorToken";

export const operatorSecurityScheme = {
  type: "http" as const,
  scheme: "bearer",
  bearerFormat: "JWT",
  description:
    "An operator token: an HS256 JWT with `role: \"operator\"`, `sub` and `exp`, signed with the " +
    "deployment's OPERATOR_TOKEN_SECRET. Send it as `Authorization: Bearer <token>`.",
};

export interface OperatorClaims {
  sub: string;
  role: typeof OPERATOR_ROLE;
  iat: number;
  exp: number;
}

/** What `operatorAuth` adds to the context. */
export interface OperatorVariables {
  operator: OperatorClaims;
}

/** The platform context of an operator's request: acts as `operator:<subject>`, logs with the request's id. */
export function operatorContext(c: Context<AppEnv & { Variables: OperatorVariables }>, db: Database): PlatformContext {
  return platformContext({ db, actor: `operator:${c.get("operator").sub}`, log: c.get("log"), requestId: c.get("requestId") });
}

type SecretConfig = Pick<Config, "OPERATOR_TOKEN_SECRET" | "DATA_DIR" | "NODE_ENV">;

export function operatorTokenSecret(config: SecretConfig): string {
  return config.OPERATOR_TOKEN_SECRET ?? localKey(config, "operator-token-secret").toString("base64");
}

export async function mintOperatorToken(
  config: SecretConfig,
  opts: { sub: string; ttlSeconds: number; now?: Date },
): Promise<string> {
  if (!opts.sub) throw new Error("an operator token needs a subject (sub)");
  if (!Number.isSafeInteger(opts.ttlSeconds) || opts.ttlSeconds <= 0) {
    throw new Error("ttlSeconds must be a positive integer");
  }
  const iat = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const claims: OperatorClaims = { sub: opts.sub, role: OPERATOR_ROLE, iat, exp: iat + opts.ttlSeconds };
  return sign({ ...claims }, operatorTokenSecret(config), "HS256");
}

export type OperatorTokenCheck =
  | { ok: true; claims: OperatorClaims }
  | { ok: false; reason: "invalid" | "expired" | "wrong_role" };

const MAX_TOKEN_LENGTH = 4096;

/** Checks signature (HS256 only), expiry, subject and role. Never throws for bad input. */
export async function verifyOperatorToken(secret: string, token: string): Promise<OperatorTokenCheck> {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: "invalid" };
  let payload: Record<string, unknown>;
  try {
    payload = await verify(token, secret, "HS256");
  } catch (err) {
    // The library's messages contain the token: never log or return them.
    return { ok: false, reason: err instanceof JwtTokenExpired ? "expired" : "invalid" };
  }
  const { sub, role, exp, iat } = payload;
  if (typeof sub !== "string" || !sub || typeof exp !== "number") return { ok: false, reason: "invalid" };
  if (role !== OPERATOR_ROLE) return { ok: false, reason: "wrong_role" };
  return { ok: true, claims: { sub, role, exp, iat: typeof iat === "number" ? iat : 0 } };
}

/**
 * Requires an operator token: 401 (with `WWW-Authenticate`) when it is missing, malformed,
 * badly signed or expired; 403 when it is valid but not an operator's. Sets `c.var.operator`.
 */
export function operatorAuth(
  config: SecretConfig,
): MiddlewareHandler<AppEnv & { Variables: OperatorVariables }> {
  const secret = operatorTokenSecret(config);
  const realm = 'Bearer realm="giftloop-operator"';
  return async function operatorAuth(c, next) {
    const header = c.req.header("authorization");
    if (!header) {
      throw new ProblemError(401, "unauthorized", {
        detail: "This operation needs an operator token (Authorization: Bearer <token>).",
        headers: { "www-authenticate": realm },
      });
    }
    const token = bearerToken(header);
    const check: OperatorTokenCheck = token ? await verifyOperatorToken(secret, token) : { ok: false, reason: "invalid" };
    if (!check.ok) {
      if (check.reason === "wrong_role") {
        throw new ProblemError(403, "forbidden", {
          detail: "This operation needs a token with the operator role.",
          headers: { "www-authenticate": `${realm}, error="insufficient_scope"` },
        });
      }
      const expired = check.reason === "expired";
      throw new ProblemError(401, expired ? "token_expired" : "invalid_token", {
        detail: expired ? "The operator token has expired." : "The operator token is not valid.",
        headers: { "www-authenticate": `${realm}, error="invalid_token"` },
      });
    }
    c.set("operator", check.claims);
    await next();
  };
}
