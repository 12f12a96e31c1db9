/**
 * The admin frame: a local stand-in for Shopify admin around the embedded app, so a person
 * or a browser test can use the app offline. It serves
 *  - `/store/{handle}/apps/{app}/...` (or `/apps/{apiKey}/...`): admin-like chrome (top bar, left navigation with the
 *    app's `ui-nav-menu` items) around an iframe that loads the app exactly as Shopify admin
 *    does: `{appUrl}/app...?embedded=1&hmac&host&id_token&locale&session&shop&timestamp`;
 *  - `/app-bridge.js`: a stand-in for App Bridge's CDN script (the `shopify` global: fresh
 *    session tokens, toasts, loading, navigation, nav menu, title bar, save bar), which talks
 *    to the chrome over postMessage as the real one talks to Shopify admin;
 *  - `POST /api/session-token`: session tokens minted with the app's client secret;
 *  - `GET /api/resource-picker?query=`: the shop's products from the Shopify stand-in, in the
 *    shape App Bridge's resource picker returns (picker.ts), for the picker the admin shows.
 */
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mintSessionToken } from "../shopify/session-token.ts";
import { pickerProducts } from "./picker.ts";

export interface AdminFrameOptions {
  /** Where the embedded app is served (SHOPIFY_APP_URL). */
  appUrl: string;
  apiKey: string;
  apiSecret: string;
  /** The store the admin shows, e.g. `northwind-demo.myshopify.com`. */
  shop: string;
  shopName?: string;
  appName?: string;
  /** The app's handle in admin URLs (`/store/{handle}/apps/{appHandle}`). */
  appHandle?: string;
  /** Staff user id in session tokens. */
  userId?: string;
  /** The Shopify stand-in that holds the shop (its products feed the resource picker). */
  shopifyUrl?: string;
  port?: number;
  host?: string;
}

export interface AdminFrame {
  /** The admin frame's origin, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** The admin page of the app's home, as a person opens it. */
  adminUrl: string;
  /** The App Bridge stand-in (SHOPIFY_APP_BRIDGE_URL). */
  appBridgeUrl: string;
  close(): Promise<void>;
}

const clientFile = (name: string) => readFileSync(new URL(`./client/${name}`, import.meta.url), "utf8");

export function adminHost(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${storeHandle(shop)}`).toString("base64url");
}

export function storeHandle(shop: string): string {
  return shop.replace(/\.myshopify\.com$/, "");
}

/** The iframe URL Shopify admin builds for an app path (with its launch HMAC, like the real one). */
export function embeddedAppUrl(o: Pick<AdminFrameOptions, "appUrl" | "apiKey" | "apiSecret" | "shop" | "userId">, appPath = "/app"): string {
  const params: Record<string, string> = {
    embedded: "1",
    host: adminHost(o.shop),
    id_token: mintSessionToken({ shop: o.shop, apiKey: o.apiKey, apiSecret: o.apiSecret, userId: o.userId ?? "42" }),
    locale: "en",
    session: randomUUID().replace(/-/g, ""),
    shop: o.shop,
    timestamp: String(Math.floor(Date.now() / 1000)),
  };
  const message = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join("&");
  const hmac = createHmac("sha256", o.apiSecret).update(message).digest("hex");
  const [pathname, query = ""] = appPath.split("?");
  const q = new URLSearchParams(query);
  for (const [k, v] of Object.entries({ ...params, hmac })) q.set(k, v);
  return `${o.appUrl.replace(/\/$/, "")}${pathname}?${q}`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export async function startAdminFrame(opts: AdminFrameOptions): Promise<AdminFrame> {
  const appHandle = opts.appHandle ?? "giftloop";
  const handle = storeHandle(opts.shop);
  const basePath = `/store/${handle}/apps/${appHandle}`;
  const appOrigin = new URL(opts.appUrl).origin;
  const appBridgeJs = clientFile("app-bridge.js");
  const adminJs = clientFile("admin.js");
  const adminCss = clientFile("admin.css");

  function page(appPath: string): string {
    const config = {
      appOrigin,
      basePath,
      appName: opts.appName ?? "Giftloop",
      shop: opts.shop,
      shopName: opts.shopName ?? handle,
    };
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(config.appName)} · ${escapeHtml(config.shopName)} · Shopify (sandbox)</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/admin.css">
</head>
<body>
<div id="admin-loading" class="loading-bar" hidden></div>
<header class="topbar" id="topbar">
  <div class="topbar-left"><button type="button" class="menu-toggle" id="menu-toggle" aria-label="Menu" aria-expanded="false" aria-controls="sidenav"><span></span></button><span class="logo" aria-hidden="true"></span><span class="wordmark">shopify</span><span class="sandbox-tag">sandbox</span></div>
  <div class="topbar-search"><span class="search-icon" aria-hidden="true"></span><input type="search" placeholder="Search" aria-label="Search" disabled></div>
  <div class="topbar-right"><span class="store-avatar">${escapeHtml(config.shopName.slice(0, 2).toUpperCase())}</span><span class="store-name">${escapeHtml(config.shopName)}</span></div>
</header>
<div class="savebar" id="savebar" hidden>
  <span class="savebar-title">Unsaved changes</span>
  <span class="savebar-actions" id="savebar-actions"></span>
</div>
<div class="frame">
  <nav class="sidenav" id="sidenav" aria-label="Admin">
    <ul>
      <li><a class="nav-item" data-admin="home"><span class="ico ico-home"></span>Home</a></li>
      <li><a class="nav-item" data-admin="orders"><span class="ico ico-orders"></span>Orders</a></li>
      <li><a class="nav-item" data-admin="products"><span class="ico ico-products"></span>Products</a></li>
      <li><a class="nav-item" data-admin="customers"><span class="ico ico-customers"></span>Customers</a></li>
      <li><a class="nav-item" data-admin="marketing"><span class="ico ico-marketing"></span>Marketing</a></li>
      <li><a class="nav-item" data-admin="discounts"><span class="ico ico-discounts"></span>Discounts</a></li>
      <li><a class="nav-item" data-admin="analytics"><span class="ico ico-analytics"></span>Analytics</a></li>
    </ul>
    <div class="nav-section">Apps</div>
    <ul>
      <li><a class="nav-item app-link active" id="app-home" href="${basePath}"><span class="ico ico-app"></span>${escapeHtml(config.appName)}</a>
        <ul class="app-menu" id="app-menu"></ul>
      </li>
    </ul>
    <div class="nav-bottom"><a class="nav-item" data-admin="settings"><span class="ico ico-settings"></span>Settings</a></div>
  </nav>
  <main class="main">
    <div class="app-titlebar"><span class="app-icon" aria-hidden="true"></span><span class="app-title" id="app-title">${escapeHtml(config.appName)}</span></div>
    <iframe id="app-frame" title="${escapeHtml(config.appName)}" name="app-iframe" src="${escapeHtml(embeddedAppUrl(opts, appPath))}"></iframe>
  </main>
</div>
<div class="toasts" id="toasts" aria-live="polite"></div>
<div id="modal-root"></div>
<script>window.__ADMIN__ = ${JSON.stringify(config).replace(/</g, "\\u003c")};</script>
<script src="/admin.js"></script>
</body>
</html>`;
  }

  async function handle_(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://admin.local");
    const send = (status: number, type: string, body: string, extra: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store", ...extra });
      res.end(body);
    };
    if (req.method === "GET" && url.pathname === "/") {
      res.writeHead(302, { location: basePath });
      res.end();
      return;
    }
    // Shopify admin also opens an app by its client id: /store/{h}/apps/{apiKey}/...
    const base = [basePath, `/store/${handle}/apps/${opts.apiKey}`].find((b) => url.pathname === b || url.pathname.startsWith(`${b}/`));
    if (req.method === "GET" && base) {
      // /store/{h}/apps/{app}/catalog?x=1 opens the app's /app/catalog?x=1
      const rest = url.pathname.slice(base.length);
      const appPath = `/app${rest === "/" ? "" : rest}${url.search}`;
      send(200, "text/html; charset=utf-8", page(appPath));
      return;
    }
    if (req.method === "GET" && url.pathname === "/app-bridge.js") {
      // Loaded by the app's pages (another origin), like Shopify's CDN script.
      send(200, "text/javascript; charset=utf-8", appBridgeJs, { "access-control-allow-origin": "*", "cache-control": "no-cache" });
      return;
    }
    if (req.method === "GET" && url.pathname === "/admin.js") return send(200, "text/javascript; charset=utf-8", adminJs);
    if (req.method === "GET" && url.pathname === "/admin.css") return send(200, "text/css; charset=utf-8", adminCss);
    if (req.method === "POST" && url.pathname === "/api/session-token") {
      // Only the admin page itself (same origin) asks; it hands tokens to the app's frame.
      const origin = req.headers.origin;
      const self = `http://${req.headers.host}`;
      if (origin && origin !== self) return send(403, "application/json", JSON.stringify({ error: "forbidden" }));
      const token = mintSessionToken({ shop: opts.shop, apiKey: opts.apiKey, apiSecret: opts.apiSecret, userId: opts.userId ?? "42" });
      return send(200, "application/json", JSON.stringify({ token }));
    }
    if (req.method === "GET" && url.pathname === "/api/resource-picker") {
      if (!opts.shopifyUrl) return send(501, "application/json", JSON.stringify({ error: "this admin frame has no Shopify stand-in to pick from" }));
      const found = await pickerProducts(opts.shopifyUrl, opts.shop, url.searchParams.get("query") ?? "", 250);
      return send(200, "application/json", JSON.stringify(found));
    }
    send(404, "text/plain; charset=utf-8", "Not found");
  }

  const server: Server = createServer((req, res) => {
    handle_(req, res).catch((err: unknown) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve, reject) => {
    const listen = (port: number) => server.listen(port, opts.host ?? "127.0.0.1", resolve);
    server.once("error", (err: NodeJS.ErrnoException) => {
      // A preferred port that is taken: any free one will do.
      if (err.code === "EADDRINUSE" && opts.port) listen(0);
      else reject(err);
    });
    listen(opts.port ?? 0);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${opts.host && opts.host !== "0.0.0.0" ? opts.host : "127.0.0.1"}:${port}`;
  return {
    url,
    adminUrl: `${url}${basePath}`,
    appBridgeUrl: `${url}/app-bridge.js`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
