import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Hono, type Context } from "hono";
import type { Config } from "../platform/config.ts";
import { ProblemError } from "./problem.ts";

/**
 * The hosted storefront (storefront/, a React + Vite build) served by the api: the recipient
 * pages at `/g/<code>` (the gift link in emails and QR codes), `/redeem` (type a code) and
 * `/gift`; the buyer storefront at `/buy` and `/buy/*` (a brand's site at `/buy/<slug>`);
 * `/s/*` their hashed assets. The pages talk to `/v1` on the same origin. Gift links carry a
 * bearer code, so recipient pages are never cached and never send a Referer. Both have a
 * strict CSP; the buyer pages add Stripe's origins only in live mode (the Payment Element).
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

export function storefrontPages(config: Pick<Config, "NODE_ENV" | "STRIPE_API_URL" | "STRIPE_PUBLISHABLE_KEY">, dist = STOREFRONT_DIST): Hono {
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
  const buyer = buyerPage(config, dist, img);
  app.get("/buy", buyer);
  app.get("/buy/*", buyer);
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

/**
 * The buyer storefront's page. Sandbox mode pays with a first-party test-card form: nothing
 * but our own origin. Live mode (a publishable key, no stand-in) loads Stripe's Payment
 * Element: js.stripe.com for its script and frames, api.stripe.com for its requests.
 */
function buyerPage(config: Pick<Config, "STRIPE_API_URL" | "STRIPE_PUBLISHABLE_KEY">, dist: string, img: string) {
  const file = path.join(dist, "buyer.html");
  const live = !config.STRIPE_API_URL && config.STRIPE_PUBLISHABLE_KEY ? config.STRIPE_PUBLISHABLE_KEY : undefined;
  const stripe = live
    ? { script: " https://js.stripe.com", frame: "; frame-src https://js.stripe.com https://hooks.stripe.com", connect: " https://api.stripe.com" }
    : { script: "", frame: "", connect: "" };
  const csp = `default-src 'self'; script-src 'self'${stripe.script}; style-src 'self' 'unsafe-inline'; img-src ${img}; connect-src 'self'${stripe.connect}; worker-src 'self'${stripe.frame}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'`;
  let html: string | undefined;
  return (c: Context) => {
    html ??= existsSync(file) ? readFileSync(file, "utf8") : undefined;
    if (!html) throw new ProblemError(503, "storefront_not_built", "The buyer storefront is not built; run `npm run build`.");
    let head = live ? `<meta name="stripe-publishable-key" content="${live}" />` : "";
    // A brand's pages fetch its storefront first: the request starts with the page, not after the script.
    const slug = /^\/buy\/([a-z0-9][a-z0-9-]{0,62})(?:\/order)?\/?$/.exec(c.req.path)?.[1];
    if (slug && slug !== "account" && slug !== "orders" && slug !== "sign-in" && slug !== "sign-up") {
      head += `<link rel="preload" href="/v1/storefronts/${slug}" as="fetch" crossorigin="anonymous" />`;
    }
    // An order page fetches the order's first recipients first (the URL the page builds).
    const orderId = /^\/buy\/orders\/([0-9a-f-]{36})\/?$/.exec(c.req.path)?.[1];
    if (orderId) head += `<link rel="preload" href="/v1/orders/${orderId}?afterRow=0&amp;limit=100" as="fetch" crossorigin="anonymous" />`;
    const body = head ? html.replace("<head>", `<head>\n    ${head}`) : html;
    return new Response(body, {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "referrer-policy": "same-origin",
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "content-security-policy": csp,
      },
    });
  };
}
