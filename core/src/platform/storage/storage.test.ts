import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../config.ts";
import { stack } from "../../testing/db.ts";
import { createStorage, downloadSigningKey } from "./create-storage.ts";
import { attachmentDisposition } from "./download-options.ts";
import { filesRoutes, verifyDownloadSignature } from "./files.routes.ts";
import { InvalidKeyError } from "./keys.ts";
import { LocalFileStorage } from "./local.ts";
import { S3FileStorage, s3ClientFromConfig } from "./s3.ts";
import type { FileStorage } from "./storage.ts";

// The SDK's default credential chain reads these; moto accepts any. Only set when absent,
// so a developer's real environment is never overridden.
if (stack.awsEndpoint) {
  process.env.AWS_ACCESS_KEY_ID ??= "test";
  process.env.AWS_SECRET_ACCESS_KEY ??= "test";
}

const PUBLIC_URL = "https://api.giftloop.test";
const SIGNING_SECRET = "test-signing-secret-0123456789abcdef";

interface Download {
  status: number;
  body: Buffer;
  headers: Headers;
}

interface Harness {
  storage: FileStorage;
  /** Follows a download URL the way a client would. */
  download(url: string): Promise<Download>;
  close(): Promise<void>;
}

interface Driver {
  name: "local" | "s3";
  setup(): Promise<Harness>;
}

/** The local driver's links are served by filesRoutes, mounted the way the API will. */
function localApp(storage: FileStorage, signingKey: Buffer): (url: string) => Promise<Download> {
  const app = new Hono();
  app.route("/", filesRoutes(storage, signingKey));
  return async (url) => {
    const u = new URL(url);
    expect(u.origin).toBe(PUBLIC_URL);
    const res = await app.request(u.pathname + u.search);
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
  };
}

const localDriver: Driver = {
  name: "local",
  async setup() {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "gl-storage-"));
    const config = parseConfig({ NODE_ENV: "test", DATA_DIR: dataDir, PUBLIC_URL, SIGNING_SECRET });
    const storage = createStorage(config);
    return {
      storage,
      download: localApp(storage, downloadSigningKey(config)),
      close: () => rm(dataDir, { recursive: true, force: true }),
    };
  },
};

function s3Driver(endpoint: string): Driver {
  return {
    name: "s3",
    async setup() {
      const bucket = `gl-test-${randomBytes(6).toString("hex")}`;
      const config = parseConfig({ NODE_ENV: "test", STORAGE_DRIVER: "s3", S3_BUCKET: bucket, AWS_ENDPOINT_URL: endpoint });
      await s3ClientFromConfig(config).send(new CreateBucketCommand({ Bucket: bucket }));
      return {
        storage: createStorage(config),
        async download(url) {
          const res = await fetch(url);
          return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
        },
        async close() {},
      };
    },
  };
}

const drivers: Driver[] = [localDriver];
if (stack.awsEndpoint) drivers.push(s3Driver(stack.awsEndpoint));

const BAD_KEYS = ["../escape", "a/../../b", "a/..", "/etc/passwd", "a\\b", "..\\windows", "", "a//b", "a/", "./a", "a/./b", "a\nb"];

describe.each(drivers)("FileStorage ($name driver)", (driver) => {
  let h: Harness;
  let storage: FileStorage;
  beforeAll(async () => {
    h = await driver.setup();
    storage = h.storage;
  });
  afterAll(async () => {
    await h?.close();
  });

  it("reports its driver", () => {
    expect(storage.driver).toBe(driver.name);
  });

  it("stores and reads back a file with its content type", async () => {
    await storage.put("manifests/v1/order-1.csv", "sku,qty\nA,1\n", { contentType: "text/csv" });
    const file = await storage.get("manifests/v1/order-1.csv");
    expect(file).toEqual({
      key: "manifests/v1/order-1.csv",
      body: Buffer.from("sku,qty\nA,1\n"),
      contentType: "text/csv",
      size: 12,
    });
  });

  it("keeps each file's own content type", async () => {
    await storage.put("types/logo.png", Buffer.from([0x89, 0x50, 0x4e, 0x47]), { contentType: "image/png" });
    await storage.put("types/data.json", '{"a":1}', { contentType: "application/json; charset=utf-8" });
    expect((await storage.get("types/logo.png"))?.contentType).toBe("image/png");
    expect((await storage.get("types/data.json"))?.contentType).toBe("application/json; charset=utf-8");
  });

  it("round-trips binary data byte for byte", async () => {
    const body = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(200_000)]);
    await storage.put("bin/blob.bin", body, { contentType: "application/octet-stream" });
    const file = await storage.get("bin/blob.bin");
    expect(file?.size).toBe(body.length);
    expect(file?.body.equals(body)).toBe(true);
  });

  it("accepts a Uint8Array body", async () => {
    await storage.put("bin/u8.bin", new Uint8Array([1, 2, 3]), { contentType: "application/octet-stream" });
    expect((await storage.get("bin/u8.bin"))?.body).toEqual(Buffer.from([1, 2, 3]));
  });

  it("stores UTF-8 text and keys with spaces and non-ASCII characters", async () => {
    const key = "exports/Vendor Ünïcødé/rapport 2026 (final).txt";
    await storage.put(key, "héllo wörld ✓", { contentType: "text/plain; charset=utf-8" });
    expect((await storage.get(key))?.body.toString("utf8")).toBe("héllo wörld ✓");
    const dl = await h.download(await storage.downloadUrl(key));
    expect(dl.status).toBe(200);
    expect(dl.body.toString("utf8")).toBe("héllo wörld ✓");
  });

  it("overwrites an existing key, body and content type", async () => {
    await storage.put("over/write", "first version, longer", { contentType: "text/plain" });
    await storage.put("over/write", "second", { contentType: "text/markdown" });
    const file = await storage.get("over/write");
    expect(file?.body.toString()).toBe("second");
    expect(file?.contentType).toBe("text/markdown");
    expect(file?.size).toBe(6);
  });

  it("answers undefined / false for a key that was never stored", async () => {
    expect(await storage.get("missing/nothing.pdf")).toBeUndefined();
    expect(await storage.exists("missing/nothing.pdf")).toBe(false);
  });

  it("tells whether a key exists, and deletes", async () => {
    await storage.put("del/me.txt", "bye", { contentType: "text/plain" });
    expect(await storage.exists("del/me.txt")).toBe(true);
    await storage.delete("del/me.txt");
    expect(await storage.exists("del/me.txt")).toBe(false);
    expect(await storage.get("del/me.txt")).toBeUndefined();
  });

  it("treats deleting a missing key as done", async () => {
    await expect(storage.delete("del/never-there.txt")).resolves.toBeUndefined();
  });

  it("does not report a folder of keys as a key", async () => {
    await storage.put("folder/inner.txt", "x", { contentType: "text/plain" });
    expect(await storage.exists("folder")).toBe(false);
    expect(await storage.get("folder")).toBeUndefined();
  });

  it.each(BAD_KEYS)("rejects the bad key %j in every method", async (key) => {
    await expect(storage.put(key, "x", { contentType: "text/plain" })).rejects.toThrow(InvalidKeyError);
    await expect(storage.get(key)).rejects.toThrow(InvalidKeyError);
    await expect(storage.exists(key)).rejects.toThrow(InvalidKeyError);
    await expect(storage.delete(key)).rejects.toThrow(InvalidKeyError);
    await expect(storage.downloadUrl(key)).rejects.toThrow(InvalidKeyError);
  });

  it("explains why a key is rejected", async () => {
    await expect(storage.get("a/../b")).rejects.toThrow(/'\.\.' segments are not allowed/);
    await expect(storage.get("/abs")).rejects.toThrow(/absolute paths/);
    await expect(storage.get("a\\b")).rejects.toThrow(/backslashes/);
  });

  it("rejects a content type that could break a header", async () => {
    await expect(storage.put("ct/bad", "x", { contentType: "text/plain\r\nX-Evil: 1" })).rejects.toThrow(TypeError);
    await expect(storage.put("ct/bad", "x", { contentType: "" })).rejects.toThrow(TypeError);
    expect(await storage.exists("ct/bad")).toBe(false);
  });

  it("gives a download URL that serves the stored bytes", async () => {
    const body = randomBytes(50_000);
    await storage.put("qr/unit-1.png", body, { contentType: "image/png" });
    const dl = await h.download(await storage.downloadUrl("qr/unit-1.png", { expiresInSeconds: 300 }));
    expect(dl.status).toBe(200);
    expect(dl.body.equals(body)).toBe(true);
    expect(dl.headers.get("content-type")).toBe("image/png");
  });

  it("serves the bytes when a download filename is signed in", async () => {
    await storage.put("manifests/v1/m.pdf", "%PDF-1.7 fake", { contentType: "application/pdf" });
    const url = await storage.downloadUrl("manifests/v1/m.pdf", { filename: "Packing manifest #1.pdf" });
    const dl = await h.download(url);
    expect(dl.status).toBe(200);
    expect(dl.body.toString()).toBe("%PDF-1.7 fake");
  });

  it("refuses download lifetimes S3 would refuse", async () => {
    await expect(storage.downloadUrl("qr/unit-1.png", { expiresInSeconds: 0 })).rejects.toThrow(RangeError);
    await expect(storage.downloadUrl("qr/unit-1.png", { expiresInSeconds: 8 * 24 * 3600 })).rejects.toThrow(RangeError);
    await expect(storage.downloadUrl("qr/unit-1.png", { expiresInSeconds: 1.5 })).rejects.toThrow(RangeError);
  });
});

describe("local driver: signed download links", () => {
  let dataDir: string;
  let storage: LocalFileStorage;
  let download: (url: string) => Promise<Download>;
  const signingKey = Buffer.from(SIGNING_SECRET, "utf8");

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "gl-links-"));
    storage = new LocalFileStorage({ root: path.join(dataDir, "files"), publicUrl: `${PUBLIC_URL}/`, signingKey });
    download = localApp(storage, signingKey);
    await storage.put("docs/report.pdf", "%PDF report", { contentType: "application/pdf" });
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function expectProblem(dl: Download, status: number, type: string) {
    expect(dl.status).toBe(status);
    expect(dl.headers.get("content-type")).toBe("application/problem+json");
    const body = JSON.parse(dl.body.toString()) as Record<string, unknown>;
    expect(body).toEqual({ type, title: expect.any(String), status, detail: expect.any(String) });
  }

  /** Rewrites one query parameter of a link. */
  function withParam(url: string, name: string, value: string): string {
    const u = new URL(url);
    u.searchParams.set(name, value);
    return u.toString();
  }

  it("builds <publicUrl>/files/<key>?expires=<unix>&sig=<hmac>", async () => {
    const before = Math.floor(Date.now() / 1000);
    const url = new URL(await storage.downloadUrl("docs/report.pdf", { expiresInSeconds: 120 }));
    expect(`${url.origin}${url.pathname}`).toBe(`${PUBLIC_URL}/files/docs/report.pdf`);
    const expires = Number(url.searchParams.get("expires"));
    expect(expires).toBeGreaterThanOrEqual(before + 120);
    expect(expires).toBeLessThanOrEqual(before + 121);
    expect(url.searchParams.get("sig")).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("sends Content-Disposition only when a filename was signed in", async () => {
    const plain = await download(await storage.downloadUrl("docs/report.pdf"));
    expect(plain.headers.get("content-disposition")).toBeNull();
    const named = await download(await storage.downloadUrl("docs/report.pdf", { filename: "Rapport d'été.pdf" }));
    expect(named.status).toBe(200);
    expect(named.headers.get("content-disposition")).toBe(attachmentDisposition("Rapport d'été.pdf"));
    expect(named.headers.get("content-disposition")).toBe(
      `attachment; filename="Rapport d'_t_.pdf"; filename*=UTF-8''Rapport%20d%27%C3%A9t%C3%A9.pdf`,
    );
  });

  it("sends headers that keep stored files inert and the link private", async () => {
    const dl = await download(await storage.downloadUrl("docs/report.pdf"));
    expect(dl.headers.get("x-content-type-options")).toBe("nosniff");
    expect(dl.headers.get("content-security-policy")).toContain("sandbox");
    expect(dl.headers.get("cache-control")).toContain("no-store");
    expect(dl.headers.get("content-length")).toBe(String("%PDF report".length));
  });

  it("answers 403 when the signature is tampered with", async () => {
    const url = await storage.downloadUrl("docs/report.pdf");
    const sig = new URL(url).searchParams.get("sig")!;
    const flipped = (sig[0] === "A" ? "B" : "A") + sig.slice(1);
    await expectProblem(await download(withParam(url, "sig", flipped)), 403, "/problems/link-invalid");
  });

  it("answers 403 when the key, expiry or filename is changed", async () => {
    await storage.put("docs/other.pdf", "other", { contentType: "application/pdf" });
    const url = await storage.downloadUrl("docs/report.pdf", { filename: "report.pdf" });
    await expectProblem(await download(url.replace("/docs/report.pdf", "/docs/other.pdf")), 403, "/problems/link-invalid");
    const later = String(Number(new URL(url).searchParams.get("expires")) + 3600);
    await expectProblem(await download(withParam(url, "expires", later)), 403, "/problems/link-invalid");
    await expectProblem(await download(withParam(url, "filename", "evil.html")), 403, "/problems/link-invalid");
    const noName = new URL(url);
    noName.searchParams.delete("filename");
    await expectProblem(await download(noName.toString()), 403, "/problems/link-invalid");
  });

  it("answers 403 without a signature", async () => {
    await expectProblem(await download(`${PUBLIC_URL}/files/docs/report.pdf`), 403, "/problems/link-invalid");
  });

  it("answers 403 once the link has expired", async () => {
    const anHourAgo = Date.now() - 3600_000;
    const past = new LocalFileStorage({ root: storage.root, publicUrl: PUBLIC_URL, signingKey, now: () => anHourAgo });
    const url = await past.downloadUrl("docs/report.pdf", { expiresInSeconds: 60 });
    await expectProblem(await download(url), 403, "/problems/link-expired");
  });

  it("answers 403 to a link signed with another key", async () => {
    const other = new LocalFileStorage({ root: storage.root, publicUrl: PUBLIC_URL, signingKey: randomBytes(32) });
    await expectProblem(await download(await other.downloadUrl("docs/report.pdf")), 403, "/problems/link-invalid");
  });

  it("answers 403, not a file, to path traversal attempts", async () => {
    const url = new URL(await storage.downloadUrl("docs/report.pdf"));
    // Encoded slashes and malformed escapes reach the handler: refused as unsigned.
    for (const p of ["/files/..%2F..%2Fetc%2Fpasswd", "/files/docs%2F..%2F..%2Fx", "/files/%E0%A4%A"]) {
      await expectProblem(await download(`${PUBLIC_URL}${p}${url.search}`), 403, "/problems/link-invalid");
    }
    // Encoded dot segments are resolved by URL parsing before routing: outside /files/ entirely.
    const dots = await download(`${PUBLIC_URL}/files/docs/%2E%2E/%2E%2E/x${url.search}`);
    expect(dots.status).toBe(404);
  });

  it("answers 404 when a validly signed file is gone", async () => {
    await storage.put("docs/gone.pdf", "soon gone", { contentType: "application/pdf" });
    const url = await storage.downloadUrl("docs/gone.pdf");
    await storage.delete("docs/gone.pdf");
    await expectProblem(await download(url), 404, "/problems/not-found");
  });

  it("verifyDownloadSignature: valid, expired, invalid", async () => {
    const url = new URL(await storage.downloadUrl("docs/report.pdf", { expiresInSeconds: 60, filename: "r.pdf" }));
    const q = {
      key: "docs/report.pdf",
      expires: url.searchParams.get("expires") ?? undefined,
      sig: url.searchParams.get("sig") ?? undefined,
      filename: "r.pdf",
    };
    expect(verifyDownloadSignature(signingKey, q)).toEqual({ ok: true });
    expect(verifyDownloadSignature(signingKey, q, Date.now() + 61_000)).toEqual({ ok: false, reason: "expired" });
    expect(verifyDownloadSignature(signingKey, { ...q, key: "docs/other.pdf" })).toEqual({ ok: false, reason: "invalid" });
    expect(verifyDownloadSignature(signingKey, { ...q, filename: undefined })).toEqual({ ok: false, reason: "invalid" });
    expect(verifyDownloadSignature(signingKey, { ...q, sig: undefined })).toEqual({ ok: false, reason: "invalid" });
    expect(verifyDownloadSignature(signingKey, { ...q, expires: "soon" })).toEqual({ ok: false, reason: "invalid" });
  });

  it("keeps content types in a sidecar that survives a restart, and leaves no temp files", async () => {
    await storage.put("restart/a.svg", "<svg/>", { contentType: "image/svg+xml" });
    const reopened = new LocalFileStorage({ root: storage.root, publicUrl: PUBLIC_URL, signingKey });
    expect((await reopened.get("restart/a.svg"))?.contentType).toBe("image/svg+xml");
    expect(await readFile(path.join(storage.root, "objects", "restart", "a.svg"), "utf8")).toBe("<svg/>");
    expect(JSON.parse(await readFile(path.join(storage.root, "meta", "restart", "a.svg.json"), "utf8"))).toEqual({
      contentType: "image/svg+xml",
    });
    expect(await readdir(path.join(storage.root, "tmp"))).toEqual([]);
  });

  it("never pairs a key with another key's sidecar", async () => {
    await storage.put("clash/a", "A", { contentType: "text/plain" });
    await storage.put("clash/a.json", "{}", { contentType: "application/json" });
    expect((await storage.get("clash/a"))?.contentType).toBe("text/plain");
    expect((await storage.get("clash/a.json"))?.contentType).toBe("application/json");
  });

  it("answers HEAD with the headers and no body", async () => {
    const app = new Hono();
    app.route("/", filesRoutes(storage, signingKey));
    const u = new URL(await storage.downloadUrl("docs/report.pdf"));
    const res = await app.request(u.pathname + u.search, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe(String("%PDF report".length));
    expect(await res.text()).toBe("");
  });

  it("explains that a key cannot be both a file and a folder of keys", async () => {
    await storage.put("nest/leaf", "x", { contentType: "text/plain" });
    await expect(storage.put("nest/leaf/child", "y", { contentType: "text/plain" })).rejects.toThrow(/prefix of other keys/);
    await expect(storage.put("nest", "z", { contentType: "text/plain" })).rejects.toThrow(/prefix of other keys/);
    expect((await storage.get("nest/leaf"))?.body.toString()).toBe("x");
    expect(await readdir(path.join(storage.root, "tmp"))).toEqual([]);
  });

  it("survives concurrent writers of one key: the result is one whole version", async () => {
    const versions = Array.from({ length: 20 }, (_, i) => Buffer.alloc(100_000, i));
    await Promise.all(versions.map((v) => storage.put("race/one", v, { contentType: "application/octet-stream" })));
    const body = (await storage.get("race/one"))!.body;
    expect(versions.some((v) => v.equals(body))).toBe(true);
    expect(await readdir(path.join(storage.root, "tmp"))).toEqual([]);
  });
});

describe("createStorage and development keys", () => {
  it("defaults to <DATA_DIR>/files and a generated signing key kept in DATA_DIR/keys", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "gl-dev-"));
    try {
      const config = parseConfig({ NODE_ENV: "development", DATA_DIR: dataDir, PUBLIC_URL });
      const storage = createStorage(config);
      expect(storage).toBeInstanceOf(LocalFileStorage);
      expect((storage as LocalFileStorage).root).toBe(path.resolve(dataDir, "files"));
      const key = downloadSigningKey(config);
      expect(key).toHaveLength(32);
      expect(downloadSigningKey(config).equals(key)).toBe(true); // same key after a "restart"
      await storage.put("x.txt", "x", { contentType: "text/plain" });
      const dl = await localApp(storage, downloadSigningKey(config))(await storage.downloadUrl("x.txt"));
      expect(dl.status).toBe(200);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("honours STORAGE_DIR", () => {
    const config = parseConfig({ NODE_ENV: "test", STORAGE_DIR: "/tmp/gl-elsewhere", SIGNING_SECRET });
    expect((createStorage(config) as LocalFileStorage).root).toBe("/tmp/gl-elsewhere");
  });

  it("builds an S3 driver from configuration", () => {
    const config = parseConfig({ NODE_ENV: "test", STORAGE_DRIVER: "s3", S3_BUCKET: "some-bucket" });
    const storage = createStorage(config);
    expect(storage.driver).toBe("s3");
    expect((storage as S3FileStorage).bucket).toBe("some-bucket");
  });
});

describe("S3 presigned URLs (computed locally, no server needed)", () => {
  // Presigning is pure computation; explicit dummy credentials are fine in a test.
  const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret-example" };

  it("are path-style against a custom endpoint and carry expiry and the filename", async () => {
    const client = new S3Client({ region: "eu-west-1", endpoint: "http://127.0.0.1:9", forcePathStyle: true, credentials });
    const storage = new S3FileStorage(client, "gl-bucket");
    const url = new URL(await storage.downloadUrl("manifests/v 1/m.pdf", { expiresInSeconds: 300, filename: "Manifest é.pdf" }));
    expect(url.host).toBe("127.0.0.1:9");
    expect(url.pathname).toBe("/gl-bucket/manifests/v%201/m.pdf");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("300");
    expect(url.searchParams.get("response-content-disposition")).toBe(attachmentDisposition("Manifest é.pdf"));
  });

  it("are virtual-hosted against AWS itself", async () => {
    const client = new S3Client({ region: "eu-west-1", credentials, ignoreConfiguredEndpointUrls: true });
    const storage = new S3FileStorage(client, "gl-bucket");
    const url = new URL(await storage.downloadUrl("a.pdf"));
    expect(url.host).toBe("gl-bucket.s3.eu-west-1.amazonaws.com");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("900");
    expect(url.searchParams.has("response-content-disposition")).toBe(false);
  });

  it("the factory takes the endpoint from configuration only, not from the SDK's own env lookup", async () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { AWS_ENDPOINT_URL: "http://127.0.0.1:1", AWS_ENDPOINT_URL_S3: "http://127.0.0.1:2" });
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret-example" });
      const storage = new S3FileStorage(s3ClientFromConfig({ AWS_REGION: "eu-west-1", AWS_ENDPOINT_URL: undefined }), "gl-bucket");
      expect(new URL(await storage.downloadUrl("a.pdf")).host).toBe("gl-bucket.s3.eu-west-1.amazonaws.com");
    } finally {
      for (const k of ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });

  it("the factory switches to path-style only with an endpoint", async () => {
    const withEndpoint = s3ClientFromConfig({ AWS_REGION: "us-east-1", AWS_ENDPOINT_URL: "http://127.0.0.1:9" });
    const without = s3ClientFromConfig({ AWS_REGION: "us-east-1", AWS_ENDPOINT_URL: undefined });
    expect(withEndpoint.config.forcePathStyle).toBe(true);
    expect(without.config.forcePathStyle).toBeFalsy();
  });
});
