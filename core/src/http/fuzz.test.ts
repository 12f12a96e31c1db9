import { randomUUID } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import { sign } from "hono/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBuyerOrg } from "../buyers/buyers.service.ts";
import { asPlatform } from "../testing/deps.ts";
import { recordDeadLetter } from "../jobs/dead-letters.ts";
import { createOrder } from "../orders/create-order.ts";
import { splitOrder } from "../orders/split-order.ts";
import { mintRecipientToken } from "../redemption/recipient-token.ts";
import { BAD_TEXT, BOUNDARY_DATES, boundaryNumbers, boundaryNumberTexts, INVALID_UTF8, MALFORMED_PATH_SEGMENTS } from "../testing/fuzz-values.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import type { App } from "./app.ts";
import { mintOperatorToken, operatorTokenSecret } from "./operator-auth.ts";
import { PROBLEM_CONTENT_TYPE, problemResponses } from "./problem.ts";
import { createRouter } from "./router.ts";
import { testApp, type TestApp } from "./testing.ts";
import { staffSessionHeaders } from "../accounting/testing.ts";
import { asBuyer } from "../testing/buyer.ts";

/**
 * Throws thousands of random requests at every route: random methods, real and mangled
 * paths, random query strings, headers, content types and bodies (malformed JSON, wrong
 * types, deep nesting, huge strings, binary, over the body limit). No response may be a
 * 5xx, and every 4xx must be a problem document. Seeded: a failure names its seed and
 * request number; rerun with FUZZ_SEED=<seed> (and FUZZ_REQUESTS=<n>) to reproduce it.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 0x9e3779b9) >>> 0;
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 3000);
const BODY_LIMIT = 2048;

/** mulberry32: small, fast, good enough to drive a fuzzer, and reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  constructor(readonly next: () => number) {}
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chars(alphabet: string, min: number, max: number): string {
    const n = min + this.int(max - min + 1);
    let s = "";
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }
  printable(min: number, max: number): string {
    let s = "";
    const n = min + this.int(max - min + 1);
    for (let i = 0; i < n; i++) s += String.fromCharCode(32 + this.int(95));
    return s;
  }
  unicode(min: number, max: number): string {
    const pool = ["é", "ß", "漢", "🎁", "\u202e", "\u0000", "\ud800", "ﬀ", "İ", "\u200b", "a", "/", "\\", "%"];
    let s = "";
    const n = min + this.int(max - min + 1);
    for (let i = 0; i < n; i++) s += this.pick(pool);
    return s;
  }
}

const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** Percent-encodes UTF-8 bytes (lone surrogates too, unlike encodeURIComponent). */
function pct(s: string): string {
  return [...Buffer.from(s, "utf8")]
    .map((b) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`))
    .join("");
}

/** A JSON-body route so the fuzzer reaches content-type, JSON and schema checks. */
const orderRoute = createRoute({
  method: "post",
  path: "/fuzz/orders/{orderId}",
  request: {
    params: z.object({ orderId: z.string().regex(/^ord_[a-z0-9]{4,20}$/) }),
    query: z.object({ dryRun: z.enum(["true", "false"]).optional() }),
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.strictObject({
            buyer: z.strictObject({ email: z.email(), name: z.string().min(1).max(100) }),
            currency: z.enum(["USD", "EUR", "GBP"]),
            lines: z
              .array(
                z.strictObject({
                  sku: z.string().min(1).max(64),
                  quantity: z.number().int().min(1).max(1000),
                  unitPriceMinor: z.number().int().nonnegative(),
                  options: z.record(z.string(), z.string()).optional(),
                }),
              )
              .min(1)
              .max(50),
            message: z.string().max(500).nullable().optional(),
          }),
        },
      },
    },
  },
  responses: {
    201: { description: "Accepted", content: { "application/json": { schema: z.object({ id: z.string(), lines: z.number() }) } } },
    ...problemResponses(400, 415, 422),
  },
});

function fuzzRoutes(app: App): void {
  const r = createRouter();
  r.openapi(orderRoute, (c) => c.json({ id: c.req.valid("param").orderId, lines: c.req.valid("json").lines.length }, 201));
  app.route("/", r);
}

let t: TestApp;
let tokens: string[];
let deadLetterIds: string[];
/** Every operation the app documents, so routes added later are fuzzed without editing this file. */
let operations: Array<{ method: string; path: string }>;
let doc: OpenApiDoc;
/** Real records for the documented operations' parameters and credentials (see `fixtures`). */
let fx: Fixtures;

beforeAll(async () => {
  t = await testApp({ env: { BODY_LIMIT_BYTES: String(BODY_LIMIT), LOG_LEVEL: "warn" }, routes: [fuzzRoutes] });
  const secret = operatorTokenSecret(t.deps.config);
  const now = Math.floor(Date.now() / 1000);
  doc = (await (await t.app.request("/openapi.json")).json()) as OpenApiDoc;
  operations = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => ({ method: m.toUpperCase(), path: p })));
  const buyer = await createBuyerOrg(asPlatform(t.deps), { name: "Fuzz buyer", email: "fuzz@buyer.test" });
  fx = await fixtures(buyer);
  tokens = [
    await t.operatorToken(),
    await t.operatorToken(),
    await sign({ sub: "buyer", role: "buyer", exp: now + 600 }, secret, "HS256"),
    await mintOperatorToken(t.deps.config, { sub: "old", ttlSeconds: 1, now: new Date(Date.now() - 60_000) }),
    await sign({ sub: "x", role: "operator", exp: now + 600 }, "wrong-secret-wrong-secret-wrong-secret", "HS256"),
    buyer.apiKey.key,
  ];
  deadLetterIds = [];
  for (let i = 0; i < 30; i++) {
    const key = `fuzz:${i}`;
    const [job] = await t.deps.db.sql.query<{ id: string }>(
      `INSERT INTO job (id, type, payload, idempotency_key, max_attempts, status)
       VALUES (gen_random_uuid(), $1, '{"i":1}'::jsonb, $2, 3, 'running') RETURNING id::text AS id`,
      [i % 2 ? "fuzz.odd" : "fuzz.even", key],
    );
    await recordDeadLetter(t.deps.db.prisma, {
      jobId: job!.id,
      type: i % 2 ? "fuzz.odd" : "fuzz.even",
      payload: { i },
      idempotencyKey: key,
      attempts: 3,
      lastError: "x",
      source: "db",
    });
  }
  const rows = await t.deps.db.sql.query<{ id: string }>("SELECT id::text AS id FROM dead_letter");
  deadLetterIds = rows.map((r) => r.id);
});

afterAll(async () => {
  await t?.close();
});

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

function segment(g: Gen): string {
  switch (g.int(12)) {
    case 0:
      return g.pick(deadLetterIds);
    case 1:
      return randomUuidFrom(g);
    case 2:
      return g.chars(ALNUM, 1, 12);
    case 3:
      return g.pick(["%", "%ZZ", "%00", "%2F", "%C0%AF", "%E2%80%AE", "%25", "%2e%2e", "%u0041"]);
    case 4:
      return pct(g.unicode(1, 8)).replace(/%(?=[0-9A-F]{2})/g, () => (g.chance(0.1) ? "%%" : "%"));
    case 5:
      return "..";
    case 6:
      return g.chars(ALNUM + "-_.~!$&'()*+,;=:@", 200, 2500);
    case 7:
      return "";
    case 8:
      return `ord_${g.chars("abcdefghijklmnopqrstuvwxyz0123456789", 2, 24)}`;
    case 9:
      return g.pick(["replay", "dead-letters", "operator", "v1", "files", "health", "stats", "jobs"]);
    case 10:
      return g.pick(["00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "{id}", ":id", "*"]);
    default:
      return g.printable(1, 10).replace(/[?#/ ]/g, "_");
  }
}

function randomUuidFrom(g: Gen): string {
  const hex = "0123456789abcdef";
  return [8, 4, 4, 4, 12].map((n) => g.chars(hex, n, n)).join("-");
}

function path(g: Gen): string {
  const s = () => segment(g);
  const templates: Array<() => string> = [
    () => "/health",
    () => "/ready",
    () => "/openapi.json",
    () => "/docs",
    () => "/v1/operator/dead-letters",
    () => `/v1/operator/dead-letters/${s()}/replay`,
    () => `/v1/operator/dead-letters/${s()}`,
    () => "/v1/operator/jobs/stats",
    () => `/v1/operator/${s()}/${s()}`,
    () => `/fuzz/orders/${s()}`,
    () => `/fuzz/orders/ord_${g.chars("abcdefghijklmnopqrstuvwxyz0123456789", 4, 20)}`,
    () => `/files/${s()}/${s()}`,
    () => `/${s()}`,
    () => `/${Array.from({ length: 1 + g.int(6) }, s).join("/")}`,
  ];
  let p = g.pick(templates)();
  if (g.chance(0.05)) p += "/";
  if (g.chance(0.05)) p = p.replace("/", "//");
  if (g.chance(0.5)) p += `?${query(g)}`;
  return p;
}

function query(g: Gen): string {
  const keys = ["limit", "type", "includeReplayed", "dryRun", "expires", "sig", "filename", g.chars(ALNUM, 1, 6)];
  const values = () =>
    g.pick([
      String(g.int(2000) - 500),
      "1",
      "1000",
      "1001",
      "0",
      "-1",
      "1e3",
      "0x10",
      "NaN",
      "Infinity",
      "1.5",
      "true",
      "false",
      "maybe",
      "",
      g.chars(ALNUM, 1, 300),
      pct(g.unicode(1, 5)),
      "%ZZ",
      "fuzz.odd",
    ]);
  return Array.from({ length: 1 + g.int(4) }, () => `${g.pick(keys)}=${values()}`).join("&");
}

function validOrder(g: Gen): Record<string, unknown> {
  return {
    buyer: { email: "buyer@example.com", name: g.chars(ALNUM, 1, 20) },
    currency: g.pick(["USD", "EUR", "GBP"]),
    lines: Array.from({ length: 1 + g.int(3) }, () => ({ sku: g.chars(ALNUM, 1, 10), quantity: 1 + g.int(5), unitPriceMinor: g.int(10_000) })),
    message: g.chance(0.5) ? null : "Happy holidays",
  };
}

function randomJson(g: Gen, depth = 0): unknown {
  switch (depth > 4 ? g.int(6) : g.int(9)) {
    case 0:
      return null;
    case 1:
      return g.chance(0.5);
    case 2:
      return g.pick([0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 31]);
    case 3:
      return g.printable(0, 30);
    case 4:
      return g.unicode(0, 10);
    case 5:
      return "";
    case 6:
      return Array.from({ length: g.int(5) }, () => randomJson(g, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      const keys = ["buyer", "currency", "lines", "message", "sku", "quantity", "email", "__proto__", "constructor", g.chars(ALNUM, 1, 8)];
      for (let i = g.int(6); i > 0; i--) o[g.pick(keys)] = randomJson(g, depth + 1);
      return o;
    }
  }
}

function mutate(g: Gen, o: Record<string, unknown>): unknown {
  const copy = JSON.parse(JSON.stringify(o)) as Record<string, unknown>;
  const lines = copy.lines as Array<Record<string, unknown>>;
  switch (g.int(6)) {
    case 0:
      copy[g.pick(Object.keys(copy))] = randomJson(g);
      break;
    case 1:
      lines[0]![g.pick(["sku", "quantity", "unitPriceMinor", "options"])] = randomJson(g);
      break;
    case 2:
      (copy.buyer as Record<string, unknown>).email = g.pick(["not-an-email", "", 5, null, "a@", "@b.c"]);
      break;
    case 3:
      copy.lines = [];
      break;
    case 4:
      delete copy[g.pick(Object.keys(copy))];
      break;
    default:
      copy.message = "m".repeat(501 + g.int(200));
  }
  return copy;
}

function body(g: Gen): string | Uint8Array {
  switch (g.int(11)) {
    case 0:
      return JSON.stringify(validOrder(g));
    case 1:
      return JSON.stringify(mutate(g, validOrder(g)));
    case 2: {
      const s = JSON.stringify(validOrder(g));
      return s.slice(0, g.int(s.length)); // truncated: malformed
    }
    case 3:
      return g.pick(["{", "}", "[", "{'a':1}", '{"a":}', "nul", "tru", "{\"a\":1,}", "\u0000", "\ufeff{}", "NaN", '"unterminated']);
    case 4: {
      const d = 1 + g.int(1000); // deep nesting, within the body limit
      return g.chance(0.5) ? "[".repeat(d) + "]".repeat(d) : '{"a":'.repeat(Math.min(d, 400)) + "1" + "}".repeat(Math.min(d, 400));
    }
    case 5:
      return JSON.stringify({ ...validOrder(g), message: "x".repeat(BODY_LIMIT + g.int(BODY_LIMIT * 2)) }); // over the limit
    case 6:
      return "y".repeat(g.int(BODY_LIMIT * 3)); // maybe over the limit, not JSON
    case 7:
      return JSON.stringify(randomJson(g));
    case 8:
      return Uint8Array.from({ length: g.int(BODY_LIMIT * 2) }, () => g.int(256)); // binary
    case 9:
      return `a=1&b=${g.chars(ALNUM, 0, 50)}`;
    default:
      return "";
  }
}

function contentType(g: Gen): string | undefined {
  return g.pick([
    undefined,
    "application/json",
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "application/problem+json",
    "application/vnd.giftloop+json",
    "application/json;charset=",
    "application/jsonx",
    "text/plain",
    "text/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    "multipart/form-data",
    "application/xml",
    "*/*",
    "",
    g.printable(1, 40),
  ]);
}

/** A third of requests are fully random; the rest aim at the JSON route or the operator API. */
function request(g: Gen): FuzzRequest {
  const mode = g.int(4);
  if (mode === 3) return documentedRequest(g);
  if (mode === 1) {
    const headers: Record<string, string> = {};
    const ct = g.chance(0.8) ? g.pick(["application/json", "application/json; charset=utf-8", "application/vnd.giftloop+json"]) : contentType(g);
    if (ct !== undefined) headers["content-type"] = ct;
    const id = g.chance(0.85) ? `ord_${g.chars("abcdefghijklmnopqrstuvwxyz0123456789", 4, 20)}` : segment(g);
    return { method: "POST", path: `/fuzz/orders/${id}${g.chance(0.3) ? `?${query(g)}` : ""}`, headers, body: body(g) };
  }
  if (mode === 2) {
    const headers: Record<string, string> = { authorization: `Bearer ${g.chance(0.85) ? tokens[0] : g.pick(tokens)}` };
    const target = g.int(3);
    if (target === 0) return { method: g.pick(["GET", "GET", "HEAD", "POST"]), path: `/v1/operator/dead-letters?${query(g)}`, headers };
    if (target === 1) {
      const req: FuzzRequest = { method: g.pick(["POST", "POST", "GET", "PUT"]), path: `/v1/operator/dead-letters/${segment(g)}/replay`, headers };
      if (req.method !== "GET" && g.chance(0.3)) {
        req.body = body(g);
        const ct = contentType(g);
        if (ct !== undefined) headers["content-type"] = ct;
      }
      return req;
    }
    return { method: g.pick(["GET", "DELETE"]), path: `/v1/operator/jobs/stats${g.chance(0.3) ? `?${query(g)}` : ""}`, headers };
  }
  return randomRequest(g);
}

/** A documented operation, with random path parameters, credentials and body. */
function documentedRequest(g: Gen): FuzzRequest {
  const op = g.pick(operations);
  const path = op.path.replace(/\{[^}]+\}/g, () => (g.chance(0.5) ? randomUuidFrom(g) : segment(g)));
  const method = g.chance(0.85) ? op.method : g.pick(["GET", "POST", "PUT", "DELETE", "PATCH"]);
  const headers: Record<string, string> = {};
  if (g.chance(0.9)) headers.authorization = `Bearer ${g.pick(tokens)}`;
  const req: FuzzRequest = { method, path: g.chance(0.3) ? `${path}?${query(g)}` : path, headers };
  if (method !== "GET" && method !== "HEAD" && g.chance(0.8)) {
    req.body = body(g);
    const ct = g.chance(0.8) ? "application/json" : contentType(g);
    if (ct !== undefined) headers["content-type"] = ct;
  }
  return req;
}

function randomRequest(g: Gen): FuzzRequest {
  const method = g.pick(["GET", "GET", "HEAD", "POST", "POST", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND", "PURGE"]);
  const headers: Record<string, string> = {};
  if (g.chance(0.6)) {
    headers.authorization = g.pick([
      `Bearer ${tokens[0]}`,
      `Bearer ${tokens[0]}`,
      `Bearer ${tokens[1]}`,
      `Bearer ${tokens[2]}`,
      `Bearer ${tokens[3]}`,
      `Bearer ${tokens[4]}`,
      `Bearer ${g.chars(ALNUM + ".-_", 0, 300)}`,
      g.printable(0, 60),
      "Bearer",
      `Basic ${Buffer.from("a:b").toString("base64")}`,
    ]);
  }
  if (g.chance(0.2)) headers["x-request-id"] = g.chance(0.5) ? g.chars(ALNUM + "-", 1, 300) : g.printable(0, 50);
  if (g.chance(0.1)) headers.accept = g.pick(["application/json", "text/html", "*/*", g.printable(0, 20)]);
  const req: FuzzRequest = { method, path: path(g), headers };
  if (method !== "GET" && method !== "HEAD" && g.chance(0.75)) {
    req.body = body(g);
    const ct = contentType(g);
    if (ct !== undefined) headers["content-type"] = ct;
  }
  return req;
}

function describeRequest(seed: number, i: number, r: FuzzRequest): string {
  const b = r.body === undefined ? "none" : typeof r.body === "string" ? JSON.stringify(r.body.slice(0, 200)) : `<${r.body.length} bytes>`;
  return `FUZZ_SEED=${seed} request #${i}: ${r.method} ${r.path.slice(0, 300)} headers=${JSON.stringify(r.headers).slice(0, 300)} body=${b}`;
}

async function send(app: App, r: FuzzRequest): Promise<Response> {
  // Paths with characters `new URL` rejects are sent as given (a raw HTTP request line could hold them).
  return app.request(`http://localhost${r.path}`, {
    method: r.method,
    headers: r.headers,
    ...(r.body !== undefined ? { body: r.body } : {}),
  });
}

describe("fuzz", () => {
  it(`answers ${REQUESTS} random requests without a 5xx, every 4xx a problem`, async () => {
    const g = new Gen(prng(SEED));
    const statuses = new Map<number, number>();
    let refused = 0;
    const started = Date.now();
    for (let i = 0; i < REQUESTS; i++) {
      const r = request(g);
      const where = describeRequest(SEED, i, r);
      let res: Response;
      try {
        res = await send(t.app, r);
      } catch (err) {
        // Only the test's own fetch plumbing may refuse a request (e.g. a header value it rejects).
        if (err instanceof TypeError && /header|URL|method/i.test(err.message)) {
          refused++;
          continue;
        }
        throw new Error(`${where}: app.request threw ${String(err)}`);
      }
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status, where).toBeLessThan(500);
      expect(res.headers.get("x-request-id"), where).toBeTruthy();
      if (res.status >= 400) {
        expect(res.headers.get("content-type"), where).toBe(PROBLEM_CONTENT_TYPE);
        if (r.method !== "HEAD") {
          const problem = (await res.json()) as { status: number; code: string; type: string; title: string };
          expect(problem.status, where).toBe(res.status);
          expect(typeof problem.code, where).toBe("string");
          expect(typeof problem.type, where).toBe("string");
          expect(typeof problem.title, where).toBe("string");
        }
      } else {
        await res.arrayBuffer();
      }
    }
    const elapsed = Date.now() - started;
    if (process.env.FUZZ_VERBOSE) console.log({ seed: SEED, refused, elapsed, statuses: Object.fromEntries(statuses) });
    expect(refused, "requests the test's fetch refused to build").toBeLessThan(REQUESTS * 0.05);
    // The fuzzer reaches every layer: auth, routing, limits, content types, JSON, schemas, handlers.
    for (const status of [200, 201, 400, 401, 403, 404, 405, 413, 415, 422]) {
      expect(statuses.get(status) ?? 0, `status ${status} never seen (seed ${SEED}): ${JSON.stringify([...statuses])}`).toBeGreaterThan(0);
    }
  }, 60_000);

  it("a replay target reached by the fuzzer still answers consistently", async () => {
    // After the storm, the dead letters are either replayed (409) or not (202), never broken.
    const token = tokens[0]!;
    for (const id of [...deadLetterIds.slice(0, 5), randomUUID()]) {
      const res = await t.app.request(`/v1/operator/dead-letters/${id}/replay`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
      expect([202, 404, 409]).toContain(res.status);
    }
  });
});

// --- every documented operation, every class of bad input ----------------------------

/**
 * For each operation of the OpenAPI document: a request that would work (real ids, the
 * credential its security scheme names, a valid body), then that request with one thing
 * made bad at a time: each path parameter malformed-percent-encoded; each numeric and date
 * parameter and body field at and past its bounds; each string of the body holding a lone
 * surrogate or NUL; the body's bytes not UTF-8; a CSV body with NUL or non-UTF-8 bytes. None
 * may answer 5xx; the body-rule classes must be refused with their own problem code.
 */
type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  example?: unknown;
  default?: unknown;
};
interface OpenApiParameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  schema: JsonSchema;
}
interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  security?: Array<Record<string, unknown>>;
}
interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema> };
}

interface Fixtures {
  seeded: Seeded;
  shop: string;
  buyerKey: string;
  apiKeyId: string;
  orderId: string;
  /** The gift the recipient token is for (kept redeemable), and another for path parameters (canceled by a probe). */
  unitId: string;
  otherUnitId: string;
  recipientToken: string;
  productShopifyId: string;
}

async function fixtures(buyer: Awaited<ReturnType<typeof createBuyerOrg>>): Promise<Fixtures> {
  const shop = "fuzz-brand.myshopify.com";
  const seeded = await seedVendor(t.deps.db, { shop, slug: "fuzz-brand" });
  const created = await createOrder(asBuyer(t.deps, { buyerOrgId: buyer.id, apiKeyId: buyer.apiKey.id }), t.deps, {
    storefront: seeded.storefrontSlug,
    offerId: seeded.mugOfferId,
    recipients: [1, 2, 3].map((i) => ({ name: `Fuzz ${i}`, email: `fuzz${i}@example.test`, country: "US" })),
  });
  if (!created.ok) throw new Error(JSON.stringify(created));
  await t.deps.db.prisma.giftOrder.update({ where: { id: created.orderId }, data: { stripePaymentIntentId: "pi_fuzz" } });
  await splitOrder(t.deps, { paymentIntentId: "pi_fuzz", amount: created.quote.totalAmount, currency: "usd" });
  const [unit, other] = await t.deps.db.prisma.fulfillmentUnit.findMany({ where: { orderId: created.orderId }, orderBy: { id: "asc" } });
  const product = await t.deps.db.prisma.product.findFirstOrThrow({ where: { vendorId: seeded.vendorId } });
  return {
    seeded,
    shop,
    buyerKey: buyer.apiKey.key,
    apiKeyId: buyer.apiKey.id,
    orderId: created.orderId,
    unitId: unit!.id,
    otherUnitId: other!.id,
    recipientToken: await mintRecipientToken(t.deps.config, unit!.id),
    productShopifyId: product.shopifyId.split("/").pop()!,
  };
}

/** A real value for a path parameter of a documented path. */
function pathValue(path: string, name: string): string {
  if (name === "slug") return fx.seeded.storefrontSlug;
  if (name === "unitId") return fx.otherUnitId;
  if (path.startsWith("/v1/orders/")) return fx.orderId;
  if (path.startsWith("/v1/vendor/offers/")) return fx.seeded.mugOfferId;
  if (path.startsWith("/v1/operator/dead-letters/")) return deadLetterIds[0]!;
  if (path.startsWith("/v1/buyer/api-keys/")) return randomUUID(); // deleting the fuzz's own key would end the run
  if (path.startsWith("/v1/vendor/units/by-shopify-order/")) return "450789469";
  if (path.startsWith("/v1/vendor/products/")) return fx.productShopifyId;
  if (path.startsWith("/v1/finance/") && name === "day") return "2026-12-05";
  if (path.startsWith("/v1/finance/") && name === "vendorId") return fx.seeded.vendorId;
  return randomUUID();
}

/** A body that would be accepted, for the operations with a JSON body (generated from the schema for any other). */
function validBody(method: string, path: string, schema: JsonSchema): unknown {
  const soon = new Date(Date.now() + 86_400_000).toISOString();
  const recipients = [{ name: "Ada Lovelace", email: `ada-${randomUUID()}@example.test`, country: "US", message: "Thank you", sendAt: soon }];
  switch (`${method} ${path}`) {
    case "POST /v1/operator/buyers":
      return { name: "Fuzz Corp", email: `ap-${randomUUID()}@example.test` };
    case "POST /v1/buyer/api-keys":
      return { name: "fuzz key" };
    case "POST /v1/storefronts/{slug}/quote":
      return { offerId: fx.seeded.mugOfferId, recipients };
    case "POST /v1/orders":
      return { storefront: fx.seeded.storefrontSlug, offerId: fx.seeded.mugOfferId, recipients, buyerReference: "PO-1" };
    case "POST /v1/redeem/session":
      return { code: "7KQ2M-XW9FD-HT4R8" };
    case "POST /v1/redeem/gift/redeem":
      return { variantId: fx.seeded.variants["mug:default"], address: { name: "Ada", line1: "1 Main St", city: "Springfield", region: "IL", postalCode: "62701", country: "US" } };
    case "POST /v1/vendor/offers":
      return { name: "Fuzz offer", kind: "single", priceAmount: 2500, currency: "USD", startsAt: soon, endsAt: null, expiryDays: 30, items: [{ productId: fx.seeded.products.mug }] };
    case "PATCH /v1/vendor/offers/{id}":
      return { version: 1, name: "Renamed", priceAmount: 2600, startsAt: soon };
    case "POST /v1/vendor/offers/{id}/status":
      return { status: "paused", version: 1 };
    case "PUT /v1/vendor/storefront":
      return { name: "Fuzz brand", slug: fx.seeded.storefrontSlug, primaryColor: "#112233", accentColor: "#445566", welcomeText: "Hello", offers: [{ offerId: fx.seeded.mugOfferId, priceOverrideAmount: 3000 }] };
    case "PUT /v1/vendor/shipping-rules":
      return { rules: [{ country: "US", rateAmount: 800 }, { country: "*", rateAmount: 2000 }] };
    case "POST /v1/vendor/products/{id}/giftable":
      return { giftable: true, offerId: fx.seeded.mugOfferId };
    case "PATCH /v1/finance/payout-settings":
    case "PATCH /v1/finance/payout-settings/brands/{vendorId}":
      return { commissionBps: 1000, settlementDays: 14, minimumPayout: { USD: 2500 }, approvalRequired: false };
    case "POST /v1/finance/payout-runs/payouts/{id}/approve":
    case "POST /v1/finance/payout-runs/payouts/{id}/retry":
      return { version: 1 };
    default:
      return generate(schema);
  }
}

function resolve(schema: JsonSchema | undefined): JsonSchema {
  let s = schema ?? {};
  while (s.$ref) s = doc.components.schemas[s.$ref.split("/").pop()!] ?? {};
  return s;
}

/** A value of the schema: required properties, first enum value, a value of the format or range. */
function generate(schema: JsonSchema | undefined, depth = 0): unknown {
  const s = resolve(schema);
  const variants = s.anyOf ?? s.oneOf;
  if (variants) return generate(variants.find((v) => resolve(v).type !== "null"), depth);
  if (s.example !== undefined) return s.example;
  if (s.enum) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type.find((x) => x !== "null") : s.type;
  switch (type) {
    case "object":
      return Object.fromEntries((s.required ?? []).map((k) => [k, depth > 6 ? null : generate(s.properties?.[k], depth + 1)]));
    case "array":
      return depth > 6 ? [] : [generate(s.items, depth + 1)];
    case "integer":
    case "number":
      return s.minimum ?? 1;
    case "boolean":
      return true;
    default:
      if (s.format === "uuid") return randomUUID();
      if (s.format === "email") return "fuzz@example.test";
      if (s.format === "date-time") return new Date(Date.now() + 86_400_000).toISOString();
      return "x".repeat(Math.max(1, s.minLength ?? 1));
  }
}

/** The headers of the credential the operation's security scheme names (a new staff session each time: a probe may sign out). */
async function credentialFor(op: OpenApiOperation): Promise<Record<string, string>> {
  const scheme = Object.keys(op.security?.[0] ?? {})[0];
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  switch (scheme) {
    case "operatorToken":
      return bearer(await t.operatorToken());
    case "buyerApiKey":
      return bearer(fx.buyerKey);
    case "recipientToken":
      return bearer(fx.recipientToken);
    case "shopifySessionToken":
      return bearer(await t.vendorToken(fx.shop));
    case "staffSession":
      return staffSessionHeaders(t.deps, "admin");
    default:
      return {};
  }
}

interface Probe {
  what: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** What the answer must be: any non-5xx, a 4xx, or a 4xx with this status and problem code. */
  expect: "no-5xx" | "4xx" | { status: number; code: string };
}

/** Leaves of a JSON value of one kind, as paths. */
function leaves(value: unknown, keep: (v: unknown) => boolean, path: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, keep, [...path, i]));
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => leaves(v, keep, [...path, k]));
  return keep(value) ? [path] : [];
}

function withLeaf(value: unknown, path: Array<string | number>, leaf: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path.at(-1)!] = leaf;
  return copy;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T|$)/;

/** Every probe for one operation. */
async function probes(method: string, path: string, op: OpenApiOperation): Promise<Probe[]> {
  const params = op.parameters ?? [];
  const fill = (name: string, raw?: string) => path.replace(/\{(\w+)\}/g, (_, n: string) => (n === name && raw !== undefined ? raw : encodeURIComponent(pathValue(path, n))));
  /** The query a valid request needs, with `name` set to `raw` (already encoded) instead. */
  const query = (name?: string, raw?: string) => {
    const base: Record<string, string> = path === "/v1/orders/csv" ? { storefront: fx.seeded.storefrontSlug, offerId: fx.seeded.mugOfferId } : {};
    const parts = Object.entries(base).filter(([k]) => k !== name).map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
    if (name !== undefined) parts.push(`${name}=${raw}`);
    return parts.length ? `?${parts.join("&")}` : "";
  };
  const auth = await credentialFor(op);
  const media = Object.keys(op.requestBody?.content ?? {});
  const jsonSchema = op.requestBody?.content["application/json"]?.schema;
  const body = jsonSchema ? validBody(method, path, jsonSchema) : undefined;
  const request = (what: string, url: string, expect: Probe["expect"], b?: string | Uint8Array, contentType?: string): Probe => ({
    what,
    method,
    url,
    headers: { ...auth, ...(contentType ? { "content-type": contentType } : {}) },
    ...(b !== undefined ? { body: b } : {}),
    expect,
  });
  const jsonText = body === undefined ? undefined : JSON.stringify(body);
  const csvText = "name,email,country\nAda Lovelace,ada-csv@example.test,US\n";
  /** The body (and its type) a valid request carries: the path and query probes send it too. */
  const [validPayload, validType] = jsonText !== undefined ? [jsonText, "application/json"] : media.includes("text/csv") ? [csvText, "text/csv"] : [undefined, undefined];
  const out: Probe[] = [];
  const url = fill("");

  // Malformed percent-encoding in each path parameter.
  for (const p of params.filter((x) => x.in === "path")) {
    for (const seg of MALFORMED_PATH_SEGMENTS) out.push(request(`path ${p.name}=${seg}`, fill(p.name, seg), "4xx", validPayload, validType));
  }
  // Numbers and dates at and past their bounds in each query parameter.
  for (const p of params.filter((x) => x.in === "query")) {
    const s = resolve(p.schema);
    const types = [s.type].flat();
    const values = types.includes("integer") || types.includes("number") ? boundaryNumberTexts(s) : s.format === "date-time" || s.format === "date" ? BOUNDARY_DATES : ["%ED%A0%80", "%ff", "x".repeat(5000)];
    for (const v of values) {
      const raw = v.startsWith("%") ? v : encodeURIComponent(v);
      out.push(request(`query ${p.name}=${v.slice(0, 40)}`, `${url}${query(p.name, raw)}`, "no-5xx", validPayload, validType));
    }
  }
  if (jsonText !== undefined) {
    const q = query();
    // Each string of the body holding text PostgreSQL cannot store.
    for (const leaf of leaves(body, (v) => typeof v === "string")) {
      for (const [name, bad] of Object.entries(BAD_TEXT)) {
        out.push(request(`body ${leaf.join(".")} ${name}`, `${url}${q}`, { status: 422, code: "invalid_characters" }, JSON.stringify(withLeaf(body, leaf, bad)), "application/json"));
      }
    }
    out.push(request("body key with a lone surrogate", `${url}${q}`, { status: 422, code: "invalid_characters" }, JSON.stringify({ ...(body as object), "\ud800": 1 }), "application/json"));
    // The body's bytes not UTF-8 (inside the first string), and a raw NUL byte.
    const first = leaves(body, (v) => typeof v === "string")[0];
    const [before, after] = (first ? JSON.stringify(withLeaf(body, first, "@@BAD@@")) : `{"x":"@@BAD@@"}`).split("@@BAD@@") as [string, string];
    for (const [name, bytes] of Object.entries(INVALID_UTF8)) {
      out.push(request(`body bytes ${name}`, `${url}${q}`, { status: 400, code: "invalid_utf8" }, Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]), "application/json"));
    }
    out.push(request("body raw NUL byte", `${url}${q}`, { status: 400, code: "malformed_json" }, `${before}\u0000${after}`, "application/json"));
    // Numbers and dates at and past their bounds in each body field.
    for (const leaf of leaves(body, (v) => typeof v === "number")) {
      for (const n of boundaryNumbers()) out.push(request(`body ${leaf.join(".")}=${n}`, `${url}${q}`, "no-5xx", JSON.stringify(withLeaf(body, leaf, n)), "application/json"));
    }
    for (const leaf of leaves(body, (v) => typeof v === "string" && ISO_DATE.test(v))) {
      for (const d of BOUNDARY_DATES) out.push(request(`body ${leaf.join(".")}=${d}`, `${url}${q}`, "no-5xx", JSON.stringify(withLeaf(body, leaf, d)), "application/json"));
    }
    out.push(request("valid body", `${url}${q}`, "no-5xx", jsonText, "application/json"));
  }
  if (media.includes("text/csv")) {
    const q = query();
    const csv = (cell: string | Buffer) => Buffer.concat([Buffer.from("name,email,country\n"), Buffer.from(typeof cell === "string" ? cell : cell), Buffer.from(",csv@example.test,US\n")]);
    out.push(request("csv NUL in a cell", `${url}${q}`, { status: 422, code: "invalid_recipients" }, csv("Ada\u0000Lovelace"), "text/csv"));
    for (const [name, bytes] of Object.entries(INVALID_UTF8)) {
      out.push(request(`csv bytes ${name}`, `${url}${q}`, { status: 422, code: "invalid_recipients" }, csv(Buffer.from(bytes)), "text/csv"));
    }
    out.push(request("csv valid", `${url}${q}`, "no-5xx", csv("Ada Lovelace"), "text/csv"));
  }
  if (media.some((m) => m.startsWith("image/"))) out.push(request("image garbage", url, "no-5xx", Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0xff]), media[0]));
  if (out.length === 0 || (!jsonText && !media.includes("text/csv"))) out.push(request("as documented", `${url}${query()}`, "no-5xx"));
  return out;
}

describe("every documented operation, every class of bad input", () => {
  it("answers each with a 4xx problem (the body rules with their own codes), never a 5xx", async () => {
    const failures: string[] = [];
    const seen = new Map<string, number>();
    let count = 0;
    const apiOperations = Object.entries(doc.paths).filter(([p]) => !p.startsWith("/fuzz/"));
    for (const [path, ops] of apiOperations) {
      for (const [m, op] of Object.entries(ops)) {
        const method = m.toUpperCase();
        for (const probe of await probes(method, path, op)) {
          count++;
          const res = await t.app.request(`http://localhost${probe.url}`, { method: probe.method, headers: probe.headers, ...(probe.body !== undefined ? { body: probe.body } : {}) });
          const where = `${method} ${path}: ${probe.what} -> ${res.status}`;
          seen.set(`${method} ${path} ${res.status}`, (seen.get(`${method} ${path} ${res.status}`) ?? 0) + 1);
          const problem = res.status >= 400 && method !== "HEAD" ? ((await res.json().catch(() => ({}))) as { status?: number; code?: string }) : (await res.arrayBuffer(), undefined);
          if (res.status >= 500) failures.push(where);
          else if (problem && (res.headers.get("content-type") !== PROBLEM_CONTENT_TYPE || problem.status !== res.status || typeof problem.code !== "string")) failures.push(`${where}: not a problem document`);
          else if (probe.expect === "4xx" && res.status < 400) failures.push(`${where}: expected a 4xx`);
          else if (typeof probe.expect === "object" && (res.status !== probe.expect.status || problem?.code !== probe.expect.code)) {
            failures.push(`${where} ${problem?.code}: expected ${probe.expect.status} ${probe.expect.code}`);
          }
        }
      }
    }
    if (process.env.FUZZ_VERBOSE) console.log([...seen].map(([k, n]) => `${k} x${n}`).join("\n"));
    expect(failures, `${failures.length} of ${count} probes failed:\n${failures.slice(0, 40).join("\n")}`).toEqual([]);
    expect(count).toBeGreaterThan(apiOperations.length * 10);
    expect(t.deps.logs.lines.filter((l) => l.msg === "request failed" || l.msg === "unhandled error")).toEqual([]);
  }, 600_000);

  it("finds a range on every numeric and date parameter and body field (so the fuzzer knows its edges and the document shows them)", () => {
    const missing: string[] = [];
    const walk = (schema: JsonSchema, where: string, seen: Set<JsonSchema>) => {
      const s = resolve(schema);
      if (seen.has(s)) return;
      seen.add(s);
      const types = [s.type].flat();
      if ((types.includes("integer") || types.includes("number")) && (s.minimum === undefined || s.maximum === undefined)) missing.push(`${where}: no minimum/maximum`);
      const r = s as JsonSchema & { formatMinimum?: string; formatMaximum?: string };
      if ((s.format === "date-time" || s.format === "date") && (!r.formatMinimum || !r.formatMaximum)) missing.push(`${where}: no formatMinimum/formatMaximum`);
      for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, `${where}.${k}`, seen);
      if (s.items) walk(s.items, `${where}[]`, seen);
      for (const v of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) walk(v, where, seen);
    };
    for (const [path, ops] of Object.entries(doc.paths).filter(([p]) => !p.startsWith("/fuzz/"))) {
      for (const [m, op] of Object.entries(ops)) {
        for (const p of op.parameters ?? []) if (p.in !== "header") walk(p.schema, `${m} ${path} ${p.in} ${p.name}`, new Set());
        for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) walk(media.schema, `${m} ${path} body (${type})`, new Set());
      }
    }
    expect(missing).toEqual([]);
  });
});
