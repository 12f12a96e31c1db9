import type http from "node:http";
import { readBody as readBodyUpTo } from "../http-body.ts";
import { XeroHttpError } from "./errors.ts";
import type { HttpAnswer } from "./identity.ts";

const MAX_BODY = 10 * 1024 * 1024;

/** Writes an answer (JSON, text, or HTML when `html`), unless the connection is already answered or gone. */
export type Send = (a: HttpAnswer & { json?: boolean }) => void;

export function header(req: http.IncomingMessage, name: string): string | undefined {
  const h = req.headers[name.toLowerCase()];
  return Array.isArray(h) ? h[0] : h;
}

export function toAnswer(e: XeroHttpError): HttpAnswer {
  return { status: e.status, headers: e.headers, body: e.body };
}

/** The `Send` of one response: Xero's correlation id and content type on every answer. */
export function sender(res: http.ServerResponse): Send {
  return (a) => {
    if (res.headersSent || res.destroyed) return;
    const isText = typeof a.body === "string";
    const headers: Record<string, string> = {
      "Xero-Correlation-Id": crypto.randomUUID(),
      "Content-Type": a.html ? "text/html; charset=utf-8" : isText ? "text/plain; charset=utf-8" : "application/json; charset=utf-8",
      ...a.headers,
    };
    res.writeHead(a.status, headers);
    res.end(isText ? (a.body as string) : a.status === 204 ? "" : JSON.stringify(a.body));
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const readBody = (req: http.IncomingMessage): Promise<string> => readBodyUpTo(req, MAX_BODY, () => new XeroHttpError(413, { Title: "Request too large", Status: 413, Detail: "Xero accepts requests up to 10 MB." }));
