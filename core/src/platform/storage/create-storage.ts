import path from "node:path";
import type { Config } from "../config.ts";
import type { FileStorage } from "./storage.ts";
import { LocalFileStorage } from "./local.ts";
import { S3FileStorage, s3ClientFromConfig } from "./s3.ts";
import { downloadSigningKey } from "./signed-url.ts";

type StorageConfig = Pick<
  Config,
  "STORAGE_DRIVER" | "STORAGE_DIR" | "DATA_DIR" | "S3_BUCKET" | "AWS_REGION" | "AWS_ENDPOINT_URL" | "SIGNING_SECRET" | "NODE_ENV" | "publicUrl"
>;

/**
 * The configured file storage. With the local driver, mount
 * `filesRoutes(storage, downloadSigningKey(config))` at the root of the API app so its
 * download links resolve.
 */
export function createStorage(config: StorageConfig): FileStorage {
  switch (config.STORAGE_DRIVER) {
    case "local":
      return new LocalFileStorage({
        root: config.STORAGE_DIR ?? path.join(config.DATA_DIR, "files"),
        publicUrl: config.publicUrl,
        signingKey: downloadSigningKey(config),
      });
    case "s3":
      // config.ts already requires S3_BUCKET with this driver; this narrows the type.
      if (!config.S3_BUCKET) throw new Error("S3_BUCKET is required when STORAGE_DRIVER=s3");
      return new S3FileStorage(s3ClientFromConfig(config), config.S3_BUCKET);
  }
}

export { downloadSigningKey };
