import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Shopify webhook verification: `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of the raw
 * request body keyed by the app's client secret. Compare in constant time, over the raw bytes
 * (re-serialised JSON would not match).
 */
export function verifyShopifyHmac(rawBody: string | Buffer, hmacHeader: string | null | undefined, secret: string): boolean {
  if (!hmacHeader) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  let given: Buffer;
  try {
    given = Buffer.from(hmacHeader, "base64");
  } catch {
    return false;
  }
  return given.length === expected.length && timingSafeEqual(given, expected);
}

