import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import type { Config } from "../platform/config.ts";
import { ProblemError } from "./problem.ts";

/**
 * The hosted recipient storefront (storefront/, a React + Vite build) served by the api:
 * `/g/<code>` (the gift link in emails and QR codes), `/redeem` (type a code) and `/gift`
 * get the page; `/s/*` its hashed assets. The page talks to `/v1/redeem` on the same origin.
 * Gift links carry a bearer code, so pages are never cached and never send a Referer.
 */
export const STOREFRONT_DIST = fileURLToPath(new URL("../../../storefront/dist/", import.meta.url));

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

export function storefrontPages(config: Pick<Config, "NODE_ENV">, dist = STOREFRONT_DIST): Hono {
  const app = new Hono();
  const indexFile = path.join(dist, "index.html");
  // Product images come from the brand's CDN (https); the sandbox's stand-ins serve them over http.
  const img = config.NODE_ENV === "production" ? "'self' https: data:" : "'self' https: http: data:";
  const csp = `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src ${img}; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'`;
  let html: string | undefined = existsSync(indexFile) ? readFileSync(indexFile, "utf8") : undefined;

  const page = () => {
    html ??= existsSync(indexFile) ? readFileSync(indexFile, "utf8") : undefined;
    if (!html) throw new ProblemError(503, "storefront_not_built", "The recipient storefront is not built; run `npm run build`.");
    return new Response(html, {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "referrer-policy": "no-referrer",
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "content-security-policy": csp,
      },
    });
  };
  app.get("/g/:code", page);
  app.get("/redeem", page);
  app.get("/gift", page);

  app.get("/s/*", async (c) => {
    const rel = decodeURIComponent(new URL(c.req.url).pathname.slice("/s/".length));
    const file = path.resolve(dist, rel);
    if (!file.startsWith(dist) || rel.includes("\0") || !TYPES[path.extname(file)]) return c.notFound();
    const body = await readFile(file).catch(() => undefined);
    if (!body) return c.notFound();
    return new Response(new Uint8Array(body), {
      headers: {
        "content-type": TYPES[path.extname(file)]!,
        // Vite hashes asset names: safe to cache forever.
        "cache-control": rel.startsWith("assets/") ? "public, max-age=31536000, immutable" : "public, max-age=300",
        "x-content-type-options": "nosniff",
      },
    });
  });
  return app;
}
