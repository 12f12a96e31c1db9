import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import type { Config } from "../config.ts";
import { canonicalContext, SecretDecryptError, type DataKey, type KeyProvider, type SecretContext } from "./key-provider.ts";

/**
 * Data keys from AWS KMS: GenerateDataKey (AES_256) under KMS_KEY_ID, Decrypt to unwrap.
 * The context goes in as the KMS EncryptionContext, so KMS itself refuses to unwrap a key
 * for another record (and CloudTrail shows which record each Decrypt was for).
 *
 * Credentials come from the SDK's default chain; nothing here reads or passes keys.
 */
export function kmsClientFromConfig(config: Pick<Config, "AWS_REGION" | "AWS_ENDPOINT_URL">): KMSClient {
  return new KMSClient({
    region: config.AWS_REGION,
    // As for S3: only configuration (config.ts) decides the endpoint, not the SDK's own
    // AWS_ENDPOINT_URL(_KMS) / profile lookup.
    ignoreConfiguredEndpointUrls: true,
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
  });
}

/** KMS answers a ciphertext it will not decrypt for this key/context with one of these. */
const UNDECRYPTABLE = new Set(["InvalidCiphertextException", "IncorrectKeyException"]);

export class KmsKeyProvider implements KeyProvider {
  readonly name = "kms" as const;

  constructor(
    private readonly client: KMSClient,
    /** Key id, ARN or alias to create data keys under. */
    readonly keyId: string,
  ) {}

  async generateDataKey(context: SecretContext): Promise<DataKey> {
    canonicalContext(context); // same validation as the local provider, before any call
    const res = await this.client.send(
      new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: "AES_256", EncryptionContext: context }),
    );
    if (!res.Plaintext || !res.CiphertextBlob) throw new Error("KMS GenerateDataKey returned no key");
    const plaintext = Buffer.from(res.Plaintext);
    res.Plaintext.fill(0);
    // KMS reports the key ARN it used: recording that (not an alias) pins Decrypt to it.
    return { plaintext, wrapped: Buffer.from(res.CiphertextBlob), keyId: res.KeyId ?? this.keyId };
  }

  async unwrapDataKey(wrapped: Buffer, keyId: string, context: SecretContext): Promise<Buffer> {
    canonicalContext(context);
    try {
      const res = await this.client.send(new DecryptCommand({ CiphertextBlob: wrapped, EncryptionContext: context, KeyId: keyId }));
      if (!res.Plaintext) throw new Error("KMS Decrypt returned no key");
      const plaintext = Buffer.from(res.Plaintext);
      res.Plaintext.fill(0);
      return plaintext;
    } catch (err) {
      // Wrong context / key / altered blob is a decrypt failure; throttling, network or
      // permission errors stay what they are so they are retried or alerted on.
      if (UNDECRYPTABLE.has((err as { name?: string } | undefined)?.name ?? "")) throw new SecretDecryptError();
      throw err;
    }
  }
}
