// The stand-in's HTTP surface (the same on the plain and the TLS listener): which handler
// answers a request, and turning thrown XeroHttpErrors into answers. Routes are listed in server.ts.
import type http from "node:http";
import { serveApiCall } from "./api-calls.ts";
import type { XeroContext } from "./context.ts";
import { XeroHttpError } from "./errors.ts";
import { header, readBody, sender, toAnswer } from "./http-io.ts";
import type { HttpAnswer } from "./identity.ts";
import { ACCOUNTING_BASE } from "./spec.ts";
import { serveTokenRequest } from "./token-endpoint.ts";

/** A controls request (/_sandbox/...): see control.ts. */
export type Controls = (method: string, path: string, params: URLSearchParams, raw: string) => Promise<HttpAnswer>;

/** Discovery, consent and revocation: identity.ts answers them, or undefined for another path. */
function identityAnswer(ctx: XeroContext, req: http.IncomingMessage, method: string, p: string, url: URL, raw: string): HttpAnswer | undefined {
  const identity = ctx.identity;
  if (method === "GET" && p === "/.well-known/openid-configuration") return identity.discovery();
  if (method === "GET" && p === "/.well-known/openid-configuration/jwks") return identity.jwks();
  if (method === "GET" && p === "/identity/connect/authorize") return identity.authorize(url.searchParams, "/identity/connect/authorize/consent");
  if (method === "POST" && p === "/identity/connect/authorize/consent") {
    const form = new URLSearchParams(raw);
    return identity.decide(form.get("request") ?? "", form.get("decision") === "allow" ? "allow" : "deny", form.getAll("tenant"));
  }
  if (method === "POST" && p === "/connect/revocation") return identity.revoke(new URLSearchParams(raw), header(req, "authorization"));
  return undefined;
}

/** Answers one request; an XeroHttpError thrown here becomes its answer, anything else a logged 500. */
export async function handleRequest(ctx: XeroContext, controls: Controls, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const method = req.method ?? "GET";
  const url = new URL(req.url ?? "/", "http://localhost");
  const send = sender(res);
  try {
    const raw = await readBody(req);
    const p = url.pathname;
    if (p.startsWith("/_sandbox/")) return send(await controls(method, p, url.searchParams, raw));
    const identity = identityAnswer(ctx, req, method, p, url, raw);
    if (identity) return send(identity);
    if (method === "POST" && p === "/connect/token") return await serveTokenRequest(ctx, req, res, raw, send);
    if (p.toLowerCase().startsWith("/connections") || p.toLowerCase().startsWith(ACCOUNTING_BASE.toLowerCase())) return await serveApiCall(ctx, req, res, url, raw, send);
    send({ status: 404, body: "The resource you're looking for cannot be found" });
  } catch (e) {
    if (e instanceof XeroHttpError) return send(toAnswer(e));
    ctx.log(`xero stand-in: internal error on ${method} ${url.pathname}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    send({ status: 500, body: { Title: "Stand-in internal error", Status: 500, Detail: e instanceof Error ? e.message : String(e) } });
  }
}
