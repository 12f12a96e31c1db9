import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { Config } from "../config.ts";
import type { FileStorage, StoredFile } from "./storage.ts";
import { assertValidKey } from "./keys.ts";
import { assertValidContentType, attachmentDisposition, resolveExpiry } from "./download-options.ts";

/**
 * Files in an S3 bucket (production), downloaded through presigned GET URLs so the bytes
 * never pass through the core API.
 *
 * Credentials come from the SDK's default chain (environment, profile, instance/task
 * role); nothing here reads or passes keys.
 */
export function s3ClientFromConfig(config: Pick<Config, "AWS_REGION" | "AWS_ENDPOINT_URL">): S3Client {
  return new S3Client({
    region: config.AWS_REGION,
    // The SDK would also pick endpoints up from AWS_ENDPOINT_URL(_S3) and profile files on
    // its own; configuration (config.ts) is the one place that decides where we connect.
    ignoreConfiguredEndpointUrls: true,
    // A custom endpoint (moto, MinIO, LocalStack) is addressed by path: such servers
    // usually cannot resolve `<bucket>.<host>` names.
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL, forcePathStyle: true } : {}),
  });
}

export class S3FileStorage implements FileStorage {
  readonly driver = "s3" as const;

  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
  ) {}

  async put(key: string, body: Buffer | Uint8Array | string, opts: { contentType: string }): Promise<void> {
    assertValidKey(key);
    assertValidContentType(opts.contentType);
    const data = typeof body === "string" ? Buffer.from(body, "utf8") : body;
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: data, ContentType: opts.contentType, ContentLength: data.byteLength }),
    );
  }

  async get(key: string): Promise<StoredFile | undefined> {
    assertValidKey(key);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const body = Buffer.from((await res.Body?.transformToByteArray()) ?? new Uint8Array());
      return { key, body, contentType: res.ContentType ?? "application/octet-stream", size: body.length };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    assertValidKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    // S3 deletes are idempotent: a missing key is not an error.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async downloadUrl(key: string, opts: { expiresInSeconds?: number; filename?: string } = {}): Promise<string> {
    assertValidKey(key);
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ...(opts.filename ? { ResponseContentDisposition: attachmentDisposition(opts.filename) } : {}),
    });
    return getSignedUrl(this.client, command, { expiresIn: resolveExpiry(opts.expiresInSeconds) });
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  // GetObject says NoSuchKey; HeadObject has no body, so only NotFound / a bare 404.
  return e?.name === "NoSuchKey" || e?.name === "NotFound" || e?.$metadata?.httpStatusCode === 404;
}
