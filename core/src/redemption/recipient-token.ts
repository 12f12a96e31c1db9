import { createHmac, timingSafeEqual } from "node:crypto";
import type { Config } from "../platform/config.ts";
import { downloadSigningKey } from "../platform/storage/signed-url.ts";

/**
 * The recipient's short-lived token: proof that they typed (or followed) a valid code,
 * scoped to one unit: `<unit id>.<expiry, unix s>.<HMAC-SHA256, base64url>`, keyed by a
 * key derived from SIGNING_SECRET for this purpose only. Checked on every recipient
 * request, so it is a single HMAC (no JWT parsing or key import per request).
 */
export const RECIPIENT_TOKEN_TTL_SECONDS = 30 * 60;
type KeyConfig = Pick<Config, "SIGNING_SECRET" | "DATA_DIR" | "NODE_ENV">;

/**
 * Tokens this process has already verified, by their exact text, with their unit and
 * expiry: a recipient's page loads and polls repeat the same token, and a hit skips the
 * HMAC (the largest cost of a GET gift in the api after the socket writes). Only tokens
 * whose signature checked out are kept, and expiry is checked on every hit, so a hit
 * decides exactly what the HMAC would have. Bounded: the oldest go first.
 */
const VERIFIED_MAX = 20_000;
interface TokenKeyCache {
  key: Buffer;
  verified: Map<string, { unitId: string; expiresMs: number }>;
}

const keyCaches = new WeakMap<object, TokenKeyCache>();
function keyCache(config: KeyConfig): TokenKeyCache {
  let k = keyCaches.get(config);
  if (!k) {
    const key = createHmac("sha256", downloadSigningKey(config)).update("giftloop:recipient-token:v1").digest();
    k = { key, verified: new Map() };
    keyCaches.set(config, k);
  }
  return k;
}
const key = (config: KeyConfig) => keyCache(config).key;

const mac = (k: Buffer, body: string) => createHmac("sha256", k).update(body).digest();

export async function mintRecipientToken(config: KeyConfig, unitId: string, now = Date.now()): Promise<string> {
  const body = `${unitId}.${Math.floor(now / 1000) + RECIPIENT_TOKEN_TTL_SECONDS}`;
  return `${body}.${mac(key(config), body).toString("base64url")}`;
}

/** The unit id, or undefined for a missing, malformed, forged or expired token. */
export async function verifyRecipientToken(config: KeyConfig, token: string, now = Date.now()): Promise<string | undefined> {
  const ring = keyCache(config);
  const known = ring.verified.get(token);
  if (known) return known.expiresMs > now ? known.unitId : undefined;
  const m = /^([0-9a-f-]{36})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return undefined;
  const [, unitId, exp, sig] = m as unknown as [string, string, string, string];
  const expected = mac(ring.key, `${unitId}.${exp}`);
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const expiresMs = Number(exp) * 1000;
  if (expiresMs <= now) return undefined;
  if (ring.verified.size >= VERIFIED_MAX) ring.verified.delete(ring.verified.keys().next().value!);
  ring.verified.set(token, { unitId, expiresMs });
  return unitId;
}
