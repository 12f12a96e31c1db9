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

const keys = new WeakMap<object, Buffer>();
function key(config: KeyConfig): Buffer {
  let k = keys.get(config);
  if (!k) {
    k = createHmac("sha256", downloadSigningKey(config)).update("giftloop:recipient-token:v1").digest();
    keys.set(config, k);
  }
  return k;
}

const mac = (k: Buffer, body: string) => createHmac("sha256", k).update(body).digest();

export async function mintRecipientToken(config: KeyConfig, unitId: string, now = Date.now()): Promise<string> {
  const body = `${unitId}.${Math.floor(now / 1000) + RECIPIENT_TOKEN_TTL_SECONDS}`;
  return `${body}.${mac(key(config), body).toString("base64url")}`;
}

/** The unit id, or undefined for a missing, malformed, forged or expired token. */
export async function verifyRecipientToken(config: KeyConfig, token: string, now = Date.now()): Promise<string | undefined> {
  const m = /^([0-9a-f-]{36})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return undefined;
  const [, unitId, exp, sig] = m as unknown as [string, string, string, string];
  const expected = mac(key(config), `${unitId}.${exp}`);
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return Number(exp) * 1000 > now ? unitId : undefined;
}
