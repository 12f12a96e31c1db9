/** Rules both drivers share for what they store and how a download link behaves. */

/**
 * `Content-Disposition: attachment` with a filename browsers agree on: an ASCII fallback in
 * `filename="..."` plus the exact UTF-8 name in `filename*` (RFC 6266 / RFC 8187).
 */
export function attachmentDisposition(filename: string): string {
  // Quotes, backslashes, slashes and control characters cannot break out of the header or
  // smuggle a path; non-ASCII falls back to "_" in the legacy parameter only.
  // eslint-disable-next-line no-control-regex
  const cleaned = filename.replace(/[\u0000-\u001f\u007f"\\/]/g, "_").trim() || "download";
  const ascii = cleaned.replace(/[^\x20-\x7e]/g, "_");
  const encoded = encodeURIComponent(cleaned).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** One lifetime rule for both drivers; S3 refuses presigned URLs beyond 7 days. */
export const DEFAULT_DOWNLOAD_EXPIRY_SECONDS = 15 * 60;
export const MAX_DOWNLOAD_EXPIRY_SECONDS = 7 * 24 * 60 * 60;

export function resolveExpiry(expiresInSeconds: number | undefined): number {
  const s = expiresInSeconds ?? DEFAULT_DOWNLOAD_EXPIRY_SECONDS;
  if (!Number.isInteger(s) || s < 1 || s > MAX_DOWNLOAD_EXPIRY_SECONDS) {
    throw new RangeError(`expiresInSeconds must be an integer from 1 to ${MAX_DOWNLOAD_EXPIRY_SECONDS}`);
  }
  return s;
}

/** A content type becomes a response header later: refuse anything that could break it. */
export function assertValidContentType(contentType: string): void {
  if (typeof contentType !== "string" || !/^[\x20-\x7e]{1,255}$/.test(contentType) || !contentType.includes("/")) {
    throw new TypeError(`invalid content type ${JSON.stringify(contentType)}`);
  }
}
