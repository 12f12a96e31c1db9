/**
 * Mounts the embedded Shopify app (the Remix server build) into the core's HTTP app, so one
 * process serves the API and the admin pages: `createApp(deps, { routes: [app.routes],
 * ownErrorPages: app.paths })`. Routes get the process's `Deps` as Remix load context.
 */
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import type { Context } from "hono";
import type { Deps } from "@giftloop/core/platform/deps";
import { installShopifySandboxRouting } from "@giftloop/core/integrations/shopify/sandbox-routing";
import { checkFormBody, isFormMediaType } from "@giftloop/core/http/body";

export const APP_ROOT = path.resolve(import.meta.dirname, "..");
export const DEFAULT_BUILD_DIR = path.join(APP_ROOT, "build");

/**
 * Paths the Remix app answers (its own pages and errors): everything else is the core API's,
 * Shopify's webhooks included (core/src/webhooks/shopify-webhook.routes.ts).
 */
export const APP_PATHS = ["/app", "/auth"] as const;
const EXACT_PATHS = ["/"];

const SHOPIFY_CDN_APP_BRIDGE = "https://cdn.shopify.com/shopifycloud/app-bridge.js";

/** The part of the core's Hono app the mount uses (kept structural: see tsconfig.server.json). */
interface RouteTarget {
  get(path: string, handler: (c: Context) => Promise<Response>): unknown;
  all(path: string, handler: (c: Context) => Promise<Response>): unknown;
}

export interface MountedShopifyApp {
  /** For `createApp`'s `routes` option. */
  routes: (app: RouteTarget) => void;
  /** Path prefixes whose error responses are the app's own (HTML pages, Remix data errors). */
  ownErrorPages: string[];
}

export function hasBuild(buildDir = DEFAULT_BUILD_DIR): boolean {
  return existsSync(path.join(buildDir, "server", "index.js"));
}

/** Loads the server build; undefined (and a warning) when `npm run build` has not run yet. */
export async function mountShopifyApp(deps: Deps, opts: { buildDir?: string } = {}): Promise<MountedShopifyApp | undefined> {
  const buildDir = opts.buildDir ?? DEFAULT_BUILD_DIR;
  if (!hasBuild(buildDir)) {
    deps.log.warn({ buildDir }, "the embedded Shopify app is not built (npm run build); its pages are not served");
    return undefined;
  }
  const serverFile = path.join(buildDir, "server", "index.js");
  // The file's mtime in the URL: a rebuilt app is loaded afresh by a new process or test.
  const build = (await import(`${pathToFileURL(serverFile).href}?v=${statSync(serverFile).mtimeMs}`)) as ServerBuild;
  return shopifyAppRoutes(deps, build, path.join(buildDir, "client"));
}

export function shopifyAppRoutes(deps: Deps, build: ServerBuild, clientDir: string): MountedShopifyApp {
  // Sandbox mode: the library's calls to *.myshopify.com (token exchange, Admin API) go to the
  // local stand-in; idempotent when the Shopify integration installed it already.
  if (deps.config.SHOPIFY_SANDBOX_URL) installShopifySandboxRouting(deps.config.SHOPIFY_SANDBOX_URL, { NODE_ENV: deps.config.NODE_ENV });
  const handle = createRequestHandler(build, deps.config.NODE_ENV === "production" ? "production" : "development");
  const sandbox = sandboxRewrites(deps.config.SHOPIFY_APP_BRIDGE_URL);
  const log = deps.log.child({ component: "shopify-app" });

  async function remix(c: Context): Promise<Response> {
    // Form posts follow the API's body rule (UTF-8, no NUL) before any route reads them.
    const request = isFormMediaType(c.req.header("content-type")) ? new Request(c.req.raw, { body: await checkFormBody(c) }) : c.req.raw;
    let res: Response;
    try {
      res = await handle(request, { deps });
    } catch (err) {
      log.error({ err }, "admin app request failed");
      res = new Response("Internal Server Error", { status: 500, headers: { "content-type": "text/plain; charset=utf-8" } });
    }
    return sandbox ? sandbox(c.req.path, res) : res;
  }

  const assetsDir = path.join(clientDir, "assets");
  async function asset(c: Context): Promise<Response> {
    const name = c.req.path.slice("/assets/".length);
    if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith(".")) return c.notFound();
    const file = path.join(assetsDir, name);
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return c.notFound();
    }
    return new Response(c.req.method === "HEAD" ? null : new Uint8Array(body), {
      headers: {
        "content-type": contentType(name),
        "content-length": String(body.length),
        // File names carry a content hash: cache for a year.
        "cache-control": "public, max-age=31536000, immutable",
        "x-content-type-options": "nosniff",
        // Loaded cross-origin by the admin frame in sandbox mode, by Shopify admin's iframe otherwise.
        "access-control-allow-origin": "*",
      },
    });
  }

  return {
    ownErrorPages: [...APP_PATHS, ...EXACT_PATHS],
    routes(app) {
      app.get("/assets/*", asset);
      for (const p of APP_PATHS) {
        app.all(p, remix);
        app.all(`${p}/*`, remix);
      }
      app.all("/", remix);
    },
  };
}

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json",
};

function contentType(name: string): string {
  return TYPES[path.extname(name)] ?? "application/octet-stream";
}

/**
 * Sandbox mode only: the admin frame (another local origin) stands in for Shopify admin, and
 * its script for App Bridge's CDN script. So the framing policy also names the admin frame's
 * origin, and the library's App Bridge preload and bounce page point at the stand-in.
 */
function sandboxRewrites(appBridgeUrl: string | undefined) {
  if (!appBridgeUrl) return undefined;
  const adminOrigin = new URL(appBridgeUrl).origin;
  return async function rewrite(pathname: string, res: Response): Promise<Response> {
    const csp = res.headers.get("content-security-policy");
    const link = res.headers.get("link");
    const type = res.headers.get("content-type") ?? "";
    const rewriteBody = pathname.startsWith("/auth/") && type.startsWith("text/html");
    if (!csp?.includes("frame-ancestors") && !link?.includes(SHOPIFY_CDN_APP_BRIDGE) && !rewriteBody) return res;
    const headers = new Headers(res.headers);
    if (csp?.includes("frame-ancestors")) headers.set("content-security-policy", csp.replace("frame-ancestors", `frame-ancestors ${adminOrigin}`));
    if (link?.includes(SHOPIFY_CDN_APP_BRIDGE)) headers.set("link", link.replace(SHOPIFY_CDN_APP_BRIDGE, appBridgeUrl));
    if (!rewriteBody) return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
    const body = (await res.text()).replaceAll(SHOPIFY_CDN_APP_BRIDGE, appBridgeUrl);
    headers.delete("content-length");
    return new Response(body, { status: res.status, statusText: res.statusText, headers });
  };
}
