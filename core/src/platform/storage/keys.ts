/**
 * Storage keys are relative, slash-separated paths (`manifests/<vendor>/<id>.pdf`). Both
 * drivers accept exactly the same keys, so code that works against the local folder keeps
 * working on S3, and no key can ever name a file outside the local storage root.
 */
export class InvalidKeyError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid storage key ${JSON.stringify(key)}: ${reason}`);
    this.name = "InvalidKeyError";
  }
}

/** S3's own limit on key length, applied to both drivers. */
const MAX_KEY_BYTES = 1024;

// Control characters have no business in a key and would break headers and log lines.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function assertValidKey(key: string): void {
  if (typeof key !== "string" || key.length === 0) throw new InvalidKeyError(String(key), "must be a non-empty string");
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) throw new InvalidKeyError(key, `longer than ${MAX_KEY_BYTES} bytes`);
  if (key.includes("\\")) throw new InvalidKeyError(key, "backslashes are not allowed (use /)");
  if (key.startsWith("/")) throw new InvalidKeyError(key, "absolute paths are not allowed");
  if (CONTROL.test(key)) throw new InvalidKeyError(key, "control characters are not allowed");
  for (const segment of key.split("/")) {
    if (segment === "..") throw new InvalidKeyError(key, "'..' segments are not allowed");
    if (segment === ".") throw new InvalidKeyError(key, "'.' segments are not allowed");
    if (segment === "") throw new InvalidKeyError(key, "empty segments (// or a trailing /) are not allowed");
  }
}

/** `a b/c.pdf` -> `a%20b/c.pdf`: each segment encoded, the slashes kept. */
export function encodeKeyForUrl(key: string): string {
  return key.split("/").map(encodeURIComponent).join("/");
}
