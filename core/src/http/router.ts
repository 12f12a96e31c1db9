import { OpenAPIHono } from "@hono/zod-openapi";
import { validationHook } from "./errors.ts";
import type { AppEnv } from "./request-context.ts";

/**
 * A router for one module's routes: an OpenAPIHono whose validation failures become
 * problem responses. Modules export a function building one; `createApp` mounts it with
 * `app.route(prefix, router)`, which also merges its OpenAPI description.
 */
export function createRouter<E extends AppEnv = AppEnv>(): OpenAPIHono<E> {
  return new OpenAPIHono<E>({ defaultHook: validationHook });
}
