import { randomUUID } from "node:crypto";
import { mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import type { FileStorage, StoredFile } from "./storage.ts";
import { assertValidKey, encodeKeyForUrl } from "./keys.ts";
import { assertValidContentType, resolveExpiry } from "./download-options.ts";
import { signDownload } from "./signed-url.ts";

/**
 * Files in a local folder (the embedded default). Layout under `root`:
 *
 *   objects/<key>        the bytes, a plain file you can open
 *   meta/<key>.json      {"contentType": ...}, the sidecar
 *   tmp/                 writes in progress (same filesystem, so rename is atomic)
 *
 * Keeping the sidecars in their own tree means no key can collide with another key's
 * sidecar. A reader never sees a half-written file: each file is written to tmp/, synced,
 * then renamed into place. The sidecar is renamed first, so a new key never appears
 * without its content type; on overwrite a reader may briefly pair the new content type
 * with the old bytes.
 *
 * A folder cannot hold both `a` and `a/b` (S3 can); that put fails here.
 */
export interface LocalFileStorageOptions {
  root: string;
  /** Base URL the core API is reached at; download links point at `<publicUrl>/files/...`. */
  publicUrl: string;
  signingKey: Buffer;
  /** Clock for link expiry (tests). */
  now?: () => number;
}

/** What `filesRoutes` needs to stream a file instead of buffering it. */
export interface OpenedFile {
  stream: ReadableStream<Uint8Array>;
  size: number;
  contentType: string;
}

const FALLBACK_TYPE = "application/octet-stream";

export class LocalFileStorage implements FileStorage {
  readonly driver = "local" as const;
  readonly root: string;
  readonly #publicUrl: string;
  readonly #signingKey: Buffer;
  readonly #now: () => number;

  constructor(opts: LocalFileStorageOptions) {
    this.root = path.resolve(opts.root);
    this.#publicUrl = opts.publicUrl.replace(/\/+$/, "");
    this.#signingKey = opts.signingKey;
    this.#now = opts.now ?? Date.now;
  }

  async put(key: string, body: Buffer | Uint8Array | string, opts: { contentType: string }): Promise<void> {
    assertValidKey(key);
    assertValidContentType(opts.contentType);
    const data = typeof body === "string" ? Buffer.from(body, "utf8") : body;
    try {
      await this.#writeAtomic(this.#metaPath(key), JSON.stringify({ contentType: opts.contentType }));
      await this.#writeAtomic(this.#dataPath(key), data);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOTDIR" || code === "EEXIST" || code === "EISDIR") {
        throw new Error(`cannot store ${JSON.stringify(key)}: in a local folder a key cannot also be a prefix of other keys (${code})`, {
          cause: err,
        });
      }
      throw err;
    }
  }

  async get(key: string): Promise<StoredFile | undefined> {
    assertValidKey(key);
    let body: Buffer;
    try {
      body = await readFile(this.#dataPath(key));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
    return { key, body, contentType: await this.#contentType(key), size: body.length };
  }

  /** Like `get`, but streams the bytes (used by `filesRoutes`). */
  async open(key: string): Promise<OpenedFile | undefined> {
    assertValidKey(key);
    let handle;
    try {
      handle = await open(this.#dataPath(key), "r");
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
    try {
      // Size and bytes come from the same open file, even if the key is overwritten meanwhile.
      const info = await handle.stat();
      if (!info.isFile()) {
        await handle.close();
        return undefined;
      }
      const contentType = await this.#contentType(key);
      const stream = Readable.toWeb(handle.createReadStream()) as ReadableStream<Uint8Array>;
      return { stream, size: info.size, contentType };
    } catch (err) {
      await handle.close().catch(() => {});
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    assertValidKey(key);
    try {
      return (await stat(this.#dataPath(key))).isFile();
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    // Bytes first: once they are gone the key reads as missing, whatever happens next.
    await rm(this.#dataPath(key), { force: true });
    await rm(this.#metaPath(key), { force: true });
  }

  async downloadUrl(key: string, opts: { expiresInSeconds?: number; filename?: string } = {}): Promise<string> {
    assertValidKey(key);
    const expires = Math.floor(this.#now() / 1000) + resolveExpiry(opts.expiresInSeconds);
    const filename = opts.filename || undefined;
    const sig = signDownload(this.#signingKey, { key, expires, filename });
    const query = new URLSearchParams({ expires: String(expires) });
    if (filename) query.set("filename", filename);
    query.set("sig", sig);
    return `${this.#publicUrl}/files/${encodeKeyForUrl(key)}?${query.toString()}`;
  }

  #dataPath(key: string): string {
    return this.#inside("objects", key);
  }

  #metaPath(key: string): string {
    return this.#inside("meta", `${key}.json`);
  }

  // Defence in depth behind assertValidKey: the resolved path must stay under its tree.
  #inside(tree: string, rel: string): string {
    const base = path.join(this.root, tree);
    const full = path.resolve(base, rel);
    if (!full.startsWith(base + path.sep)) throw new Error("storage key resolves outside the storage folder");
    return full;
  }

  async #contentType(key: string): Promise<string> {
    try {
      const meta = JSON.parse(await readFile(this.#metaPath(key), "utf8")) as { contentType?: unknown };
      return typeof meta.contentType === "string" ? meta.contentType : FALLBACK_TYPE;
    } catch (err) {
      if (isMissing(err) || err instanceof SyntaxError) return FALLBACK_TYPE;
      throw err;
    }
  }

  async #writeAtomic(target: string, data: Uint8Array | string): Promise<void> {
    const tmpDir = path.join(this.root, "tmp");
    await mkdir(tmpDir, { recursive: true });
    await mkdir(path.dirname(target), { recursive: true });
    const tmp = path.join(tmpDir, `${randomUUID()}.tmp`);
    try {
      const handle = await open(tmp, "wx", 0o600);
      try {
        await writeFile(handle, data);
        await handle.sync(); // the bytes are on disk before the name points at them
      } finally {
        await handle.close();
      }
      await rename(tmp, target);
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw err;
    }
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  // ENOTDIR: a parent "directory" of the key is a file; EISDIR: the key is a folder of other keys.
  return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR";
}
