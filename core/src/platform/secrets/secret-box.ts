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
 *
 * Batches (`sealMany`): one data key wraps many values, bound to a batch context; the form is
 * `v2.<provider>.<keyId>.<batchContext>.<wrappedKey>.<iv>.<tag>.<ciphertext>` (last five
 * base64url, the batch context as canonical JSON). Opening unwraps with the batch context
 * (the provider refuses an altered one) and decrypts with the value's own context as AAD.
 * Unwrapped batch keys are kept in memory for a few minutes, so opening a whole batch (a
 * gift-links export) costs one provider call, not one per value.
 */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const B64URL = /^[A-Za-z0-9_-]*$/;

const BATCH_KEY_TTL_MS = 5 * 60_000;
const BATCH_KEY_CACHE_MAX = 256;

export class EnvelopeSecretBox implements SecretBox {
  private readonly batchKeys = new Map<string, { key: Promise<Buffer>; expires: number }>();

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
    if (typeof sealed === "string" && sealed.startsWith("v2.")) return this.openBatched(sealed, context);
    return this.decrypt(parseSealed(sealed), context);
  }

  async sealMany(items: Array<{ plaintext: string; context: SecretContext }>, batchContext: SecretContext): Promise<string[]> {
    if (items.length === 0) return [];
    const dataKey = await this.keys.generateDataKey(batchContext);
    try {
      const head = ["v2", this.keys.name, dataKey.keyId, Buffer.from(canonicalContext(batchContext), "utf8").toString("base64url"), dataKey.wrapped.toString("base64url")].join(".");
      return items.map(({ plaintext, context }) => {
        if (typeof plaintext !== "string") throw new TypeError("plaintext must be a string");
        const iv = randomBytes(IV_BYTES);
        const cipher = createCipheriv("aes-256-gcm", dataKey.plaintext, iv).setAAD(Buffer.from(canonicalContext(context), "utf8"));
        const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
        return [head, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(".");
      });
    } finally {
      dataKey.plaintext.fill(0);
    }
  }

  private async openBatched(sealed: string, context: SecretContext): Promise<string> {
    const parts = sealed.split(".");
    if (parts.length < 8) throw new SecretDecryptError("not a sealed secret (expected v2.<provider>.<keyId>.…)");
    const provider = parts[1];
    if (provider !== this.keys.name) throw new SecretDecryptError(`secret was sealed by the ${String(provider)} provider, but this process uses ${this.keys.name}`);
    const keyId = parts.slice(2, -5).join(".");
    const [batchCtx, wrapped, iv, tag, ciphertext] = parts.slice(-5) as [string, string, string, string, string];
    if (!keyId || ![batchCtx, wrapped, iv, tag, ciphertext].every((p) => B64URL.test(p))) throw new SecretDecryptError("not a sealed secret (bad encoding)");
    let batchContext: SecretContext;
    try {
      batchContext = JSON.parse(Buffer.from(batchCtx, "base64url").toString("utf8")) as SecretContext;
    } catch {
      throw new SecretDecryptError("not a sealed secret (bad batch context)");
    }
    const key = await this.batchKey(`${keyId}.${batchCtx}.${wrapped}`, () => this.keys.unwrapDataKey(Buffer.from(wrapped, "base64url"), keyId, batchContext));
    const ivBuf = Buffer.from(iv, "base64url");
    const tagBuf = Buffer.from(tag, "base64url");
    if (ivBuf.length !== IV_BYTES || tagBuf.length !== TAG_BYTES) throw new SecretDecryptError();
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, ivBuf).setAAD(Buffer.from(canonicalContext(context), "utf8")).setAuthTag(tagBuf);
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      throw new SecretDecryptError();
    }
  }

  /** Unwrapped batch keys, shared by concurrent opens and kept briefly (a failed unwrap is not kept). */
  private batchKey(id: string, unwrap: () => Promise<Buffer>): Promise<Buffer> {
    const now = Date.now();
    const hit = this.batchKeys.get(id);
    if (hit && hit.expires > now) return hit.key;
    if (this.batchKeys.size >= BATCH_KEY_CACHE_MAX) {
      for (const [k, v] of this.batchKeys) if (v.expires <= now || this.batchKeys.size >= BATCH_KEY_CACHE_MAX) this.batchKeys.delete(k);
    }
    const key = unwrap();
    this.batchKeys.set(id, { key, expires: now + BATCH_KEY_TTL_MS });
    key.catch(() => this.batchKeys.delete(id));
    return key;
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
