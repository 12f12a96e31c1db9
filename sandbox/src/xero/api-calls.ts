// Calls to /connections and the Accounting API (/api.xro/2.0/...): match the operation in Xero's
// yaml, authenticate the bearer token, check the tenant, scopes and rate limits, validate the
// request, replay an Idempotency-Key, run the operation (accounting.ts) and check the answer
// against the yaml before sending it.
import type http from "node:http";
import { runAccounting } from "./accounting.ts";
import type { XeroContext } from "./context.ts";
import { authProblem, validationException, XeroHttpError } from "./errors.ts";
import { dropAnswer, injectFault, pickFault } from "./fault-injection.ts";
import { header, sleep, toAnswer, type Send } from "./http-io.ts";
import { IdempotencyStore } from "./idempotency.ts";
import type { Grant, HttpAnswer } from "./identity.ts";
import { scopeAllows } from "./scopes.ts";
import type { MatchedOperation } from "./spec.ts";
import type { Org } from "./state.ts";

/** One API call being answered. */
interface ApiCall {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  raw: string;
  method: string;
  matched: MatchedOperation;
  /** "METHOD /path", for violation records. */
  at: string;
  /** "drop": the call runs, then its answer is lost. */
  fault: "drop" | null;
  send: Send;
  /** Sends the answer after checking it against the yaml. */
  finish: (a: HttpAnswer) => void;
}

/** The answer as sent: checked against the yaml, recorded when it breaks it, and (strict) replaced by a 500 naming why. */
function checkResponse(ctx: XeroContext, matched: MatchedOperation, answer: HttpAnswer, at: string): HttpAnswer {
  if (typeof answer.body === "string" && answer.status !== 200) return answer;
  const errors = ctx.spec.validateResponse(matched.op, answer.status, answer.body);
  if (!errors.length) return answer;
  ctx.responseViolations.push({ at, operationId: matched.op.operationId, status: answer.status, errors });
  ctx.log(`xero stand-in: answer of ${matched.op.operationId} breaks the yaml: ${errors.join("; ")}`);
  if (!ctx.strict) return answer;
  return { status: 500, body: { Title: "Stand-in answer breaks Xero's yaml", Status: 500, Detail: errors.join("; ") } };
}

/** GET /connections[?authEventId=] and DELETE /connections/{id}, of the token's grant. */
function connectionsAnswer(ctx: XeroContext, grant: Grant, matched: MatchedOperation, url: URL): HttpAnswer {
  if (matched.op.operationId === "getConnections") {
    const ev = url.searchParams.get("authEventId");
    const rows = ctx.identity.connectionsOf(grant).filter((c) => !ev || c.authEventId === ev);
    return { status: 200, body: rows.map((c) => ctx.identity.renderConnection(c)) };
  }
  const conn = ctx.identity.connectionsOf(grant).find((c) => c.id === matched.pathParams.id);
  if (!conn) return { status: 404, body: "" };
  ctx.identity.connections.delete(conn.id);
  return { status: 204, body: "" };
}

/** Answers a repeated Idempotency-Key from what was saved (or its 400); true when the call is answered. */
function replayIdempotent(ctx: XeroContext, call: ApiCall, scope: string, key: string, fingerprint: string, limitHeaders: Record<string, string>): boolean {
  try {
    const saved = ctx.idempotency.lookup(scope, key, fingerprint);
    if (!saved) return false;
    if (call.fault === "drop") dropAnswer(ctx, call.res);
    else call.send({ status: saved.status, headers: { ...limitHeaders, "Content-Type": saved.contentType }, body: saved.body });
    return true;
  } catch (e) {
    if (!(e instanceof XeroHttpError)) throw e;
    call.finish({ ...toAnswer(e), headers: { ...limitHeaders, ...e.headers } });
    return true;
  }
}

function runOperation(ctx: XeroContext, call: ApiCall, org: Org, grant: Grant, body: unknown): HttpAnswer {
  try {
    const result = runAccounting({
      operationId: call.matched.op.operationId,
      pathParams: call.matched.pathParams,
      query: call.url.searchParams,
      body,
      org,
      now: ctx.clock(),
      appName: ctx.identity.clients.get(grant.clientId)?.name ?? "",
      spec: ctx.spec,
    });
    return { status: result.status, body: result.body };
  } catch (e) {
    if (!(e instanceof XeroHttpError)) throw e;
    return toAnswer(e);
  }
}

/** An Accounting API call of the tenant named by `xero-tenant-id`. */
async function accountingCall(ctx: XeroContext, call: ApiCall, grant: Grant, body: unknown): Promise<void> {
  const { req, url, method, matched } = call;
  const tenantId = header(req, "xero-tenant-id") ?? "";
  const org = ctx.orgs.get(tenantId);
  if (!org || !ctx.identity.connectionsOf(grant).some((c) => c.tenantId === tenantId)) return call.finish(toAnswer(authProblem(403, "AuthorizationUnsuccessful")));
  if (!scopeAllows(ctx.identity.scopesOf(grant), matched.op.operationId, method)) return call.finish(toAnswer(authProblem(403, "AuthorizationUnsuccessful")));
  const admission = ctx.limiter.admit(tenantId);
  if (!admission.ok) {
    return call.finish({ status: 429, headers: admission.headers, body: { Title: "Too Many Requests", Status: 429, Detail: `Rate limit exceeded: ${admission.problem}` } });
  }
  call.res.once("close", admission.release);
  const withLimits = (a: HttpAnswer): HttpAnswer => ({ ...a, headers: { ...admission.headers, ...a.headers } });
  ctx.callCounts.set(tenantId, (ctx.callCounts.get(tenantId) ?? 0) + 1);

  const requestErrors = ctx.spec.validateRequest(matched.op, { query: url.searchParams, headers: req.headers, pathParams: matched.pathParams, body });
  if (requestErrors.length) {
    ctx.requestViolations.push({ at: call.at, operationId: matched.op.operationId, errors: requestErrors });
    return call.finish(withLimits(toAnswer(validationException([{ ValidationErrors: requestErrors.map((Message) => ({ Message })) }], "The request does not match Xero's API description"))));
  }
  const key = method !== "GET" ? header(req, "idempotency-key") : undefined;
  const scope = `${grant.clientId}:${tenantId}`;
  const fingerprint = IdempotencyStore.fingerprint(method, url.pathname, url.search, call.raw);
  if (key && replayIdempotent(ctx, call, scope, key, fingerprint, admission.headers)) return;
  if (ctx.latencyMs > 0) await sleep(ctx.latencyMs);
  const answer = checkResponse(ctx, matched, runOperation(ctx, call, org, grant, body), call.at);
  if (key && (answer.status === 200 || answer.status === 400)) {
    ctx.idempotency.save(scope, key, fingerprint, { status: answer.status, body: typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body), contentType: "application/json; charset=utf-8" });
  }
  if (call.fault === "drop") return dropAnswer(ctx, call.res);
  call.send(withLimits(answer));
}

/** A request body as JSON; `invalid` when it is not JSON (undefined when there is none). */
function parseBody(raw: string): { body: unknown } | "invalid" {
  if (!raw.trim()) return { body: undefined };
  try {
    return { body: JSON.parse(raw) as unknown };
  } catch {
    return "invalid";
  }
}

/** /connections and /api.xro/2.0/... */
export async function serveApiCall(ctx: XeroContext, req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: string, send: Send): Promise<void> {
  const method = req.method ?? "GET";
  const matched = ctx.spec.match(method, url.pathname);
  if (!matched) {
    send({ status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" }, body: "The resource you're looking for cannot be found" });
    return;
  }
  const at = `${method} ${url.pathname}`;
  const finish = (a: HttpAnswer) => send(checkResponse(ctx, matched, a, at));
  const fault = pickFault(ctx, "accounting", method);
  if (fault && fault !== "drop") return injectFault(ctx, fault, res, finish);
  const auth = ctx.identity.authenticate(header(req, "authorization"));
  if ("error" in auth) return finish({ status: auth.error.status, headers: auth.error.headers, body: auth.error.body });
  const parsed = parseBody(raw);
  if (parsed === "invalid") return finish({ status: 400, body: { ErrorNumber: 10, Type: "ValidationException", Message: "The request body is not valid JSON." } });
  if (matched.op.api === "identity") return finish(connectionsAnswer(ctx, auth.grant, matched, url));
  return accountingCall(ctx, { req, res, url, raw, method, matched, at, fault, send, finish }, auth.grant, parsed.body);
}
