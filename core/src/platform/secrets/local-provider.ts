import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { Config } from "../config.ts";
import { localKey } from "../local-keys.ts";
import { canonicalContext, SecretDecryptError, type DataKey, type KeyProvider, type SecretContext } from "./key-provider.ts";

/**
 * Data keys wrapped with AES-256-GCM under a 32-byte master key from configuration
 * (SECRETS_LOCAL_KEY), or a generated development key in DATA_DIR/keys/secrets-master.
 *
 * Wrapped form: version byte (1) | iv (12) | tag (16) | encrypted data key (32).
 * The key id is a fingerprint of the master key ("local:" + 8 hex of its SHA-256), so a
 * value sealed under another master key is recognised as such, not as tampering.
 */
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export function localMasterKey(config: Pick<Config, "SECRETS_LOCAL_KEY" | "DATA_DIR" | "NODE_ENV">): Buffer {
  return config.SECRETS_LOCAL_KEY ? Buffer.from(config.SECRETS_LOCAL_KEY, "base64") : localKey(config, "secrets-master");
}

export function localKeyId(masterKey: Buffer): string {
  return `local:${createHash("sha256").update(masterKey).digest("hex").slice(0, 8)}`;
}

export class LocalKeyProvider implements KeyProvider {
  readonly name = "local" as const;
  readonly keyId: string;
  // A private field: it never shows up in util.inspect / console.log of the provider.
  readonly #master: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== KEY_BYTES) throw new Error(`the local master key must be ${KEY_BYTES} bytes`);
    this.#master = Buffer.from(masterKey);
    this.keyId = localKeyId(this.#master);
  }

  async generateDataKey(context: SecretContext): Promise<DataKey> {
    const aad = Buffer.from(canonicalContext(context), "utf8");
    const plaintext = randomBytes(KEY_BYTES);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#master, iv).setAAD(aad);
    const encrypted = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const wrapped = Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), encrypted]);
    return { plaintext, wrapped, keyId: this.keyId };
  }

  async unwrapDataKey(wrapped: Buffer, keyId: string, context: SecretContext): Promise<Buffer> {
    const aad = Buffer.from(canonicalContext(context), "utf8");
    if (keyId !== this.keyId) {
      throw new SecretDecryptError(`secret was sealed under local master key ${keyId}, but this process has ${this.keyId}`);
    }
    if (wrapped.length !== 1 + IV_BYTES + TAG_BYTES + KEY_BYTES || wrapped[0] !== VERSION) throw new SecretDecryptError();
    const iv = wrapped.subarray(1, 1 + IV_BYTES);
    const tag = wrapped.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const encrypted = wrapped.subarray(1 + IV_BYTES + TAG_BYTES);
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.#master, iv).setAAD(aad).setAuthTag(tag);
      return Buffer.concat([decipher.update(encrypted), decipher.final()]);
    } catch {
      throw new SecretDecryptError();
    }
  }
}
