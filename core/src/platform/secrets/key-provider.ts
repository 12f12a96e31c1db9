/**
 * A key provider makes and unwraps data keys; the SecretBox does the bulk encryption.
 * The encryption context is bound into the wrapping (local: AES-GCM AAD; KMS: its
 * EncryptionContext), so a wrapped key only unwraps for the record it was made for.
 */
export type SecretContext = Record<string, string>;

export interface DataKey {
  /** 32 bytes. The caller wipes it (`fill(0)`) when done. */
  plaintext: Buffer;
  wrapped: Buffer;
  /** The master key that wrapped it, recorded with the ciphertext. */
  keyId: string;
}

export interface KeyProvider {
  readonly name: "local" | "kms";
  generateDataKey(context: SecretContext): Promise<DataKey>;
  unwrapDataKey(wrapped: Buffer, keyId: string, context: SecretContext): Promise<Buffer>;
}

/**
 * A value that cannot be decrypted: wrong context, wrong key, or altered bytes. The
 * message never contains key material or plaintext.
 */
export class SecretDecryptError extends Error {
  constructor(message = "secret could not be decrypted (wrong context or key, or the data was altered)") {
    super(message);
    this.name = "SecretDecryptError";
  }
}

/**
 * Canonical JSON of a context: keys sorted, values must be strings. Built by hand because
 * JSON.stringify keeps insertion order and JS objects put integer-like keys ("10", "9")
 * first in numeric order, whatever order they were added in.
 */
export function canonicalContext(context: SecretContext): string {
  const keys = Object.keys(context).sort();
  for (const k of keys) {
    if (typeof context[k] !== "string") throw new TypeError(`encryption context value ${JSON.stringify(k)} must be a string`);
  }
  return `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(context[k])}`).join(",")}}`;
}
