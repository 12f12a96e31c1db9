import { createHmac, timingSafeEqual } from "node:crypto";
import type { Config } from "../config.ts";
import { localKey } from "../local-keys.ts";

/**
 * Signed download links for the local driver: the core API serves `/files/<key>` only when
 * the query carries an unexpired HMAC-SHA256 signature over the key, the expiry and the
 * optional download filename. Anyone holding the link can download until it expires, like
 * an S3 presigned URL; changing any part of it breaks the signature.
 */

/** The key that signs links: SIGNING_SECRET, or a generated development key. */
export function downloadSigningKey(config: Pick<Config, "SIGNING_SECRET" | "DATA_DIR" | "NODE_ENV">): Buffer {
  return config.SIGNING_SECRET ? Buffer.from(config.SIGNING_SECRET, "utf8") : localKey(config, "signing-secret");
}

export interface DownloadClaims {
  key: string;
  /** Unix seconds. */
  expires: number;
  filename?: string | undefined;
}

// The purpose prefix keeps these signatures from ever matching another use of
// SIGNING_SECRET; keys cannot contain "\n" (see keys.ts) and the filename is last, so the
// fields cannot be shifted into one another.
function message(c: DownloadClaims): string {
  return `giftloop-file-download-v1\n${c.key}\n${c.expires}\n${c.filename ?? ""}`;
}

export function signDownload(signingKey: Buffer, claims: DownloadClaims): string {
  return createHmac("sha256", signingKey).update(message(claims)).digest("base64url");
}

export type SignatureCheck = { ok: true } | { ok: false; reason: "invalid" | "expired" };

/**
 * Checks a link's query values. `expires` and `sig` are the raw query strings (possibly
 * missing); the signature is checked before the expiry so a tampered expiry reads as invalid.
 */
export function verifyDownloadSignature(
  signingKey: Buffer,
  query: { key: string; expires: string | undefined; sig: string | undefined; filename?: string | undefined },
  nowMs: number = Date.now(),
): SignatureCheck {
  const { key, expires, sig } = query;
  if (!expires || !sig || !/^\d{1,12}$/.test(expires) || !/^[A-Za-z0-9_-]{43}$/.test(sig)) {
    return { ok: false, reason: "invalid" };
  }
  const expected = Buffer.from(signDownload(signingKey, { key, expires: Number(expires), filename: query.filename || undefined }));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "invalid" };
  if (Number(expires) * 1000 <= nowMs) return { ok: false, reason: "expired" };
  return { ok: true };
}
