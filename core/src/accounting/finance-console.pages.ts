import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import type { Config } from "../platform/config.ts";
import { ProblemError } from "../http/problem.ts";

/**
 * The finance console (storefront/src/finance, its own Vite build in storefront/dist-finance)
 * served by the api: `/finance` and its pages get the app, `/finance/assets/*` its hashed
 * assets. The app talks to `/v1/finance` on the same origin with the staff session cookie.
 */
export const FINANCE_DIST = fileURLToPath(new URL("../../../storefront/dist-finance/", import.meta.url));
const TYPES: Record<string, string> = { ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".map": "application/json", ".svg": "image/svg+xml" };
const PAGES = ["", "/payout-runs", "/payouts", "/exceptions", "/reconciliation", "/xero", "/settings"];

export function financeConsolePages(_config: Pick<Config, "NODE_ENV">, dist = FINANCE_DIST): Hono {
  const app = new Hono();
  const indexFile = path.join(dist, "finance.html");
  const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
  const page = () => {
    const html = existsSync(indexFile) ? readFileSync(indexFile, "utf8") : undefined;
    if (!html) throw new ProblemError(503, "finance_console_not_built", "The finance console is not built; run `npm run build`.");
    return new Response(html, {
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "referrer-policy": "no-referrer", "x-content-type-options": "nosniff", "x-frame-options": "DENY", "content-security-policy": csp },
    });
  };
  for (const p of PAGES) app.get(`/finance${p}`, page);
  app.get("/finance/assets/*", async (c) => {
    const rel = decodeURIComponent(new URL(c.req.url).pathname.slice("/finance/".length));
    const file = path.resolve(dist, rel);
    if (!file.startsWith(dist) || rel.includes("\0") || !TYPES[path.extname(file)]) return c.notFound();
    const body = await readFile(file).catch(() => undefined);
    if (!body) return c.notFound();
    return new Response(new Uint8Array(body), { headers: { "content-type": TYPES[path.extname(file)]!, "cache-control": "public, max-age=31536000, immutable", "x-content-type-options": "nosniff" } });
  });
  return app;
}
