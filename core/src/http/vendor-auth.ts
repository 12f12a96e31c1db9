import type { MiddlewareHandler } from "hono";
import { verify } from "hono/jwt";
import type { Config } from "../platform/config.ts";
import type { Deps } from "../platform/deps.ts";
import { localKey } from "../platform/local-keys.ts";
import { ProblemError } from "./problem.ts";
import type { AppEnv } from "./request-context.ts";

/**
 * Brand staff reach the core's vendor API (`/v1/vendor`) from the embedded app and its admin
 * extensions with a Shopify session token (App Bridge `shopify.idToken()`): an HS256 JWT
 * signed with the app's client secret whose `dest` names the shop. The tenant (vendor) is
 * resolved from it once, here; routes behind it read `c.var.vendor` and never take a vendor
 * id from the request.
 */
export const VENDOR_SECURITY_SCHEME = "shopifySessionToken";
export const vendorSecurityScheme = {
  type: "http" as const,
  scheme: "bearer",
  bearerFormat: "JWT",
  description:
    "A Shopify session token (App Bridge `shopify.idToken()`), signed with the app's client secret; " +
    "its `dest` claim names the shop, hence the brand.",
};

export interface VendorContext {
  vendorId: string;
  shop: string;
  /** Shopify user id (`sub`), when the token names one. */
  userId: string | undefined;
}
export interface VendorVariables {
  vendor: VendorContext;
}
export type VendorEnv = AppEnv & { Variables: VendorVariables };

type SecretConfig = Pick<Config, "SHOPIFY_API_SECRET" | "DATA_DIR" | "NODE_ENV">;

/** The app's client secret; outside production a generated key kept in DATA_DIR/keys. */
export function shopifyApiSecret(config: SecretConfig): string {
  return config.SHOPIFY_API_SECRET ?? localKey(config, "shopify-api-secret").toString("base64url");
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export type SessionTokenCheck = { ok: true; shop: string; userId: string | undefined } | { ok: false; reason: string };

/** Verifies signature, audience, issuer/destination and time window (5 s clock leeway). */
export async function verifySessionToken(
  token: string,
  opts: { secret: string; apiKey: string; now?: Date },
): Promise<SessionTokenCheck> {
  let claims: Record<string, unknown>;
  try {
    // Time checks are done below with leeway; hono's verify would reject without it.
    claims = (await verify(token, opts.secret, { alg: "HS256", exp: false, nbf: false, iat: false })) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: "signature" };
  }
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const leeway = 5;
  if (typeof claims.exp !== "number" || claims.exp + leeway < now) return { ok: false, reason: "expired" };
  if (typeof claims.nbf === "number" && claims.nbf - leeway > now) return { ok: false, reason: "not_yet_valid" };
  const aud = claims.aud;
  if (!(aud === opts.apiKey || (Array.isArray(aud) && aud.includes(opts.apiKey)))) return { ok: false, reason: "audience" };
  const dest = typeof claims.dest === "string" ? claims.dest : "";
  const shop = /^https:\/\/([^/]+)$/.exec(dest)?.[1]?.toLowerCase() ?? "";
  if (!SHOP_DOMAIN.test(shop)) return { ok: false, reason: "destination" };
  if (typeof claims.iss === "string" && claims.iss !== `https://${shop}/admin`) return { ok: false, reason: "issuer" };
  return { ok: true, shop, userId: typeof claims.sub === "string" ? claims.sub : undefined };
}

export function vendorAuth(deps: Pick<Deps, "db" | "config">): MiddlewareHandler<VendorEnv> {
  const secret = shopifyApiSecret(deps.config);
  return async function vendorAuth(c, next) {
    const token = /^Bearer +(\S+) *$/i.exec(c.req.header("authorization") ?? "")?.[1];
    const challenge = { "www-authenticate": 'Bearer realm="giftloop-vendor"' };
    if (!token) {
      throw new ProblemError(401, "unauthorized", {
        detail: "This operation needs a Shopify session token (Authorization: Bearer <shopify.idToken()>).",
        headers: challenge,
      });
    }
    const check = await verifySessionToken(token, { secret, apiKey: deps.config.SHOPIFY_API_KEY });
    if (!check.ok) {
      c.var.log.info({ reason: check.reason }, "session token rejected");
      throw new ProblemError(401, "invalid_session_token", {
        detail: `The session token is not valid (${check.reason.replace(/_/g, " ")}).`,
        headers: challenge,
      });
    }
    const rows = await deps.db.sql.query<{ id: string; status: string }>(
      "SELECT id::text, status::text FROM vendor WHERE shop_domain = $1",
      [check.shop],
    );
    const vendor = rows[0];
    if (!vendor) throw new ProblemError(403, "app_not_installed", "The app is not installed on this shop.");
    if (vendor.status !== "active") throw new ProblemError(403, "app_uninstalled", "The app was uninstalled from this shop.");
    c.set("vendor", { vendorId: vendor.id, shop: check.shop, userId: check.userId });
    await next();
  };
}
