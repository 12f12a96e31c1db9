// The stand-in's HTTP server: reads the body, counts API requests, applies injected faults
// (an answer before anything runs, a hang, or an answer lost after the work), and sends what
// dispatch.ts answers.
import http from "node:http";
import { readBody } from "../http-body.ts";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { StripeStandInContext } from "./context.ts";
import { dispatch, type Answer, type DispatchContext } from "./dispatch.ts";
import { invalidRequest } from "./errors.ts";
import { randomToken } from "./ids.ts";

const HOST = "127.0.0.1";
const MAX_BODY = 1024 * 1024;

/** Fault answers given before anything runs, as Stripe's front end would. */
function faultAnswer(kind: "500" | "rate_limit"): Answer {
  const requestId = `req_${randomToken(14)}`;
  const error =
    kind === "500"
      ? { type: "api_error", message: "An unknown error occurred (fault injected by the Stripe stand-in)." }
      : {
          type: "invalid_request_error",
          code: "rate_limit",
          doc_url: "https://stripe.com/docs/error-codes/rate-limit",
          message: "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.",
        };
  return {
    status: kind === "500" ? 500 : 429,
    headers: { "Request-Id": requestId, "Content-Type": "application/json" },
    body: JSON.stringify({ error: { ...error, request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}` } }, null, 2),
  };
}

function send(res: http.ServerResponse, answer: Answer): void {
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

async function handleRequest(ctx: StripeStandInContext, dispatchContext: DispatchContext, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const method = req.method ?? "GET";
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  let raw: string;
  try {
    raw = await readBody(req, MAX_BODY, () => invalidRequest("Request body too large.", { status: 413 }));
  } catch {
    send(res, { status: 413, headers: { "Content-Type": "application/json" }, body: JSON.stringify({ error: { type: "invalid_request_error", message: "Request body too large." } }) });
    return;
  }
  if (path.startsWith("/v1/")) ctx.apiRequests.set(`${method} ${path}`, (ctx.apiRequests.get(`${method} ${path}`) ?? 0) + 1);
  const fault = ctx.faults.pick(method, path);
  if (fault === "500" || fault === "rate_limit") {
    send(res, faultAnswer(fault));
    return;
  }
  if (fault === "timeout") {
    // The work may or may not have been done before the answer is lost.
    if (ctx.faults.workDoneBeforeTimeout()) dispatch(dispatchContext, req, raw);
    await sleep(ctx.faults.hangMs);
    req.socket.destroy();
    return;
  }
  const answer = dispatch(dispatchContext, req, raw);
  if (ctx.faults.takeDrop(method, path)) {
    req.socket.destroy();
    return;
  }
  send(res, answer);
}

export interface Listening {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Serves the stand-in on 127.0.0.1 (`port` 0: a free one). */
export async function listen(ctx: StripeStandInContext, dispatchContext: DispatchContext, port: number): Promise<Listening> {
  const server = http.createServer((req, res) => {
    handleRequest(ctx, dispatchContext, req, res).catch((e: unknown) => {
      ctx.log(`stripe stand-in: ${String(e)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, HOST, () => resolve());
  });
  return {
    host: HOST,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
