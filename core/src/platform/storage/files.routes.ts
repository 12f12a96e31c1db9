import { Hono, type Context } from "hono";
import type { FileStorage } from "./storage.ts";
import { assertValidKey, InvalidKeyError } from "./keys.ts";
import { attachmentDisposition } from "./download-options.ts";
import { LocalFileStorage } from "./local.ts";
import { verifyDownloadSignature } from "./signed-url.ts";

export { verifyDownloadSignature };

/**
 * `GET /files/<key>?expires=&filename=&sig=`: serves the local driver's signed download
 * links. Mount at the root of the API app (`app.route("/", filesRoutes(...))`), since the
 * links are built as `<publicUrl>/files/<key>`.
 */
export function filesRoutes(storage: FileStorage, signingKey: Buffer): Hono {
  const app = new Hono();

  app.get("/files/*", async (c) => {
    const url = new URL(c.req.url);
    const key = keyFromPath(url.pathname);
    const filename = url.searchParams.get("filename") || undefined;
    // A path that cannot be a key was never signed: same answer as a bad signature.
    const check =
      key === undefined
        ? ({ ok: false, reason: "invalid" } as const)
        : verifyDownloadSignature(signingKey, {
            key,
            filename,
            expires: url.searchParams.get("expires") ?? undefined,
            sig: url.searchParams.get("sig") ?? undefined,
          });
    if (!check.ok) {
      return check.reason === "expired"
        ? problem(c, 403, "link-expired", "Forbidden", "This download link has expired; ask for a new one.")
        : problem(c, 403, "link-invalid", "Forbidden", "This download link is not valid.");
    }
    const file = await openFile(storage, key!);
    if (!file) return problem(c, 404, "not-found", "Not Found", "The file no longer exists.");

    const headers = new Headers({
      "content-type": file.contentType,
      "content-length": String(file.size),
      // The link is a bearer credential: keep it out of shared caches and Referer headers.
      "cache-control": "private, no-store",
      "referrer-policy": "no-referrer",
      // Stored content types come from uploads (logos may be SVG): never let a file run
      // script on the API's origin.
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; sandbox",
    });
    if (filename) headers.set("content-disposition", attachmentDisposition(filename));
    // Hono answers HEAD through this GET handler and drops the body: release the open file.
    if (c.req.method === "HEAD") {
      if (file.stream instanceof ReadableStream) await file.stream.cancel();
      return new Response(null, { status: 200, headers });
    }
    return new Response(file.stream, { status: 200, headers });
  });

  return app;
}

/** `/files/a%20b/c.pdf` -> `a b/c.pdf`; undefined when it cannot be a key. */
function keyFromPath(pathname: string): string | undefined {
  const at = pathname.indexOf("/files/");
  if (at < 0) return undefined;
  try {
    const key = pathname
      .slice(at + "/files/".length)
      .split("/")
      .map(decodeURIComponent)
      .join("/");
    assertValidKey(key);
    return key;
  } catch (err) {
    if (err instanceof URIError || err instanceof InvalidKeyError) return undefined;
    throw err;
  }
}

async function openFile(
  storage: FileStorage,
  key: string,
): Promise<{ stream: ReadableStream<Uint8Array> | Uint8Array; size: number; contentType: string } | undefined> {
  // The local driver can stream from disk; any other storage falls back to its buffered get.
  if (storage instanceof LocalFileStorage) return storage.open(key);
  const file = await storage.get(key);
  return file && { stream: new Uint8Array(file.body), size: file.size, contentType: file.contentType };
}

function problem(c: Context, status: 403 | 404, type: string, title: string, detail: string): Response {
  return c.body(JSON.stringify({ type: `/problems/${type}`, title, status, detail }), status, {
    "content-type": "application/problem+json",
    "cache-control": "no-store",
  });
}
