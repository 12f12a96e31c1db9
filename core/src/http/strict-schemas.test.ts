import { createRoute, z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { ProblemError, problemResponse } from "./problem.ts";
import { createRouter } from "./router.ts";
import { strippingObjects } from "./strict-schemas.ts";

const route = (schema: z.ZodType) =>
  createRoute({
    method: "post",
    path: "/things",
    request: { body: { required: true, content: { "application/json": { schema } } } },
    responses: { 200: { description: "ok" } },
  });

describe("write bodies refuse unknown fields", () => {
  it("finds every object that would drop unknown keys, however deep or wrapped", () => {
    const loose = z.object({
      a: z.strictObject({ b: z.object({ c: z.string() }) }),
      list: z.array(z.object({ x: z.number() })).optional(),
      either: z.union([z.strictObject({ k: z.literal(1) }), z.object({ k: z.literal(2) })]),
      piped: z.preprocess((v) => v, z.object({ y: z.string() })),
      map: z.record(z.string(), z.object({ v: z.boolean() })),
    });
    expect(strippingObjects(loose)).toEqual(["(body)", "a.b", "list[]", "either", "piped", "map{}"]);
    expect(strippingObjects(z.strictObject({ a: z.array(z.strictObject({ b: z.string() })).default([]) }))).toEqual([]);
    // Deliberately open objects (any key is data) are not stripping: they keep the keys.
    expect(strippingObjects(z.looseObject({ a: z.string() }))).toEqual([]);
  });

  it("a router will not register a route whose body schema would drop them", () => {
    const r = createRouter();
    expect(() => r.openapi(route(z.object({ name: z.string() })), (c) => c.json({}, 200))).toThrow(/POST \/things .*drop unknown fields at \(body\)/);
    expect(() => r.openapi(route(z.strictObject({ name: z.string() })), (c) => c.json({}, 200))).not.toThrow();
  });

  it("answers an unknown field with 422 unknown_field at its path", async () => {
    const r = createRouter();
    r.onError((err, c) => (err instanceof ProblemError ? problemResponse(c, err) : c.text(String(err), 500)));
    r.openapi(route(z.strictObject({ items: z.array(z.strictObject({ sku: z.string() })) })), (c) => c.json({}, 200));
    const res = await r.request("/things", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ items: [{ sku: "a", qty: 2 }], note: "x" }) });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: Array<{ path: string; pointer: string; code: string }> };
    expect(body.errors.map((e) => [e.path, e.pointer, e.code])).toEqual([
      ["items.0.qty", "/items/0/qty", "unknown_field"],
      ["note", "/note", "unknown_field"],
    ]);
  });
});
