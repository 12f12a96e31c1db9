/**
 * Typed errors of the Xero integration. xero-node rejects with JSON strings (Accounting API),
 * axios errors (token refresh, connections) or openid-client errors (consent callback);
 * `toXeroError` turns each into one of these, so callers decide by class:
 *
 * | class               | when                                              | what a job does                 |
 * | ------------------- | ------------------------------------------------- | ------------------------------- |
 * | XeroRateLimited     | 429 (minute, day, concurrent, app minute)         | reschedule after retryAfter     |
 * | XeroValidation      | 400 ValidationException (whole request refused)   | needs_attention with messages   |
 * | XeroAuthExpired     | 401 (access token expired or unknown)             | refresh, then retry             |
 * | XeroInvalidGrant    | refresh token rejected (expired, rotated, revoked)| park, ask for re-authorisation  |
 * | XeroForbidden       | 403 (organisation disconnected, scope missing)    | park, ask for re-authorisation  |
 * | XeroNotFound        | 404                                               | the id is wrong or gone         |
 * | XeroUnavailable     | 5xx, timeout, connection dropped                  | retry later (maybe it happened) |
 * | XeroOAuthError      | consent refused, state mismatch, bad client       | show on the console             |
 */

export interface RateLimitState {
  /** X-MinLimit-Remaining: calls left this minute for the organisation. */
  minuteRemaining: number | null;
  /** X-DayLimit-Remaining: calls left today for the organisation. */
  dayRemaining: number | null;
  /** X-AppMinLimit-Remaining: calls left this minute for the app (all organisations). */
  appMinuteRemaining: number | null;
}

export class XeroError extends Error {
  override name = "XeroError";
  constructor(
    message: string,
    /** HTTP status (0: no answer). */
    readonly status: number,
    readonly rateLimit: RateLimitState | null = null,
  ) {
    super(message);
  }
}

export type RateLimitProblem = "minute" | "day" | "concurrent" | "app";

export class XeroRateLimited extends XeroError {
  override name = "XeroRateLimited";
  constructor(
    readonly retryAfterSeconds: number,
    readonly problem: RateLimitProblem,
    rateLimit: RateLimitState | null,
  ) {
    super(`Xero rate limit (${problem}); retry after ${retryAfterSeconds} s`, 429, rateLimit);
  }
}

export interface ItemMessages {
  /** Index of the element in the request. */
  index: number;
  messages: string[];
}

export class XeroValidation extends XeroError {
  override name = "XeroValidation";
  constructor(
    /** Every message, in order (Xero's top-level message first when it is specific). */
    readonly messages: string[],
    /** Messages per element of the request (elements without errors are left out). */
    readonly perItem: ItemMessages[],
    rateLimit: RateLimitState | null,
  ) {
    super(`Xero refused the request: ${messages.join("; ")}`, 400, rateLimit);
  }
}

export class XeroAuthExpired extends XeroError {
  override name = "XeroAuthExpired";
}

export class XeroInvalidGrant extends XeroError {
  override name = "XeroInvalidGrant";
}

export class XeroForbidden extends XeroError {
  override name = "XeroForbidden";
}

export class XeroNotFound extends XeroError {
  override name = "XeroNotFound";
}

export class XeroUnavailable extends XeroError {
  override name = "XeroUnavailable";
}

export class XeroOAuthError extends XeroError {
  override name = "XeroOAuthError";
  constructor(
    /** access_denied, state_mismatch, invalid_client, invalid_scope, unsupported_grant_type, ... */
    readonly code: string,
    message: string,
    status = 400,
  ) {
    super(message, status);
  }
}

type Json = Record<string, unknown>;

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== "object") return undefined;
  const h = headers as Record<string, unknown> & { get?: (n: string) => unknown };
  const v = typeof h.get === "function" ? h.get(name) : (h[name] ?? h[name.toLowerCase()]);
  if (Array.isArray(v)) return v[0] === undefined ? undefined : String(v[0]);
  return v === undefined || v === null ? undefined : String(v);
}

function num(v: string | undefined): number | null {
  if (v === undefined || v.trim() === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** The three rate-limit headers of an answer (null where absent). */
export function readRateLimit(headers: unknown): RateLimitState {
  return {
    minuteRemaining: num(header(headers, "x-minlimit-remaining")),
    dayRemaining: num(header(headers, "x-daylimit-remaining")),
    appMinuteRemaining: num(header(headers, "x-appminlimit-remaining")),
  };
}

interface Answer {
  status: number;
  body: unknown;
  headers: unknown;
  message: string;
}

/** The HTTP answer inside whatever xero-node threw (status 0 when there was none). */
function answerOf(e: unknown): Answer {
  let v: unknown = e;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
      return { status: 0, body: v, headers: {}, message: v as string };
    }
  }
  const o = (v && typeof v === "object" ? v : {}) as Json;
  const response = (o.response && typeof o.response === "object" ? o.response : undefined) as Json | undefined;
  const status = Number(response?.statusCode ?? response?.status ?? 0) || 0;
  const body = response ? (response.body ?? response.data ?? o.body) : o.body;
  const message = typeof o.message === "string" ? o.message : typeof body === "string" ? body : "";
  return { status, body, headers: response?.headers ?? {}, message };
}

function validationMessages(body: Json): { messages: string[]; perItem: ItemMessages[] } {
  const perItem: ItemMessages[] = [];
  const messages: string[] = [];
  const elements = Array.isArray(body.Elements) ? (body.Elements as Json[]) : [];
  elements.forEach((el, index) => {
    const errs = Array.isArray(el.ValidationErrors) ? (el.ValidationErrors as Json[]).map((v) => String(v.Message ?? "")).filter(Boolean) : [];
    if (errs.length) perItem.push({ index, messages: errs });
    messages.push(...errs);
  });
  const top = typeof body.Message === "string" ? body.Message : "";
  if (top && (messages.length === 0 || !/^A validation exception occurred$/i.test(top))) messages.unshift(top);
  return { messages: messages.length ? messages : ["Xero refused the request"], perItem };
}

const PROBLEMS: Record<string, RateLimitProblem> = { minute: "minute", day: "day", concurrent: "concurrent", appminute: "app", app: "app" };

/** Turns anything xero-node (or a timeout around it) threw into a typed XeroError. */
export function toXeroError(e: unknown): XeroError {
  if (e instanceof XeroError) return e;
  const oauth = e as { error?: unknown; error_description?: unknown; name?: unknown; message?: unknown };
  if (oauth && typeof oauth === "object" && (oauth.name === "OPError" || oauth.name === "RPError")) {
    const code = typeof oauth.error === "string" ? oauth.error : /state mismatch/i.test(String(oauth.message)) ? "state_mismatch" : "oauth_error";
    if (code === "invalid_grant") return new XeroInvalidGrant(`Xero refused the grant: ${String(oauth.error_description ?? oauth.message)}`, 400);
    return new XeroOAuthError(code, `Xero sign-in failed: ${String(oauth.error_description ?? oauth.message)}`);
  }
  const a = answerOf(e);
  const rateLimit = a.status ? readRateLimit(a.headers) : null;
  const body = (a.body && typeof a.body === "object" ? a.body : {}) as Json;
  const detail = typeof body.Detail === "string" ? body.Detail : typeof body.Message === "string" ? body.Message : a.message;
  switch (true) {
    case a.status === 429: {
      const problem = PROBLEMS[(header(a.headers, "x-rate-limit-problem") ?? "").toLowerCase()] ?? "minute";
      const retry = num(header(a.headers, "retry-after")) ?? (problem === "concurrent" ? 1 : 60);
      return new XeroRateLimited(retry, problem, rateLimit);
    }
    case a.status === 400 && typeof body.error === "string":
      return body.error === "invalid_grant"
        ? new XeroInvalidGrant(`Xero refused the refresh token or code (invalid_grant)${body.error_description ? `: ${String(body.error_description)}` : ""}`, 400)
        : new XeroOAuthError(body.error as string, `Xero's token endpoint answered ${String(body.error)}`);
    case a.status === 400: {
      const { messages, perItem } = validationMessages(body);
      return new XeroValidation(messages, perItem, rateLimit);
    }
    case a.status === 401:
      return new XeroAuthExpired(`Xero refused the access token: ${detail || "Unauthorized"}`, 401, rateLimit);
    case a.status === 403:
      return new XeroForbidden(`Xero refused access to the organisation: ${detail || "Forbidden"}`, 403, rateLimit);
    case a.status === 404:
      return new XeroNotFound("Xero has no such resource", 404, rateLimit);
    case a.status >= 500 || a.status === 0:
      return new XeroUnavailable(`Xero is unavailable${a.status ? ` (${a.status})` : ""}: ${detail || a.message || "no answer"}`, a.status, rateLimit);
    default:
      return new XeroError(`Xero answered ${a.status}: ${detail}`, a.status, rateLimit);
  }
}
