// The stand-in's HTTP surface: which handler answers a request (by path, method and the Host
// header, which names the shop as at Shopify), reading bodies, and turning thrown HttpErrors
// into answers. The routes are listed in server.ts.
import { randomBytes } from "node:crypto";
import { readBody } from "../http-body.ts";
import type http from "node:http";
import { answerGraphql, type GraphqlBody } from "./admin-graphql.ts";
import { shopOf, type StandInContext } from "./context.ts";
import { pickFault, takeDropAfterCommit, type FaultKind } from "./fault-injection.ts";
import { HttpError } from "./http-error.ts";
import { accessTokenAnswer, authorizeRedirect } from "./oauth.ts";
import { ordersPage } from "./orders-page.ts";
import { productImageSvg } from "./product-images.ts";
import { sandboxControl } from "./sandbox-controls.ts";
import type { ShopState } from "./state.ts";
import { throttledAnswer, throttleStatus } from "./throttling.ts";

const MAX_BODY = 1024 * 1024;

type Send = (status: number, body: unknown, headers?: Record<string, string>) => void;

/** One request being answered. */
interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  method: string;
  url: URL;
  /** The Host header without its port: the shop's domain on Shopify's hosts. */
  host: string;
  raw: string;
  /** A JSON (or plain text, for a string body) answer with a request id. */
  send: Send;
}

function parseJson(raw: string): Record<string, unknown> {
  try {
    const v = JSON.parse(raw || "{}") as unknown;
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  throw new HttpError(400, { errors: "Bad Request: the body is not a JSON object" });
}

/** An injected fault instead of the answer: a 500, THROTTLED, or a hang then a dropped connection. */
async function answerWithFault(ctx: StandInContext, x: Exchange, shop: ShopState, body: GraphqlBody, fault: FaultKind): Promise<void> {
  if (fault === "500") return x.send(500, { errors: "Internal Server Error" });
  if (fault === "throttled") return x.send(200, throttledAnswer(10, { ...throttleStatus(ctx, shop), currentlyAvailable: 0 }));
  // A timeout: the work may or may not have been done before the answer is lost.
  if ((ctx.faults.random ?? Math.random)() < 0.5) await answerGraphql(ctx, shop, body);
  await new Promise((r) => setTimeout(r, ctx.faults.hangMs ?? 2000));
  x.req.socket.destroy();
}

/** POST /admin/api/{version}/graphql.json with the shop's access token. */
async function serveGraphql(ctx: StandInContext, x: Exchange, version: string): Promise<void> {
  const shop = shopOf(ctx, x.host);
  const token = x.req.headers["x-shopify-access-token"];
  if (typeof token !== "string" || !shop.tokens.has(token)) {
    throw new HttpError(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
  }
  const body = parseJson(x.raw);
  const mutation = /^\s*mutation\b/.test(typeof body.query === "string" ? body.query : "");
  const fault = pickFault(ctx, mutation);
  if (fault) return answerWithFault(ctx, x, shop, body, fault);
  const answer = await answerGraphql(ctx, shop, body);
  if (mutation && takeDropAfterCommit(ctx)) {
    x.req.socket.destroy();
    return;
  }
  x.send(200, answer, { "X-Shopify-API-Version": version });
}

/** POST /admin/oauth/access_token (form or JSON parameters). */
function serveAccessToken(ctx: StandInContext, x: Exchange): void {
  const shop = shopOf(ctx, x.host);
  const params = (x.req.headers["content-type"] ?? "").includes("json")
    ? (parseJson(x.raw) as Record<string, string>)
    : Object.fromEntries(new URLSearchParams(x.raw));
  x.send(200, accessTokenAnswer(ctx, shop, params));
}

/** Bulk results, product images and the orders page: GETs answered with their own content type. */
function serveFile(ctx: StandInContext, x: Exchange): boolean {
  const path = x.url.pathname;
  const bulk = /^\/_bulk\/([0-9a-f]+)\.jsonl$/.exec(path);
  if (bulk) {
    const op = ctx.bulkFiles.get(bulk[1]!);
    if (!op?.file) throw new HttpError(404, "Not Found");
    x.res.writeHead(200, { "Content-Type": "application/jsonl", "Content-Length": String(op.file.length) });
    x.res.end(op.file);
    return true;
  }
  const img = /^\/cdn\/shop\/files\/([a-z0-9-]+)\/([^/]+)$/.exec(path);
  if (img) {
    const body = productImageSvg(ctx, img[1]!, img[2]!);
    x.res.writeHead(200, { "Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400" });
    x.res.end(body);
    return true;
  }
  const page = /^\/_sandbox\/shops\/([^/]+)\/orders\.html$/.exec(path);
  if (page) {
    x.res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    x.res.end(ordersPage(ctx, decodeURIComponent(page[1]!)));
    return true;
  }
  return false;
}

/** /_sandbox/...: JSON body (or the query of a GET) in, JSON out. */
function serveControl(ctx: StandInContext, x: Exchange): void {
  const parts = x.url.pathname.slice("/_sandbox/".length).split("/").filter(Boolean).map(decodeURIComponent);
  const input = x.method === "GET" ? Object.fromEntries(x.url.searchParams) : x.raw ? (parseJson(x.raw) as Record<string, unknown>) : {};
  const r = sandboxControl(ctx, x.method, parts, input);
  x.send(r.status ?? 200, r.body);
}

async function route(ctx: StandInContext, x: Exchange): Promise<void> {
  const path = x.url.pathname;
  const gql = /^\/admin\/api\/(\d{4}-\d{2}|unstable)\/graphql\.json$/.exec(path);
  if (gql && x.method === "POST") return serveGraphql(ctx, x, gql[1]!);
  if (path === "/admin/oauth/access_token" && x.method === "POST") return serveAccessToken(ctx, x);
  if (path === "/admin/oauth/authorize" && x.method === "GET") {
    x.res.writeHead(302, { Location: authorizeRedirect(ctx, shopOf(ctx, x.host), x.url.searchParams) });
    x.res.end();
    return;
  }
  if (x.method === "GET" && serveFile(ctx, x)) return;
  if (path.startsWith("/_sandbox/")) return serveControl(ctx, x);
  throw new HttpError(404, { errors: "Not Found" });
}

/** Answers one request; an HttpError thrown anywhere becomes its answer, anything else a logged 500. */
export async function handleRequest(ctx: StandInContext, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const method = req.method ?? "GET";
  const url = new URL(req.url ?? "/", "http://localhost");
  const host = (req.headers.host ?? "").replace(/:\d+$/, "").toLowerCase();
  const requestId = randomBytes(8).toString("hex");
  const send: Send = (status, body, headers = {}) => {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, { "Content-Type": typeof body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8", "X-Request-Id": requestId, ...headers });
    res.end(text);
  };
  try {
    const raw = await readBody(req, MAX_BODY, () => new HttpError(413, { errors: "Request entity too large" }));
    await route(ctx, { req, res, method, url, host, raw, send });
  } catch (e) {
    if (e instanceof HttpError) send(e.status, e.body);
    else {
      ctx.log(`shopify stand-in: internal error on ${method} ${url.pathname}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      send(500, { errors: "Internal Server Error" });
    }
  }
}
