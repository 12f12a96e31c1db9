import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * Error bodies are RFC 9457 problem details (`application/problem+json`), always with a
 * machine-readable `code` and the request id; validation problems add `errors`, one per
 * bad field. Expected failures are thrown as `ProblemError` (or returned with
 * `problemResponse`); anything else becomes a 500 whose body says nothing about the cause.
 */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export { fieldError, type FieldError } from "../platform/field-error.ts";
import type { FieldError } from "../platform/field-error.ts";

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  requestId?: string;
  errors?: FieldError[];
  /** Further members specific to one problem type (RFC 9457 extension members). */
  [extension: string]: unknown;
}

export interface ProblemInit {
  detail?: string;
  /** Overrides the standard title for the status. */
  title?: string;
  errors?: FieldError[];
  /** Extra response headers (e.g. `WWW-Authenticate`, `Retry-After`, `Allow`). */
  headers?: Record<string, string>;
  /** Extension members merged into the body. Never put secrets or internals here. */
  extensions?: Record<string, unknown>;
}

/**
 * An expected failure with a status and a stable code, e.g.
 * `throw new ProblemError(409, "already_replayed", "This dead letter was replayed already.")`.
 * The error handler turns it into a problem response; its detail is shown to the client.
 */
export class ProblemError extends Error {
  override name = "ProblemError";
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;
  readonly extensions: Record<string, unknown> | undefined;

  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    detailOrInit?: string | ProblemInit,
  ) {
    const init: ProblemInit = typeof detailOrInit === "string" ? { detail: detailOrInit } : (detailOrInit ?? {});
    super(init.detail ?? code);
    this.title = init.title ?? statusTitle(status);
    this.detail = init.detail;
    this.errors = init.errors;
    this.headers = init.headers;
    this.extensions = init.extensions;
  }
}

/** `type` URI for a code: a relative reference, stable per code. */
export function problemType(code: string): string {
  return `/problems/${code.replace(/_/g, "-")}`;
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  428: "Precondition Required",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export function statusTitle(status: number): string {
  return TITLES[status] ?? (status >= 500 ? "Server Error" : "Client Error");
}

/** Longest path echoed back in `instance` (request paths are client input). */
const MAX_INSTANCE = 256;

/** Builds a problem body for the current request (instance = its path, plus its request id). */
export function problemBody(c: Context, err: ProblemError): Problem {
  const requestId = c.get("requestId") as string | undefined;
  return {
    ...err.extensions,
    type: problemType(err.code),
    title: err.title,
    status: err.status,
    ...(err.detail !== undefined ? { detail: err.detail } : {}),
    instance: truncate(c.req.path, MAX_INSTANCE),
    code: err.code,
    ...(requestId ? { requestId } : {}),
    ...(err.errors ? { errors: err.errors } : {}),
  };
}

/** The problem as a response: `application/problem+json`, never cached. */
export function problemResponse(c: Context, err: ProblemError): Response {
  const body = problemBody(c, err);
  return c.body(JSON.stringify(body), err.status, {
    ...err.headers,
    "content-type": PROBLEM_CONTENT_TYPE,
    "cache-control": "no-store",
  });
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

// --- OpenAPI description, so routes can document their error responses ---------------

export const FieldErrorSchema = z
  .object({
    in: z.enum(["body", "query", "path", "header", "cookie"]).openapi({ description: "Which part of the request." }),
    path: z.string().openapi({ description: "Dotted path to the value; empty for the part as a whole.", example: "limit" }),
    pointer: z.string().openapi({ description: "JSON Pointer (RFC 6901) to the value.", example: "/limit" }),
    code: z.string().openapi({ description: "Machine-readable reason.", example: "too_big" }),
    message: z.string().openapi({ example: "Too big: expected number to be <=1000" }),
  })
  .openapi("FieldError", { description: "One invalid value in a request." });

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ description: "URI reference identifying the problem type.", example: "/problems/not-found" }),
    title: z.string().openapi({ description: "Short summary of the problem type.", example: "Not Found" }),
    status: z.number().int().openapi({ description: "The HTTP status code.", example: 404 }),
    detail: z.string().optional().openapi({ description: "Explanation specific to this occurrence." }),
    instance: z.string().optional().openapi({ description: "The request path this occurrence happened on." }),
    code: z.string().openapi({ description: "Stable machine-readable error code.", example: "not_found" }),
    requestId: z.string().optional().openapi({ description: "Request id (also in the X-Request-Id header); quote it in support requests." }),
    errors: z.array(FieldErrorSchema).optional().openapi({ description: "Validation problems only: one entry per invalid value." }),
  })
  .openapi("Problem", {
    description: "An RFC 9457 problem details object, served as application/problem+json.",
  });

const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed request (bad JSON, or invalid path or query parameters).",
  401: "Missing, invalid or expired credentials.",
  403: "The credentials do not grant access to this operation.",
  404: "Not found.",
  409: "Conflicts with the current state of the resource.",
  413: "The request body is larger than the server accepts.",
  415: "The request body is not application/json.",
  422: "The request body failed validation; see `errors`.",
  429: "Too many requests.",
  500: "Unexpected server error.",
  503: "Service unavailable.",
};

type ProblemResponseConfig = {
  description: string;
  content: { "application/problem+json": { schema: typeof ProblemSchema } };
};

/**
 * OpenAPI response entries for error statuses, e.g. `responses: { 202: …, ...problemResponses(404, 409) }`,
 * or with descriptions: `problemResponses({ 404: "No such dead letter." })`.
 */
export function problemResponses(
  ...statuses: Array<number | Record<number, string>>
): Record<number, ProblemResponseConfig> {
  const out: Record<number, ProblemResponseConfig> = {};
  const add = (status: number, description?: string) => {
    out[status] = {
      description: description ?? DEFAULT_DESCRIPTIONS[status] ?? statusTitle(status),
      content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } as ProblemResponseConfig["content"],
    };
  };
  for (const s of statuses) {
    if (typeof s === "number") add(s);
    else for (const [status, description] of Object.entries(s)) add(Number(status), description);
  }
  return out;
}
