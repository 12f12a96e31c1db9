import { createHash, randomBytes } from "node:crypto";

/**
 * Buyer API keys: `gl_sk_<prefix>_<secret>`. The whole key is shown once, at creation;
 * only its SHA-256 is stored (a high-entropy key needs no slow hash), and the prefix is
 * kept to help people recognise a key in lists.
 */
const FORMAT = /^gl_sk_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  plaintext: string;
  prefix: string;
  hash: string;
}

export function generateApiKey(): NewApiKey {
  const prefix = randomBytes(6).toString("base64url").toLowerCase().replace(/[^a-z0-9]/g, "0").slice(0, 8);
  const secret = randomBytes(32).toString("base64url");
  const plaintext = `gl_sk_${prefix}_${secret}`;
  return { plaintext, prefix, hash: hashApiKey(plaintext) };
}

export function hashApiKey(plaintext: string): string {
  return createHash("sha256").update(plaintext).digest("hex");
}

/** Cheap shape check before any database lookup. */
export function looksLikeApiKey(s: string): boolean {
  return FORMAT.test(s);
}
