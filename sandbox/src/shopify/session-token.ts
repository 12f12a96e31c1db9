import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { isShopDomain } from "@giftloop/core/platform/shop-domain";

/**
 * Shopify session tokens (App Bridge ID tokens): HS256 JWTs signed with the app's client
 * secret, as Shopify admin issues them to an embedded app.
 *   iss https://{shop}/admin, dest https://{shop}, aud = client id (API key), sub = staff user id,
 *   exp/nbf/iat (one-minute lifetime), jti, sid.
 */
export interface SessionTokenClaims {
  iss: string;
  dest: string;
  aud: string;
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  sid: string;
  sig?: string;
}

export interface MintSessionTokenOptions {
  shop: string;
  apiKey: string;
  apiSecret: string;
  /** Staff user id; default "42". */
  userId?: string;
  /** Session id; default a fresh one. */
  sid?: string;
  /** Lifetime in seconds; Shopify's are 60. */
  ttlSeconds?: number;
  /** Unix seconds; default now. */
  now?: number;
}

const b64url = (s: string | Buffer) => Buffer.from(s).toString("base64url");

/** A valid session token for `shop`, as Shopify admin would hand it to the embedded app. */
export function mintSessionToken(opts: MintSessionTokenOptions): string {
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const claims: SessionTokenClaims = {
    iss: `https://${opts.shop}/admin`,
    dest: `https://${opts.shop}`,
    aud: opts.apiKey,
    sub: opts.userId ?? "42",
    exp: now + (opts.ttlSeconds ?? 60),
    nbf: now,
    iat: now,
    jti: randomUUID(),
    sid: opts.sid ?? randomUUID().replace(/-/g, ""),
  };
  return signHs256(claims, opts.apiSecret);
}

export function signHs256(claims: object, secret: string): string {
  const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${sig}`;
}

/** The claims of a session token signed with `secret` for `apiKey`, or a reason it is not valid. */
export function verifySessionToken(
  token: string,
  opts: { apiKey: string; apiSecret: string; now?: number; clockToleranceSeconds?: number },
): { ok: true; claims: SessionTokenClaims; shop: string } | { ok: false; reason: string } {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "malformed token" };
  const [head, body, sig] = parts as [string, string, string];
  let header: { alg?: string };
  let claims: SessionTokenClaims;
  try {
    header = JSON.parse(Buffer.from(head, "base64url").toString("utf8")) as { alg?: string };
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as SessionTokenClaims;
  } catch {
    return { ok: false, reason: "malformed token" };
  }
  if (header.alg !== "HS256") return { ok: false, reason: "unsupported algorithm" };
  const expected = createHmac("sha256", opts.apiSecret).update(`${head}.${body}`).digest();
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "bad signature" };
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const tol = opts.clockToleranceSeconds ?? 10;
  if (typeof claims.exp !== "number" || claims.exp + tol < now) return { ok: false, reason: "expired" };
  if (typeof claims.nbf === "number" && claims.nbf - tol > now) return { ok: false, reason: "not yet valid" };
  if (claims.aud !== opts.apiKey) return { ok: false, reason: "wrong audience" };
  const m = /^https:\/\/([^/]+)$/.exec(claims.dest ?? "");
  if (!m || !isShopDomain(m[1])) return { ok: false, reason: "bad dest" };
  if (!claims.iss?.startsWith(`${claims.dest}`)) return { ok: false, reason: "iss and dest disagree" };
  return { ok: true, claims, shop: m[1]! };
}
