import type { OpenAPIHono } from "@hono/zod-openapi";
import type { ErrorHandler, MiddlewareHandler } from "hono";
import { methodNotAllowed } from "hono/method-not-allowed";
import type { Deps } from "../platform/deps.ts";
import { downloadSigningKey } from "../platform/storage/create-storage.ts";
import { filesRoutes } from "../platform/storage/files.routes.ts";
import {
  completeProblems,
  errorHandler,
  limitBody,
  malformedPathEncoding,
  methodNotAllowedResponse,
  notFoundHandler,
  nulInUrl,
  pathEncodingIsValid,
  urlHasNul,
} from "./errors.ts";
import { healthRoutes } from "./health.routes.ts";
import { mountApiDocs } from "./openapi.ts";
import { operatorRoutes, OPERATOR_PREFIX } from "./operator.routes.ts";
import { beginRequest, endRequest, setResponseHeader, type AppEnv } from "./request-context.ts";
import { truncate } from "./problem.ts";
import { createRouter } from "./router.ts";
import { buyerAdminRoutes, buyerRoutes } from "../buyers/buyers.routes.ts";
import { buyerAuthRoutes } from "../buyers/buyer-web.routes.ts";
import { storefrontShippingRoutes } from "../buyers/buyer-orders.routes.ts";
import { storefrontRoutes } from "../storefronts/storefronts.routes.ts";
import { orderRoutes } from "../orders/orders.routes.ts";
import { stripeWebhookRoutes } from "../payments/stripe-webhook.routes.ts";
import { connectWebhookRoutes } from "../payouts/account/connect-webhook.routes.ts";
import { payoutAccountRoutes } from "../payouts/account/payout-account.routes.ts";
import { shopifyWebhookRoutes, SHOPIFY_WEBHOOK_PATH } from "../webhooks/shopify-webhook.routes.ts";
import { redeemRoutes } from "../redemption/redeem.routes.ts";
import { offerRoutes } from "../offers/offers.routes.ts";
import { vendorStorefrontRoutes } from "../storefronts/vendor-storefront.routes.ts";
import { manifestRoutes } from "../fulfillment/manifests/manifests.routes.ts";
import { dataRequestRoutes } from "../compliance/data-requests.routes.ts";
import { extensionRoutes } from "../vendors/extension.routes.ts";
import { heldPushRoutes } from "../fulfillment/push/held-pushes.routes.ts";
import { storefrontPages } from "./storefront-pages.ts";
import { financeRoutes, xeroCallbackRoutes } from "../accounting/accounting.routes.ts";
import { financeConsoleRoutes, staffSignInPage } from "../accounting/finance-console.routes.ts";
import { financeConsolePages } from "../accounting/finance-console.pages.ts";
import { vendorPayoutRoutes } from "../payouts/payouts.routes.ts";
import { operatorPayoutRoutes } from "../payouts/operator-payouts.routes.ts";

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
 * method, the body-size limit (413), 400 for a NUL or malformed percent-encoding in the
 * URL, then its route, whose declared schemas enforce the
 * content type (415), JSON syntax (400) and content (400/422). Every error, including
 * unknown routes, unexpected exceptions and error responses that mounted apps build
 * themselves, is a complete `application/problem+json` body.
 */
export function createApp(deps: Deps, opts: CreateAppOptions = {}): App {
  const app = createRouter();
  const onError = errorHandler(deps.log);
  app.use("*", requestPipeline(app, deps, opts.ownErrorPages ?? [], onError));
  app.onError(onError);
  app.notFound(notFoundHandler);

  app.route("/", healthRoutes(deps, { checkTimeoutMs: opts.readinessTimeoutMs }));
  app.route(`${OPERATOR_PREFIX}/buyers`, buyerAdminRoutes(deps));
  app.route(`${OPERATOR_PREFIX}/held-pushes`, heldPushRoutes(deps));
  app.route(`${OPERATOR_PREFIX}/finance`, financeRoutes(deps));
  app.route(`${OPERATOR_PREFIX}/payouts`, operatorPayoutRoutes(deps));
  app.route(OPERATOR_PREFIX, operatorRoutes(deps));
  app.route("/v1/buyer-auth", buyerAuthRoutes(deps));
  app.route("/v1/buyer", buyerRoutes(deps));
  app.route("/v1/storefront-shipping", storefrontShippingRoutes(deps));
  app.route("/v1/storefronts", storefrontRoutes(deps));
  app.route("/v1/orders", orderRoutes(deps));
  app.route("/", stripeWebhookRoutes(deps));
  app.route("/", connectWebhookRoutes(deps));
  app.route("/", shopifyWebhookRoutes(deps));
  app.route("/v1/redeem", redeemRoutes(deps));
  app.route("/v1/vendor/offers", offerRoutes(deps));
  app.route("/v1/vendor", vendorStorefrontRoutes(deps));
  app.route("/v1/vendor/manifests", manifestRoutes(deps));
  app.route("/v1/vendor/data-requests", dataRequestRoutes(deps));
  app.route("/v1/vendor/payouts", vendorPayoutRoutes(deps));
  app.route("/v1/vendor", extensionRoutes(deps));
  app.route("/v1/vendor/payout-account", payoutAccountRoutes(deps));
  app.route("/v1/finance", financeConsoleRoutes(deps));
  app.route("/", xeroCallbackRoutes(deps));
  app.route("/", staffSignInPage(deps));
  app.route("/", financeConsolePages(deps.config));
  app.route("/", storefrontPages(deps.config));
  if (deps.storage.driver === "local") {
    // Signed download links of the local storage driver (S3 serves its own presigned URLs).
    app.route("/", filesRoutes(deps.storage, downloadSigningKey(deps.config)));
  }
  for (const mount of opts.routes ?? []) mount(app);

  mountApiDocs(app, deps.config);
  return app;
}

/**
 * Everything every request passes through, as one middleware (each layer of Hono's
 * middleware chain costs an async frame per request, and the hot routes run near the bare
 * router's ceiling). In order: request id and logger; `Cache-Control: no-store` on `/v1`
 * answers unless the route sets its own; the body limit (413); NUL in the URL or malformed
 * percent-encoding in its path (400); the route. Then, only where the outcome calls for it: a thrown non-Error becomes a 500 problem; a 404 for a path that exists under another method becomes a 405 with Allow;
 * an error response that is not a complete problem document is completed (except on
 * `ownErrorPages`); finally the id is echoed and the request line is logged.
 */
function requestPipeline(app: App, deps: Deps, ownErrorPages: string[], onError: ErrorHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  const limit = limitBody(deps.config.BODY_LIMIT_BYTES);
  // Orders and quotes carry up to 10,000 recipients (names, emails, messages: megabytes);
  // logo uploads (API and the app's Storefront page) up to 2 MB; Shopify's products/update
  // of a product with many variants can pass 1 MB, and a refused delivery is retried and
  // eventually unsubscribed by Shopify; their own checks apply.
  const bulkLimit = limitBody(deps.config.ORDER_BODY_LIMIT_BYTES);
  const isBulk = (c: { req: { method: string; path: string } }) =>
    (c.req.method === "POST" &&
      (c.req.path === "/v1/orders" || c.req.path === "/v1/orders/csv" || c.req.path === "/app/storefront" || c.req.path === SHOPIFY_WEBHOOK_PATH || /^\/v1\/storefronts\/[^/]+\/quote$/.test(c.req.path))) ||
    (c.req.method === "PUT" && c.req.path === "/v1/vendor/storefront/logo");
  const allow = methodNotAllowed({ app, onMethodNotAllowed: methodNotAllowedResponse });
  const problems = completeProblems();
  const ownPage = (path: string) => ownErrorPages.some((p) => path === p || path.startsWith(`${p}/`));
  const done = async () => {};
  return async function requestPipeline(c, next) {
    const started = performance.now();
    const requestId = beginRequest(c, deps);
    // API answers carry personal data (recipients' names and addresses, tokens, keys shown
    // once): no cache keeps them unless the route says otherwise (public storefront data).
    if (c.req.path.startsWith("/v1/")) setResponseHeader(c, "cache-control", "no-store");
    try {
      await (isBulk(c) ? bulkLimit : limit)(c, async () => {
        const url = c.req.url;
        if (urlHasNul(url)) throw nulInUrl();
        if (!pathEncodingIsValid(url)) throw malformedPathEncoding();
        await next();
      });
    } catch (thrown) {
      // Errors thrown by the route are answered where they are thrown; what reaches here is
      // the limit's and the URL checks' problems, or something that is not an Error at all.
      const err = thrown instanceof Error ? thrown : new Error(`non-Error thrown: ${truncate(String(thrown), 200)}`);
      c.error = err;
      c.res = await onError(err, c);
    }
    const status = c.res.status;
    if (status >= 400) {
      if (status === 404 && !c.error) await allow(c, done);
      if (!ownPage(c.req.path)) await problems(c, done);
    }
    endRequest(c, deps, requestId, started);
  };
}
