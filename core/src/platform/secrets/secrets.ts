/**
 * Envelope encryption for values stored in the database (Shopify offline tokens, Xero
 * tokens, SMTP passwords, redemption codes for re-display): each value is encrypted with
 * AES-256-GCM under its own random data key; the data key is wrapped by a key provider
 * (a local master key from configuration, or AWS KMS).
 */
export interface Envelope {
  ciphertext: Buffer;
  iv: Buffer;
  authTag: Buffer;
  wrappedKey: Buffer;
  provider: "local" | "kms";
  keyId: string;
}

export interface SecretBox {
  readonly provider: "local" | "kms";
  /** `context` is bound into the encryption (AAD / KMS encryption context): decrypt needs the same. */
  encrypt(plaintext: string, context: Record<string, string>): Promise<Envelope>;
  decrypt(envelope: Envelope, context: Record<string, string>): Promise<string>;
  /** Compact single-string form for columns that must stay strings (e.g. Session.accessToken). */
  seal(plaintext: string, context: Record<string, string>): Promise<string>;
  open(sealed: string, context: Record<string, string>): Promise<string>;
  /**
   * Seals many values under ONE data key (one provider call, e.g. one KMS GenerateDataKey for
   * a 10,000-unit order), bound to `batchContext`; each value is still bound to its own
   * `context` through the GCM AAD, so `open(sealed, context)` needs that value's context.
   */
  sealMany(items: Array<{ plaintext: string; context: Record<string, string> }>, batchContext: Record<string, string>): Promise<string[]>;
}
