/**
 * The credential of an `Authorization: Bearer <token>` header (RFC 6750 section 2.1: the
 * scheme in any case, then a token68), or undefined for a missing or malformed header.
 * The one parser for every bearer credential the product accepts: Shopify session tokens,
 * buyer API keys, recipient tokens and operator tokens.
 */
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

export function bearerToken(header: string | null | undefined): string | undefined {
  if (!header || header.length > 8192) return undefined;
  return BEARER.exec(header)?.[1];
}
