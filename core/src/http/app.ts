import type { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { methodNotAllowed } from "hono/method-not-allowed";
import type { Deps } from "../platform/deps.ts";
import { downloadSigningKey } from "../platform/storage/create-storage.ts";
import { filesRoutes } from "../platform/storage/files.routes.ts";
import {
  completeProblems,
  errorHandler,
  methodNotAllowedResponse,
  normalizeThrown,
  notFoundHandler,
  payloadTooLarge,
  rejectNulInUrl,
} from "./errors.ts";
import { healthRoutes } from "./health.routes.ts";
import { mountApiDocs } from "./openapi.ts";
import { operatorRoutes, OPERATOR_PREFIX } from "./operator.routes.ts";
import { requestContext, type AppEnv } from "./request-context.ts";
import { createRouter } from "./router.ts";
import { buyerAdminRoutes, buyerRoutes } from "../buyers/buyers.routes.ts";
import { storefrontRoutes } from "../storefronts/storefronts.routes.ts";
import { orderRoutes } from "../orders/orders.routes.ts";
import { stripeWebhookRoutes } from "../payments/stripe-webhook.routes.ts";
import { redeemRoutes } from "../redemption/redeem.routes.ts";
import { offerRoutes } from "../offers/offers.routes.ts";
import { vendorStorefrontRoutes } from "../storefronts/vendor-storefront.routes.ts";
import { manifestRoutes } from "../fulfillment/manifests/manifests.routes.ts";
import { dataRequestRoutes } from "../compliance/data-requests.routes.ts";
import { extensionRoutes } from "../vendors/extension.routes.ts";

export type App = OpenAPIHono<AppEnv>;

export interface CreateAppOptions {
  /**
   * Mount further routes: each is called with the app after the core middleware and the
   * built-in routes, before the API description is generated, e.g.
   * `(app) => app.route("/v1/vendors", vendorsRoutes(deps))`.
   */
  routes?: Array<(app: App) => void>;
  /**
   * Paths (exact, or prefixes of `prefix/...`) whose routes answer errors in their own format,
   * left as they are instead of becoming problem documents: the embedded app's HTML pages and
   * Remix data errors.
   */
  ownErrorPages?: string[];
  /** Per-check timeout of `GET /ready` (default 2000 ms). */
  readinessTimeoutMs?: number;
}

/**
 * The core service's HTTP app. In order, every request gets: a request id and a
 * request-scoped logger (one log line per request), 405 for a known path with another
 * method, the body-size limit (413), then its route, whose declared schemas enforce the
 * content type (415), JSON syntax (400) and content (400/422). Every error, including
 * unknown routes, unexpected exceptions and error responses that mounted apps build
 * themselves, is a complete `application/problem+json` body.
 */
export function createApp(deps: Deps, opts: CreateAppOptions = {}): App {
  const app = createRouter();

  app.use("*", requestContext(deps));
  const problems = completeProblems();
  const own = opts.ownErrorPages ?? [];
  app.use("*", (c, next) => (own.some((p) => c.req.path === p || c.req.path.startsWith(`${p}/`)) ? next() : problems(c, next)));
  app.use("*", normalizeThrown());
  app.use("*", methodNotAllowed({ app, onMethodNotAllowed: methodNotAllowedResponse }));
  app.use(
    "*",
    bodyLimit({
      maxSize: deps.config.BODY_LIMIT_BYTES,
      onError: () => {
        throw payloadTooLarge();
      },
    }),
  );
  app.use("*", rejectNulInUrl());
  app.onError(errorHandler(deps.log));
  app.notFound(notFoundHandler);

  app.route("/", healthRoutes(deps, { checkTimeoutMs: opts.readinessTimeoutMs }));
  app.route(`${OPERATOR_PREFIX}/buyers`, buyerAdminRoutes(deps));
  app.route(OPERATOR_PREFIX, operatorRoutes(deps));
  app.route("/v1/buyer", buyerRoutes(deps));
  app.route("/v1/storefronts", storefrontRoutes(deps));
  app.route("/v1/orders", orderRoutes(deps));
  app.route("/", stripeWebhookRoutes(deps));
  app.route("/v1/redeem", redeemRoutes(deps));
  app.route("/v1/vendor/offers", offerRoutes(deps));
  app.route("/v1/vendor", vendorStorefrontRoutes(deps));
  app.route("/v1/vendor/manifests", manifestRoutes(deps));
  app.route("/v1/vendor/data-requests", dataRequestRoutes(deps));
  app.route("/v1/vendor", extensionRoutes(deps));
  if (deps.storage.driver === "local") {
    // Signed download links of the local storage driver (S3 serves its own presigned URLs).
    app.route("/", filesRoutes(deps.storage, downloadSigningKey(deps.config)));
  }
  for (const mount of opts.routes ?? []) mount(app);

  mountApiDocs(app, deps.config);
  return app;
}
