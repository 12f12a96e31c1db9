import type { RouteConfig, z } from "@hono/zod-openapi";

/**
 * Unknown fields in a write are refused, not dropped: a buyer who sends `quantity` or a
 * misspelt `welcomText` must learn that it did nothing. Zod's `z.object()` silently strips
 * unknown keys, so every router refuses to register a route whose request body schema has
 * such an object anywhere (see `createRouter`): write bodies are built with
 * `z.strictObject()` / `.strict()` (or, deliberately, `z.looseObject()` where any key is
 * data). This finds the objects that would strip.
 */
export function strippingObjects(schema: z.ZodType): string[] {
  const found: string[] = [];
  const seen = new Set<unknown>();
  const walk = (s: unknown, path: string) => {
    if (!s || typeof s !== "object" || seen.has(s)) return;
    seen.add(s);
    const def = (s as { _zod?: { def?: Record<string, unknown> & { type: string } } })._zod?.def;
    if (!def) return;
    switch (def.type) {
      case "object": {
        if (def.catchall === undefined) found.push(path || "(body)");
        for (const [key, child] of Object.entries(def.shape as Record<string, unknown>)) walk(child, path ? `${path}.${key}` : key);
        return;
      }
      case "array":
        return walk(def.element, `${path}[]`);
      case "record":
        return walk(def.valueType, `${path}{}`);
      case "tuple":
        for (const item of def.items as unknown[]) walk(item, `${path}[]`);
        if (def.rest) walk(def.rest, `${path}[]`);
        return;
      case "union":
        for (const option of def.options as unknown[]) walk(option, path);
        return;
      case "intersection":
        walk(def.left, path);
        walk(def.right, path);
        return;
      case "pipe":
        walk(def.in, path);
        walk(def.out, path);
        return;
      case "lazy":
        return walk((def.getter as () => unknown)(), path);
      default:
        // optional, nullable, default, prefault, catch, readonly, nonoptional, promise…
        if (def.innerType) walk(def.innerType, path);
    }
  };
  walk(schema, "");
  return found;
}

/** Throws, naming the route and the places, when a request body schema would drop unknown fields. */
export function assertStrictBody(route: RouteConfig): void {
  for (const [mediaType, media] of Object.entries(route.request?.body?.content ?? {})) {
    const schema = media && "schema" in media ? (media.schema as z.ZodType | undefined) : undefined;
    if (!schema || typeof schema !== "object" || !("_zod" in schema)) continue;
    const loose = strippingObjects(schema);
    if (loose.length) {
      throw new Error(
        `${route.method.toUpperCase()} ${route.path} (${mediaType}): the request body schema would silently drop unknown fields at ${loose.join(", ")}. ` +
          "Build write bodies with z.strictObject() or .strict(), so an unknown field is refused (422 unknown_field).",
      );
    }
  }
}
