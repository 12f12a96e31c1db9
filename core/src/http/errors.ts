import type { Context, ErrorHandler, MiddlewareHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import type { Logger } from "../platform/logger.ts";
import { badCharacters, badCharactersProblem } from "./body.ts";
import {
  fieldError,
  PROBLEM_CONTENT_TYPE,
  ProblemError,
  problemResponse,
  problemType,
  statusTitle,
  truncate,
  type FieldError,
} from "./problem.ts";
import { requestHeader, type AppEnv } from "./request-context.ts";

/**
 * How every failure becomes a problem response: expected ones (ProblemError, Hono's own
 * HTTPExceptions, validation) keep their status and say what went wrong; anything else is
 * logged with its stack and answered with a bare 500 that reveals nothing.
 */
export function errorHandler(fallbackLog: Logger): ErrorHandler<AppEnv> {
  return function onError(err, c) {
    // Deliberate: the request log line records the status; no stack needed.
    if (err instanceof ProblemError) return problemResponse(c, err);
    if (err instanceof HTTPException && err.status < 500) {
      return problemResponse(c, fromHttpException(err));
    }
    logOf(c, fallbackLog).error({ err }, "unhandled error");
    const status = err instanceof HTTPException ? err.status : 500;
    return problemResponse(
      c,
      new ProblemError(status, status === 500 ? "internal_error" : "server_error", {
        detail: "An unexpected error occurred. If it persists, report it with the request id.",
      }),
    );
  };
}

function logOf(c: Context<AppEnv>, fallback: Logger): Logger {
  return c.get("log") ?? fallback;
}

/** Hono's built-in middleware and validators throw HTTPException; their messages are generic. */
function fromHttpException(err: HTTPException): ProblemError {
  const headers: Record<string, string> = {};
  const wwwAuthenticate = err.res?.headers.get("www-authenticate");
  if (wwwAuthenticate) headers["www-authenticate"] = wwwAuthenticate;
  switch (err.status) {
    case 400:
      if (/json/i.test(err.message)) {
        return new ProblemError(400, "malformed_json", { detail: "The request body is not valid JSON.", headers });
      }
      return new ProblemError(400, "malformed_body", { detail: "The request body could not be parsed.", headers });
    case 401:
      return new ProblemError(401, "unauthorized", { detail: "Authentication is required.", headers });
    case 413:
      return payloadTooLarge();
    case 415:
      return new ProblemError(415, "unsupported_media_type", {
        detail: "This operation accepts a request body only as application/json.",
        headers,
      });
    default:
      return new ProblemError(err.status, codeForStatus(err.status), { detail: err.message || undefined, headers });
  }
}

/** `not_found`, `too_many_requests`, …: the status's title as a code. */
function codeForStatus(status: number): string {
  return statusTitle(status).toLowerCase().replace(/[^a-z0-9]+/g, "_");
}

export function payloadTooLarge(): ProblemError {
  return new ProblemError(413, "payload_too_large", { detail: "The request body is larger than this server accepts." });
}

export const notFoundHandler: NotFoundHandler<AppEnv> = (c) =>
  problemResponse(
    c,
    new ProblemError(404, "route_not_found", {
      detail: `No route matches ${c.req.method} ${truncate(c.req.path, 200)}.`,
    }),
  );

export function methodNotAllowedResponse(c: Context<AppEnv>, allowed: string[]): Response {
  const allow = allowed.join(", ");
  return problemResponse(
    c,
    new ProblemError(405, "method_not_allowed", {
      detail: `${truncate(c.req.method, 20)} is not supported here; allowed: ${allow}.`,
      headers: { allow },
    }),
  );
}

/**
 * Outermost safety net: a handler that throws something that is not an Error (a string,
 * an object) would bypass Hono's error handler; wrap it so it gets the same treatment.
 */
export function normalizeThrown(): MiddlewareHandler<AppEnv> {
  return async function normalizeThrown(_c, next) {
    try {
      await next();
    } catch (thrown) {
      if (thrown instanceof Error) throw thrown;
      throw new Error(`non-Error thrown: ${truncate(String(thrown), 200)}`);
    }
  };
}

/**
 * NUL never belongs in a URL of this API, and PostgreSQL text cannot hold it: refuse it
 * at the edge (400) instead of letting a query fail deep inside a handler.
 */
export function rejectNulInUrl(): MiddlewareHandler<AppEnv> {
  return async function rejectNulInUrl(c, next) {
    if (urlHasNul(c.req.url)) throw nulInUrl();
    await next();
  };
}

/** A raw or percent-encoded NUL anywhere in the URL (path or query). */
export function urlHasNul(url: string): boolean {
  return url.includes("\0") || (url.includes("%") && /%00/i.test(url));
}

export function nulInUrl(): ProblemError {
  return new ProblemError(400, "invalid_characters", { detail: "The URL contains a NUL character (%00)." });
}

/**
 * A path whose percent-encoding does not decode (`%ff%fe`, `%c0%ae`, a cut UTF-8 sequence,
 * `%zz`): refused at the edge, so route parameters are always the one clean decoding Hono
 * makes of them, and no handler meets a half-decoded id.
 */
export function pathEncodingIsValid(url: string): boolean {
  const start = url.indexOf("/", url.indexOf(":") + 3);
  if (start === -1) return true;
  let end = url.length;
  for (const stop of ["?", "#"]) {
    const i = url.indexOf(stop, start);
    if (i !== -1 && i < end) end = i;
  }
  const path = url.slice(start, end);
  if (!path.includes("%")) return true;
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

export function malformedPathEncoding(): ProblemError {
  return new ProblemError(400, "invalid_path_encoding", {
    detail: "The URL path has malformed percent-encoding (a % not followed by two hex digits, or bytes that are not UTF-8).",
  });
}

/**
 * Most bytes of an over-limit body read (and dropped) before answering 413. A client that
 * is still sending when the answer comes, and whose connection is then closed, sees a
 * connection reset instead of the 413; reading on until it has sent everything (within
 * reason) lets it read the answer.
 */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The request body limit (413), for bodies with a Content-Length and chunked ones alike.
 * A body whose length is declared (`Content-Length`, no `Transfer-Encoding`) is judged by
 * the declaration: Node's HTTP parser never delivers more than it declares. Any other body
 * is counted as it streams and kept for the route. Either way an over-limit body is read
 * to its end (up to DRAIN_MAX_BYTES) before the 413 goes out. Only GET and HEAD requests,
 * whose bodies are never read, skip it.
 */
export function limitBody(maxSize: number): MiddlewareHandler<AppEnv> {
  return async function limitBody(c, next) {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD") return next();
    const length = requestHeader(c, "content-length");
    if (length !== undefined && requestHeader(c, "transfer-encoding") === undefined && /^\d{1,15}$/.test(length)) {
      if (Number(length) <= maxSize) return next();
      await drain(c.req.raw.body, 0);
      throw payloadTooLarge();
    }
    const body = c.req.raw.body;
    if (!body) return next();
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read().catch(() => {
        throw new ProblemError(400, "incomplete_body", { detail: "The request body ended before it was complete." });
      });
      if (done) break;
      size += value.length;
      if (size > maxSize) {
        await drain(reader, size);
        throw payloadTooLarge();
      }
      chunks.push(value);
    }
    c.req.raw = new Request(c.req.raw, { body: Buffer.concat(chunks, size) });
    return next();
  };
}

/** Reads a body to its end, dropping it; stops (and cancels) past DRAIN_MAX_BYTES or on error. */
async function drain(source: ReadableStream<Uint8Array> | ReadableStreamDefaultReader<Uint8Array> | null, alreadyRead: number): Promise<void> {
  if (!source) return;
  const reader = "getReader" in source ? source.getReader() : source;
  let size = alreadyRead;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.length;
      if (size > DRAIN_MAX_BYTES) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // The client went away: nothing left to drain.
  }
}

const MAX_PROBLEM_BYTES = 64 * 1024;

/**
 * Keeps the promise "every error is a complete problem document" for routes that build
 * their own error responses (mounted plain-Hono apps, e.g. the file downloads): an error
 * response that is not `application/problem+json` is replaced by one for its status (its
 * body is dropped: it was not written for clients of this API), and a problem document
 * missing `code`, `instance` or `requestId` gets them (`code` from its `type`).
 */
export function completeProblems(): MiddlewareHandler<AppEnv> {
  return async function completeProblems(c, next) {
    await next();
    const res = c.res;
    if (res.status < 400) return;
    const contentType = res.headers.get("content-type") ?? "";
    let existing: Record<string, unknown> = {};
    if (contentType.toLowerCase().startsWith(PROBLEM_CONTENT_TYPE)) {
      const declared = Number(res.headers.get("content-length") ?? "0");
      if (declared > MAX_PROBLEM_BYTES) return;
      try {
        const parsed: unknown = JSON.parse(await res.clone().text());
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) existing = parsed as Record<string, unknown>;
      } catch {
        existing = {};
      }
      if (typeof existing.code === "string" && existing.requestId === c.get("requestId")) return;
    }
    const status = res.status;
    const fromType = typeof existing.type === "string" ? /\/problems\/([a-z0-9-]+)$/i.exec(existing.type)?.[1] : undefined;
    const code = typeof existing.code === "string" ? existing.code : (fromType?.replace(/-/g, "_") ?? defaultCode(status));
    const body = {
      ...existing,
      type: typeof existing.type === "string" ? existing.type : problemType(code),
      title: typeof existing.title === "string" ? existing.title : statusTitle(status),
      status,
      instance: typeof existing.instance === "string" ? existing.instance : truncate(c.req.path, 256),
      code,
      requestId: c.get("requestId"),
    };
    const headers = new Headers(res.headers);
    headers.delete("content-length");
    headers.set("content-type", PROBLEM_CONTENT_TYPE);
    if (!headers.has("cache-control")) headers.set("cache-control", "no-store");
    c.res = undefined; // replace, rather than merge with, the old response's headers
    c.res = new Response(JSON.stringify(body), { status, headers });
  };
}

function defaultCode(status: number): string {
  if (status >= 500) return status === 500 ? "internal_error" : "server_error";
  return codeForStatus(status);
}

// --- validation ------------------------------------------------------------------------

const TARGETS: Record<string, FieldError["in"]> = {
  json: "body",
  form: "body",
  query: "query",
  param: "path",
  header: "header",
  cookie: "cookie",
};

const MAX_FIELD_ERRORS = 50;

/**
 * Zod issues as field errors: where (body, query, …), a dotted path and a JSON Pointer.
 * An object's unknown keys (strict schemas) become one `unknown_field` error each, at the key.
 */
export function fieldErrors(error: ZodError, where: FieldError["in"]): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map((p) => truncate(String(p), 100));
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        out.push(fieldError([...path, truncate(key, 100)], "unknown_field", "is not a field of this request; unknown fields are refused, not ignored", where));
      }
    } else {
      // A schema's own check names its problem (`params.code`, e.g. `required`); else zod's code.
      const code = issue.code === "custom" && typeof issue.params?.code === "string" ? issue.params.code : issue.code;
      // A bad record key says which key and why (zod's own message is only "Invalid key in record").
      const message = issue.code === "invalid_key" && issue.issues[0] ? `${String(issue.path.at(-1))}: ${issue.issues[0].message}` : issue.message;
      out.push(fieldError(path, code, truncate(message, 300), where));
    }
    if (out.length >= MAX_FIELD_ERRORS) break;
  }
  return out.slice(0, MAX_FIELD_ERRORS);
}

/**
 * The `defaultHook` of every OpenAPIHono router: a request that fails its route's schemas
 * gets a problem with one entry per bad value: 400 for path, query, header and cookie
 * parameters, 422 for a well-formed body whose content is invalid. (JSON bodies are already
 * read under the body rules, see body.ts; a form body gets the same character check here.)
 */
export function validationHook(
  result: { target: string } & ({ success: true; data?: unknown } | { success: false; error: ZodError }),
): void {
  if (result.success) {
    if (result.target === "form") {
      const found = badCharacters(result.data);
      if (found.length) throw badCharactersProblem(found);
    }
    return;
  }
  const where = TARGETS[result.target] ?? "body";
  const errors = fieldErrors(result.error, where);
  if (where === "body") {
    throw new ProblemError(422, "validation_failed", { detail: "The request body is invalid; see errors.", errors });
  }
  throw new ProblemError(400, "invalid_parameters", { detail: `Invalid ${where} parameters; see errors.`, errors });
}
