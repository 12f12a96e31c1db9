import { createRoute, z } from "@hono/zod-openapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "./app.ts";
import { problemResponses } from "./problem.ts";
import { createRouter } from "./router.ts";
import { testApp, type TestApp } from "./testing.ts";

const PUBLIC_URL = "https://api.giftloop.test";

/** A route whose texts try to inject markup into the docs page. */
function hostileRoute(app: App): void {
  const r = createRouter();
  r.openapi(
    createRoute({
      method: "put",
      path: "/v1/widgets/{widgetId}",
      tags: ["Widgets <b>"],
      summary: "Update a widget <script>alert(1)</script>",
      description: "See [elsewhere](https://evil.example/x) and `code` <img src=https://evil.example/i.png>",
      request: {
        params: z.object({ widgetId: z.string().openapi({ param: { name: "widgetId", in: "path" } }) }),
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z.strictObject({
                name: z.string().min(1).max(80).openapi({ description: "Display name", example: "Mug" }),
                priceMinor: z.number().int().nonnegative(),
                currency: z.enum(["USD", "EUR"]),
                tags: z.array(z.string()).max(10).optional(),
                dimensions: z.strictObject({ widthMm: z.number(), heightMm: z.number() }).optional(),
                note: z.string().nullable(),
              }),
            },
          },
        },
      },
      responses: {
        200: { description: "Updated", content: { "application/json": { schema: z.object({ id: z.string() }) } } },
        ...problemResponses(404, 422),
      },
    }),
    (c) => c.json({ id: c.req.valid("param").widgetId }, 200),
  );
  app.route("/", r);
}

let t: TestApp;

beforeAll(async () => {
  t = await testApp({ env: { PUBLIC_URL }, routes: [hostileRoute] });
});

afterAll(async () => {
  await t?.close();
});

type Doc = {
  openapi: string;
  info: { title: string; version: string };
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[]; tags?: string[] }>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, Record<string, unknown>> };
};

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1 document of every route", async () => {
    const res = await t.app.request("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: "Giftloop core API", version: expect.any(String) });
    expect(doc.servers).toEqual([{ url: PUBLIC_URL }]);
    expect(doc.components.securitySchemes.operatorToken).toMatchObject({ type: "http", scheme: "bearer", bearerFormat: "JWT" });

    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/health",
        "/ready",
        "/v1/operator/dead-letters",
        "/v1/operator/dead-letters/{id}/replay",
        "/v1/operator/jobs/stats",
        "/v1/widgets/{widgetId}",
      ]),
    );
    const replay = doc.paths["/v1/operator/dead-letters/{id}/replay"]!.post!;
    expect(Object.keys(replay.responses)).toEqual(expect.arrayContaining(["202", "401", "403", "404", "409"]));
    expect(replay.security).toEqual([{ operatorToken: [] }]);
    expect(doc.paths["/v1/operator/dead-letters"]!.get!.security).toEqual([{ operatorToken: [] }]);
    expect(doc.paths["/health"]!.get!.security).toBeUndefined();

    // Every operation documents at least one response; every $ref resolves.
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const name of refs) expect(doc.components.schemas, name).toHaveProperty(name);
    expect(doc.components.schemas).toHaveProperty("Problem");
  });

  it("is not itself a route with other methods", async () => {
    expect((await t.app.request("/openapi.json", { method: "POST" })).status).toBe(405);
  });
});

describe("GET /docs", () => {
  let html: string;
  let res: Response;

  beforeAll(async () => {
    res = await t.app.request("/docs");
    html = await res.text();
  });

  it("is an HTML page listing tags and every operation", () => {
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain("Giftloop core API");
    for (const tag of ["System", "Operator"]) expect(html).toContain(`>${tag}<`);
    for (const text of ["/health", "/ready", "/v1/operator/dead-letters", "/v1/operator/jobs/stats", "Replay a dead-lettered job"]) {
      expect(html).toContain(text);
    }
    expect(html).toContain('<span class="m m-post">POST</span>');
    // Parameters, request body schema, responses and the security scheme are rendered.
    expect(html).toContain("includeReplayed");
    expect(html).toContain("priceMinor");
    expect(html).toContain("widthMm"); // a nested object is expanded
    expect(html).toContain("max length <code>80</code>");
    expect(html).toContain('href="#schema-Problem"');
    expect(html).toContain('id="security-operatorToken"');
    expect(html).toContain(PUBLIC_URL);
  });

  it("is self-contained: no scripts, no external resources or links", () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b/i);
    // Inside tags only: escaped text from the document may mention URLs harmlessly.
    expect(html).not.toMatch(/<[^>]*\s(?:src|href|action|srcset|poster|data|formaction)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?(?:https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
    for (const m of html.matchAll(/\bhref="([^"]*)"/g)) expect(m[1]).toMatch(/^(#|openapi\.json$)/);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("escapes everything that comes from the document", () => {
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&#60;script&#62;alert(1)&#60;/script&#62;");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>");
    expect(html).not.toContain("https://evil.example/x");
  });

  it("is well-formed enough: balanced sections and tables", () => {
    const count = (re: RegExp) => (html.match(re) ?? []).length;
    for (const tag of ["section", "article", "table", "div", "ul", "main", "nav"]) {
      expect(count(new RegExp(`<${tag}[\\s>]`, "g")), tag).toBe(count(new RegExp(`</${tag}>`, "g")));
    }
  });
});
