import { createRoute, z } from "@hono/zod-openapi";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "./app.ts";
import { PROBLEM_CONTENT_TYPE, ProblemError, problemResponses, type Problem } from "./problem.ts";
import { createRouter } from "./router.ts";
import { testApp, type TestApp } from "./testing.ts";

const BODY_LIMIT = 1024;

const echoRoute = createRoute({
  method: "post",
  path: "/test/echo",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.strictObject({
            name: z.string().min(1),
            quantity: z.number().int().min(1),
            items: z.array(z.strictObject({ sku: z.string() })).optional(),
          }),
        },
      },
    },
  },
  responses: {
    200: { description: "Echo", content: { "application/json": { schema: z.object({ name: z.string() }) } } },
    ...problemResponses(400, 415, 422),
  },
});

/** Routes that exist only in these tests: a JSON body route, a failing one, a conflict. */
function testRoutes(app: App): void {
  const r = createRouter();
  r.openapi(echoRoute, (c) => c.json({ name: c.req.valid("json").name }, 200));
  r.get("/test/boom", () => {
    throw new Error("db password=hunter2 at 10.0.0.5 exploded");
  });
  r.get("/test/throw-string", () => {
    throw "a string, not an Error";
  });
  r.get("/test/conflict", () => {
    throw new ProblemError(409, "already_done", { detail: "It was done before.", extensions: { thing: 1 } });
  });
  r.get("/test/log", (c) => {
    c.get("log").info({ step: "inside" }, "handler ran");
    return c.json({ ok: true });
  });
  r.get("/v1/test/private", (c) => c.json({ secret: "a recipient's address" }));
  r.get("/v1/test/public", (c) => c.json({ name: "Brand" }, 200, { "cache-control": "public, max-age=60" }));
  app.route("/", r);
  // A plain Hono app that builds its own error responses, as mounted modules may.
  const plain = new Hono();
  plain.get("/plain/text-error", (c) => c.text("nope: internal detail", 403, { "x-extra": "kept" }));
  plain.get("/plain/partial-problem", (c) =>
    c.body(JSON.stringify({ type: "/problems/link-expired", title: "Forbidden", status: 403, detail: "Expired." }), 403, {
      "content-type": PROBLEM_CONTENT_TYPE,
    }),
  );
  app.route("/", plain);
}

let t: TestApp;

beforeAll(async () => {
  t = await testApp({ env: { BODY_LIMIT_BYTES: String(BODY_LIMIT) }, routes: [testRoutes] });
});

afterAll(async () => {
  await t?.close();
});

async function problemOf(res: Response): Promise<Problem> {
  expect(res.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
  const body = (await res.json()) as Problem;
  expect(body.status).toBe(res.status);
  expect(typeof body.type).toBe("string");
  expect(typeof body.title).toBe("string");
  expect(typeof body.code).toBe("string");
  expect(body.requestId).toBe(res.headers.get("x-request-id"));
  return body;
}

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

describe("request id and logging", () => {
  it("generates a request id and echoes it", async () => {
    const res = await t.app.request("/health");
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("keeps a sane incoming request id", async () => {
    const res = await t.app.request("/health", { headers: { "x-request-id": "lb-7f3a.91:abc" } });
    expect(res.headers.get("x-request-id")).toBe("lb-7f3a.91:abc");
  });

  it("replaces an unsafe or oversized incoming id", async () => {
    for (const bad of ["<script>", "a b", "x".repeat(200), "", "-leading-dash"]) {
      const res = await t.app.request("/health", { headers: { "x-request-id": bad } });
      const id = res.headers.get("x-request-id");
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("echoes the id on errors and 404s too", async () => {
    const res = await t.app.request("/nope", { headers: { "x-request-id": "req-404" } });
    expect(res.headers.get("x-request-id")).toBe("req-404");
    expect((await problemOf(res)).requestId).toBe("req-404");
  });

  it("writes one request line carrying the id; handler lines carry it too; no headers, query or body", async () => {
    const id = "req-log-1";
    const res = await t.app.request("/test/log?sig=SECRET_QUERY", {
      headers: { "x-request-id": id, authorization: "Bearer SECRET_TOKEN", cookie: "s=SECRET_COOKIE" },
    });
    expect(res.status).toBe(200);
    const lines = t.deps.logs.lines.filter((l) => l.requestId === id);
    const requestLines = lines.filter((l) => l.msg === "request");
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({ method: "GET", path: "/test/log", status: 200, level: "info" });
    expect(typeof requestLines[0]!.durationMs).toBe("number");
    expect(lines.some((l) => l.msg === "handler ran" && l.step === "inside")).toBe(true);
    const text = JSON.stringify(t.deps.logs.lines);
    expect(text).not.toContain("SECRET_TOKEN");
    expect(text).not.toContain("SECRET_COOKIE");
    expect(text).not.toContain("SECRET_QUERY");
  });
});

describe("caching", () => {
  it("API answers are not stored by caches unless the route says they may be", async () => {
    const priv = await t.app.request("/v1/test/private");
    expect(priv.status).toBe(200);
    expect(priv.headers.get("cache-control")).toBe("no-store");
    const pub = await t.app.request("/v1/test/public");
    expect(pub.headers.get("cache-control")).toBe("public, max-age=60");
    // Errors of API routes, as every problem document.
    expect((await t.app.request("/v1/test/nothing-here")).headers.get("cache-control")).toBe("no-store");
  });
});

describe("problem responses", () => {
  it("404 for an unknown route", async () => {
    const res = await t.app.request("/v1/does-not-exist");
    expect(res.status).toBe(404);
    const p = await problemOf(res);
    expect(p).toMatchObject({ code: "route_not_found", title: "Not Found", instance: "/v1/does-not-exist" });
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("405 with Allow for a known path and another method", async () => {
    const res = await t.app.request("/health", { method: "DELETE" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toContain("GET");
    expect((await problemOf(res)).code).toBe("method_not_allowed");
  });

  it("HEAD works where GET does", async () => {
    const res = await t.app.request("/health", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  it("400 for malformed JSON", async () => {
    for (const body of ["{", "{'a':1}", "", "[1,]", "nul"]) {
      const res = await t.app.request("/test/echo", json(body));
      expect(res.status, body).toBe(400);
      expect((await problemOf(res)).code).toBe("malformed_json");
    }
  });

  it("415 when a JSON route gets another content type", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/xml", "application/jsonx"]) {
      const res = await t.app.request("/test/echo", { method: "POST", headers: { "content-type": type }, body: "{}" });
      expect(res.status, type).toBe(415);
      expect((await problemOf(res)).code).toBe("unsupported_media_type");
    }
  });

  it("415 for a body without a content type", async () => {
    // A string body would get text/plain from fetch; bytes get no content type at all.
    const body = new TextEncoder().encode('{"name":"a","quantity":1}');
    const res = await t.app.request("/test/echo", { method: "POST", body });
    expect(res.status).toBe(415);
  });

  it("accepts application/json with a charset", async () => {
    const res = await t.app.request("/test/echo", json({ name: "a", quantity: 1 }, { "content-type": "application/json; charset=utf-8" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: "a" });
  });

  it("413 for a body over BODY_LIMIT_BYTES, streamed or with a Content-Length", async () => {
    const big = JSON.stringify({ name: "x".repeat(BODY_LIMIT), quantity: 1 });
    const streamed = await t.app.request("/test/echo", json(big));
    expect(streamed.status).toBe(413);
    expect((await problemOf(streamed)).code).toBe("payload_too_large");
    const declared = await t.app.request("/test/echo", json(big, { "content-length": String(Buffer.byteLength(big)) }));
    expect(declared.status).toBe(413);
    // Also on routes that take no body, and on unknown routes.
    expect((await t.app.request("/nowhere", json(big))).status).toBe(413);
  });

  it("422 with field errors for an invalid body", async () => {
    const res = await t.app.request("/test/echo", json({ name: "", quantity: "3", items: [{ sku: 5 }], extra: true }));
    expect(res.status).toBe(422);
    const p = await problemOf(res);
    expect(p.code).toBe("validation_failed");
    expect(p.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: "body", path: "name", pointer: "/name", code: "too_small" }),
        expect.objectContaining({ in: "body", path: "quantity", pointer: "/quantity", code: "invalid_type" }),
        expect.objectContaining({ in: "body", path: "items.0.sku", pointer: "/items/0/sku", code: "invalid_type" }),
      ]),
    );
  });

  it("422 for JSON that is not an object", async () => {
    for (const body of ["null", "[]", '"text"', "42"]) {
      const res = await t.app.request("/test/echo", json(body));
      expect(res.status, body).toBe(422);
      expect((await problemOf(res)).errors?.[0]).toMatchObject({ in: "body", path: "", pointer: "" });
    }
  });

  it("400 with field errors for invalid query parameters", async () => {
    const token = await t.operatorToken();
    const res = await t.app.request("/v1/operator/dead-letters?limit=0", { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(400);
    const p = await problemOf(res);
    expect(p.code).toBe("invalid_parameters");
    expect(p.errors).toEqual([expect.objectContaining({ in: "query", path: "limit", code: "too_small" })]);
  });

  it("a thrown ProblemError keeps its status, code, detail and extensions", async () => {
    const res = await t.app.request("/test/conflict");
    expect(res.status).toBe(409);
    expect(await problemOf(res)).toMatchObject({
      type: "/problems/already-done",
      title: "Conflict",
      code: "already_done",
      detail: "It was done before.",
      instance: "/test/conflict",
      thing: 1,
    });
  });

  it("500 reveals nothing about the error; the log has it with its stack", async () => {
    const res = await t.app.request("/test/boom", { headers: { "x-request-id": "req-boom" } });
    expect(res.status).toBe(500);
    const text = await res.clone().text();
    expect(text).not.toMatch(/hunter2|10\.0\.0\.5|exploded|stack|\.ts:\d+|at /);
    const p = await problemOf(res);
    expect(p).toMatchObject({ code: "internal_error", title: "Internal Server Error", requestId: "req-boom" });
    const logged = t.deps.logs.lines.find((l) => l.requestId === "req-boom" && l.msg === "unhandled error");
    const err = logged?.err as { message: string; stack: string } | undefined;
    expect(err?.message).toContain("exploded");
    expect(err?.stack).toContain("app.test.ts");
    const line = t.deps.logs.lines.find((l) => l.requestId === "req-boom" && l.msg === "request failed");
    expect(line).toMatchObject({ status: 500, level: "error" });
  });

  it("422 naming each place of a NUL character in a JSON body (text cannot hold it), instead of a 500 later", async () => {
    const res = await t.app.request("/test/echo", json({ name: "Nul\u0000Name", quantity: 1, items: [{ sku: "ok" }, { sku: "a\u0000b" }] }));
    expect(res.status).toBe(422);
    const body = await problemOf(res);
    expect(body.code).toBe("invalid_characters");
    expect(body.errors?.map((e) => [e.pointer, e.code])).toEqual([["/name", "nul_character"], ["/items/1/sku", "nul_character"]]);
    expect((await t.app.request("/test/echo", json({ name: "Plain", quantity: 1 }))).status).toBe(200);
  });

  it("400 for a NUL character anywhere in the URL", async () => {
    for (const url of ["/health%00", "/v1/operator/dead-letters?type=a%00b", "/nowhere/%00"]) {
      const res = await t.app.request(url);
      expect(res.status, url).toBe(400);
      expect((await problemOf(res)).code).toBe("invalid_characters");
    }
  });

  it("completes error responses that mounted apps build themselves", async () => {
    const text = await t.app.request("/plain/text-error");
    expect(text.status).toBe(403);
    expect(text.headers.get("x-extra")).toBe("kept");
    const p1 = await problemOf(text);
    expect(p1).toMatchObject({ code: "forbidden", title: "Forbidden", instance: "/plain/text-error" });
    expect(JSON.stringify(p1)).not.toContain("internal detail");

    const partial = await t.app.request("/plain/partial-problem");
    expect(await problemOf(partial)).toMatchObject({ code: "link_expired", type: "/problems/link-expired", detail: "Expired." });
  });

  it("500 also when a handler throws something that is not an Error", async () => {
    const res = await t.app.request("/test/throw-string");
    expect(res.status).toBe(500);
    expect((await problemOf(res)).code).toBe("internal_error");
  });
});
