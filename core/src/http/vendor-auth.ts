import type { Context, MiddlewareHandler } from "hono";
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, LogSeverity, shopifyApi, type Shopify } from "@shopify/shopify-api";
import type { Config } from "../platform/config.ts";
import type { Deps } from "../platform/deps.ts";
import { localKey } from "../platform/local-keys.ts";
import { ProblemError } from "./problem.ts";
import type { AppEnv } from "./request-context.ts";
import { isShopDomain } from "../platform/shop-domain.ts";
import { bearerToken } from "./bearer.ts";
import { vendorContext, type VendorContext as VendorUseCaseContext } from "../platform/use-case.ts";

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


export type SessionTokenCheck = { ok: true; shop: string; userId: string | undefined } | { ok: false; reason: string };

const decoders = new Map<string, Shopify["session"]["decodeSessionToken"]>();

/** Shopify's own session-token decoder (`@shopify/shopify-api`) for this app's key and secret. */
function sessionTokenDecoder(secret: string, apiKey: string): Shopify["session"]["decodeSessionToken"] {
  const key = `${apiKey}\u0000${secret}`;
  let decode = decoders.get(key);
  if (!decode) {
    decode = shopifyApi({
      apiKey,
      apiSecretKey: secret,
      apiVersion: ApiVersion.October26, // unused by decoding; any supported version
      hostName: "localhost",
      isEmbeddedApp: true,
      logger: { level: LogSeverity.Error, log: async () => {} },
    }).session.decodeSessionToken;
    decoders.set(key, decode);
  }
  return decode;
}

/**
 * Verifies an App Bridge session token with Shopify's library (HS256 signature with the app's
 * secret, time window with its 10 s leeway, audience = the app's key), then that `dest` is a
 * shop domain and `iss` that shop's admin. The library's errors quote the token, so only the
 * reason leaves this function.
 */
export async function verifySessionToken(token: string, opts: { secret: string; apiKey: string }): Promise<SessionTokenCheck> {
  let claims: Record<string, unknown>;
  try {
    claims = (await sessionTokenDecoder(opts.secret, opts.apiKey)(token)) as unknown as Record<string, unknown>;
  } catch (err) {
    const message = err instanceof Error ? err.message : "";
    if (message.includes('"exp"')) return { ok: false, reason: "expired" };
    if (message.includes('"nbf"')) return { ok: false, reason: "not_yet_valid" };
    if (message.includes("invalid API key")) return { ok: false, reason: "audience" };
    return { ok: false, reason: "signature" };
  }
  if (typeof claims.exp !== "number") return { ok: false, reason: "expired" };
  const dest = typeof claims.dest === "string" ? claims.dest : "";
  const shop = /^https:\/\/([^/]+)$/.exec(dest)?.[1]?.toLowerCase() ?? "";
  if (!isShopDomain(shop)) return { ok: false, reason: "destination" };
  if (typeof claims.iss === "string" && claims.iss !== `https://${shop}/admin`) return { ok: false, reason: "issuer" };
  return { ok: true, shop, userId: typeof claims.sub === "string" ? claims.sub : undefined };
}

export function vendorAuth(deps: Pick<Deps, "db" | "config">): MiddlewareHandler<VendorEnv> {
  const secret = shopifyApiSecret(deps.config);
  return async function vendorAuth(c, next) {
    const token = bearerToken(c.req.header("authorization"));
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

/**
 * The use-case context of a request behind `vendorAuth`: the brand as tenant, the Shopify
 * user (or the shop) as actor, the request's logger and id. `via` names the surface when it
 * is not the app itself (e.g. "product action"), for the audit log.
 */
export function vendorRequestContext(c: Context<VendorEnv>, deps: Pick<Deps, "db">, via?: string): VendorUseCaseContext {
  const v = c.get("vendor");
  return vendorContext({
    db: deps.db,
    vendorId: v.vendorId,
    actor: `shopify:${v.shop}${v.userId ? `/${v.userId}` : ""}${via ? ` (${via})` : ""}`,
    log: c.get("log"),
    requestId: c.get("requestId"),
  });
}
