import { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { isJsonMediaType, readJsonBody } from "./body.ts";
import { validationHook } from "./errors.ts";
import type { AppEnv } from "./request-context.ts";
import { assertStrictBody } from "./strict-schemas.ts";

/**
 * A router for one module's routes: an OpenAPIHono whose validation failures become
 * problem responses. Modules export a function building one; `createApp` mounts it with
 * `app.route(prefix, router)`, which also merges its OpenAPI description.
 *
 * Every route registered with `router.openapi(...)` also gets the API's body rules:
 * - its request body schema must refuse unknown fields (registration throws otherwise;
 *   see strict-schemas.ts), so no write can drop a field silently;
 * - a JSON body is read by `readJsonBody` (UTF-8, no NUL, no lone surrogates) before the
 *   route's schema sees it.
 */
export function createRouter<E extends AppEnv = AppEnv>(): OpenAPIHono<E> {
  const router = new OpenAPIHono<E>({ defaultHook: validationHook });
  const register = router.openapi;
  router.openapi = ((route: Parameters<typeof register>[0], handler: Parameters<typeof register>[1], hook?: Parameters<typeof register>[2]) => {
    assertStrictBody(route);
    const hasJsonBody = Object.keys(route.request?.body?.content ?? {}).some((t) => isJsonMediaType(t));
    if (!hasJsonBody) return register(route, handler, hook);
    const own = route.middleware === undefined ? [] : Array.isArray(route.middleware) ? route.middleware : [route.middleware];
    return register({ ...route, middleware: [...own, jsonBody] as typeof route.middleware }, handler, hook);
  }) as typeof register;
  return router;
}

/** Runs before the route's validators: a JSON body is read under the body rules. */
const jsonBody: MiddlewareHandler = async function jsonBody(c, next) {
  if (isJsonMediaType(c.req.header("content-type"))) await readJsonBody(c);
  await next();
};
