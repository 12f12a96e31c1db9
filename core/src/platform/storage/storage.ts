/**
 * File storage behind one interface: a local folder by default, S3 when configured.
 * Keys are relative paths such as `manifests/<vendor>/<id>.pdf`.
 */
export interface StoredFile {
  key: string;
  body: Buffer;
  contentType: string;
  size: number;
}

export interface FileStorage {
  readonly driver: "local" | "s3";
  put(key: string, body: Buffer | Uint8Array | string, opts: { contentType: string }): Promise<void>;
  /** Undefined when no file has that key. */
  get(key: string): Promise<StoredFile | undefined>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /**
   * A URL anyone holding it can download the file from until it expires
   * (S3 presigned GET, or a signed link served by the core API for the local folder).
   */
  downloadUrl(key: string, opts?: { expiresInSeconds?: number; filename?: string }): Promise<string>;
}
