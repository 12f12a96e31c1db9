// Shopify's OAuth endpoints for the app: POST /admin/oauth/access_token (token exchange of a
// session token for an offline or online access token, and the authorization-code grant) and
// GET /admin/oauth/authorize (the code grant's redirect back to the app, signed with hmac).
import { createHmac, randomBytes } from "node:crypto";
import { shopOf, type StandInContext } from "./context.ts";
import { HttpError } from "./http-error.ts";
import { verifySessionToken, type SessionTokenClaims } from "./session-token.ts";
import type { ShopState } from "./state.ts";

const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
const ONLINE_TOKEN = "urn:shopify:params:oauth:token-type:online-access-token";
const OFFLINE_TOKEN = "urn:shopify:params:oauth:token-type:offline-access-token";

/** A new access token of the shop (`shpat_` offline, `shpua_` online). */
export function tokenFor(shop: ShopState, scope: string, online: boolean): string {
  const token = `${online ? "shpua" : "shpat"}_${randomBytes(16).toString("hex")}`;
  shop.tokens.set(token, { scope, online });
  return token;
}

/** An offline access token for the shop, as after an install. */
export function issueAccessToken(ctx: StandInContext, domain: string, scope = ctx.scopes): string {
  return tokenFor(shopOf(ctx, domain), scope, false);
}

/** Revokes every access token of the shop; answers how many there were. */
export function revokeAccessTokens(ctx: StandInContext, domain: string): number {
  const shop = shopOf(ctx, domain);
  const n = shop.tokens.size;
  shop.tokens.clear();
  return n;
}

function onlineTokenAnswer(ctx: StandInContext, shop: ShopState, access: string, claims: SessionTokenClaims) {
  return {
    access_token: access,
    scope: ctx.scopes,
    expires_in: 86399,
    associated_user_scope: ctx.scopes,
    session: claims.sid,
    associated_user: {
      id: Number(claims.sub),
      first_name: "Demo",
      last_name: "Staff",
      email: `staff${claims.sub}@${shop.domain}`,
      account_owner: true,
      locale: "en",
      collaborator: false,
      email_verified: true,
    },
  };
}

function exchangeSessionToken(ctx: StandInContext, shop: ShopState, params: Record<string, string>) {
  if (params.subject_token_type !== ID_TOKEN) {
    throw new HttpError(400, { error: "invalid_request", error_description: `subject_token_type must be ${ID_TOKEN}` });
  }
  const v = verifySessionToken(params.subject_token ?? "", { apiKey: ctx.apiKey, apiSecret: ctx.apiSecret });
  if (!v.ok || v.shop !== shop.domain) throw new HttpError(400, { error: "invalid_subject_token", error_description: v.ok ? "token is for another shop" : v.reason });
  const online = params.requested_token_type === ONLINE_TOKEN;
  if (!online && params.requested_token_type && params.requested_token_type !== OFFLINE_TOKEN) {
    throw new HttpError(400, { error: "invalid_request", error_description: "unsupported requested_token_type" });
  }
  const access = tokenFor(shop, ctx.scopes, online);
  if (!online) return { access_token: access, scope: ctx.scopes };
  return onlineTokenAnswer(ctx, shop, access, v.claims);
}

function exchangeCode(ctx: StandInContext, shop: ShopState, code: string) {
  const c = ctx.authorizationCodes.get(code);
  ctx.authorizationCodes.delete(code);
  if (!c || c.shop !== shop.domain || c.expires < Date.now()) {
    throw new HttpError(400, { error: "invalid_request", error_description: "The authorization code was not found or was already used" });
  }
  return { access_token: tokenFor(shop, c.scope, false), scope: c.scope };
}

/** POST /admin/oauth/access_token with the request's form or JSON parameters. */
export function accessTokenAnswer(ctx: StandInContext, shop: ShopState, params: Record<string, string>) {
  if (params.client_id !== ctx.apiKey || params.client_secret !== ctx.apiSecret) {
    throw new HttpError(400, { error: "invalid_client", error_description: "Client credentials are invalid" });
  }
  if (params.grant_type === TOKEN_EXCHANGE) return exchangeSessionToken(ctx, shop, params);
  if (params.code !== undefined) return exchangeCode(ctx, shop, params.code);
  throw new HttpError(400, { error: "unsupported_grant_type", error_description: "Unsupported grant_type" });
}

/** GET /admin/oauth/authorize: where to redirect the merchant (the app's redirect_uri with code, shop, state and hmac). */
export function authorizeRedirect(ctx: StandInContext, shop: ShopState, q: URLSearchParams): string {
  if (q.get("client_id") !== ctx.apiKey) throw new HttpError(400, { error: "invalid_request", error_description: "Unknown client_id" });
  const redirect = q.get("redirect_uri");
  if (!redirect) throw new HttpError(400, { error: "invalid_request", error_description: "redirect_uri is required" });
  const code = randomBytes(16).toString("hex");
  ctx.authorizationCodes.set(code, { shop: shop.domain, scope: q.get("scope") ?? ctx.scopes, expires: Date.now() + 60_000 });
  const params: Record<string, string> = {
    code,
    host: Buffer.from(`admin.shopify.com/store/${shop.domain.replace(".myshopify.com", "")}`).toString("base64url"),
    shop: shop.domain,
    state: q.get("state") ?? "",
    timestamp: String(Math.floor(Date.now() / 1000)),
  };
  const message = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join("&");
  const hmac = createHmac("sha256", ctx.apiSecret).update(message).digest("hex");
  const u = new URL(redirect);
  for (const [k, v] of Object.entries({ ...params, hmac })) u.searchParams.set(k, v);
  return u.toString();
}
