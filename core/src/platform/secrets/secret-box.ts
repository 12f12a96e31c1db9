import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { Config } from "../config.ts";
import type { Envelope, SecretBox } from "./secrets.ts";
import { canonicalContext, SecretDecryptError, type KeyProvider, type SecretContext } from "./key-provider.ts";
import { LocalKeyProvider, localMasterKey } from "./local-provider.ts";
import { KmsKeyProvider, kmsClientFromConfig } from "./kms-provider.ts";

/**
 * Envelope encryption: every value gets its own random 256-bit data key (from the
 * provider, which also wraps it); the value is encrypted with AES-256-GCM under that key,
 * with the canonical JSON of the context as additional authenticated data. Decrypting
 * with any other context fails, both at the provider and at GCM.
 *
 * Sealed string form: `v1.<provider>.<keyId>.<iv>.<tag>.<wrappedKey>.<ciphertext>`, the
 * last four base64url. A key id may contain dots (it is everything between the provider
 * and the last four parts).
 */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const B64URL = /^[A-Za-z0-9_-]*$/;

export class EnvelopeSecretBox implements SecretBox {
  constructor(private readonly keys: KeyProvider) {}

  get provider(): "local" | "kms" {
    return this.keys.name;
  }

  async encrypt(plaintext: string, context: SecretContext): Promise<Envelope> {
    if (typeof plaintext !== "string") throw new TypeError("plaintext must be a string");
    const aad = Buffer.from(canonicalContext(context), "utf8");
    const dataKey = await this.keys.generateDataKey(context);
    try {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", dataKey.plaintext, iv).setAAD(aad);
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return { ciphertext, iv, authTag: cipher.getAuthTag(), wrappedKey: dataKey.wrapped, provider: this.keys.name, keyId: dataKey.keyId };
    } finally {
      dataKey.plaintext.fill(0);
    }
  }

  async decrypt(envelope: Envelope, context: SecretContext): Promise<string> {
    const aad = Buffer.from(canonicalContext(context), "utf8");
    if (envelope.provider !== this.keys.name) {
      throw new SecretDecryptError(`secret was sealed by the ${envelope.provider} provider, but this process uses ${this.keys.name}`);
    }
    if (envelope.iv.length !== IV_BYTES || envelope.authTag.length !== TAG_BYTES) throw new SecretDecryptError();
    const key = await this.keys.unwrapDataKey(Buffer.from(envelope.wrappedKey), envelope.keyId, context);
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, envelope.iv).setAAD(aad).setAuthTag(envelope.authTag);
      return Buffer.concat([decipher.update(envelope.ciphertext), decipher.final()]).toString("utf8");
    } catch {
      throw new SecretDecryptError();
    } finally {
      key.fill(0);
    }
  }

  async seal(plaintext: string, context: SecretContext): Promise<string> {
    const e = await this.encrypt(plaintext, context);
    const parts = [e.iv, e.authTag, e.wrappedKey, e.ciphertext].map((b) => b.toString("base64url"));
    return ["v1", e.provider, e.keyId, ...parts].join(".");
  }

  async open(sealed: string, context: SecretContext): Promise<string> {
    return this.decrypt(parseSealed(sealed), context);
  }
}

/** Parses a sealed string; malformed input is a SecretDecryptError, never a crash. */
export function parseSealed(sealed: string): Envelope {
  const parts = typeof sealed === "string" ? sealed.split(".") : [];
  if (parts.length < 7 || parts[0] !== "v1") throw new SecretDecryptError("not a sealed secret (expected v1.<provider>.<keyId>.…)");
  const provider = parts[1];
  if (provider !== "local" && provider !== "kms") throw new SecretDecryptError(`unknown secret provider ${JSON.stringify(provider)}`);
  const keyId = parts.slice(2, -4).join(".");
  const [iv, authTag, wrappedKey, ciphertext] = parts.slice(-4).map((p) => {
    if (!B64URL.test(p)) throw new SecretDecryptError("not a sealed secret (bad encoding)");
    return Buffer.from(p, "base64url");
  }) as [Buffer, Buffer, Buffer, Buffer];
  if (!keyId || wrappedKey.length === 0) throw new SecretDecryptError("not a sealed secret (missing parts)");
  return { provider, keyId, iv, authTag, wrappedKey, ciphertext };
}

type SecretsConfig = Pick<Config, "SECRETS_PROVIDER" | "SECRETS_LOCAL_KEY" | "KMS_KEY_ID" | "DATA_DIR" | "NODE_ENV" | "AWS_REGION" | "AWS_ENDPOINT_URL">;

/** The configured SecretBox: local master key by default, AWS KMS when SECRETS_PROVIDER=kms. */
export function createSecretBox(config: SecretsConfig): SecretBox {
  switch (config.SECRETS_PROVIDER) {
    case "local":
      return new EnvelopeSecretBox(new LocalKeyProvider(localMasterKey(config)));
    case "kms":
      // config.ts already requires KMS_KEY_ID with this provider; this narrows the type.
      if (!config.KMS_KEY_ID) throw new Error("KMS_KEY_ID is required when SECRETS_PROVIDER=kms");
      return new EnvelopeSecretBox(new KmsKeyProvider(kmsClientFromConfig(config), config.KMS_KEY_ID));
  }
}
