import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Config } from "../platform/config.ts";
import { renderDocsPage } from "./docs-page.ts";
import type { AppEnv } from "./request-context.ts";

/**
 * The API description: an OpenAPI 3.1 document generated from the route schemas
 * (`GET /openapi.json`) and a reference page rendered from it on the server
 * (`GET /docs`: plain HTML and inline CSS, no scripts, nothing fetched from elsewhere).
 */
export const API_TITLE = "Giftloop core API";
export const API_VERSION = "0.1.0";

export type OpenApiDocument = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;

/** Descriptions of the tags route modules use (a tag without one still works). */
export const API_TAGS: Array<{ name: string; description: string }> = [
  { name: "System", description: "Liveness and readiness of the service, for load balancers and monitoring." },
  {
    name: "Operator",
    description:
      "For platform operators: dead-lettered jobs and the state of the job queue. Every operation needs an operator token.",
  },
  {
    name: "Finance console",
    description:
      "The finance console's API, for platform staff signed in by emailed link: every operation but the sign-in needs the staff session cookie, " +
      "and every write also its CSRF token (`X-CSRF-Token`). Support reads; finance also books, replays, reconciles, maps Xero accounts, runs and approves payouts and changes payout settings; admin also connects Xero.",
  },
];

const DESCRIPTION = [
  "The headless gifting core: REST API for buyers and integrations, operator endpoints and service health.",
  "",
  "Requests and responses are JSON. Errors are RFC 9457 problem details " +
    "(`application/problem+json`) with a stable machine-readable `code`; validation errors list each invalid value in `errors`. " +
    "Every response carries an `X-Request-Id` header (send your own to correlate); quote it when reporting a problem.",
].join("\n");

export function openApiDocument(app: OpenAPIHono<AppEnv>, config: Pick<Config, "publicUrl">): OpenApiDocument {
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: API_TITLE, version: API_VERSION, description: DESCRIPTION },
    servers: [{ url: config.publicUrl }],
    tags: API_TAGS,
  });
}

/**
 * Adds `GET /openapi.json` and `GET /docs`. Both are built on first use from every route
 * registered on `app` by then (createApp registers them last), and then kept.
 */
export function mountApiDocs(app: OpenAPIHono<AppEnv>, config: Pick<Config, "publicUrl">): void {
  let document: OpenApiDocument | undefined;
  let page: string | undefined;
  const getDocument = () => (document ??= openApiDocument(app, config));

  app.get("/openapi.json", (c) => {
    c.header("cache-control", "no-cache");
    return c.json(getDocument(), 200);
  });

  app.get("/docs", (c) => {
    page ??= renderDocsPage(getDocument());
    return c.html(page, 200, {
      "cache-control": "no-cache",
      // The page is self-contained: no scripts at all, styles inline, nothing from elsewhere.
      "content-security-policy":
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    });
  });
}
