// Errors in Stripe's wire shape: `{ error: { type, code, message, param, decline_code, doc_url, ... } }`
// with the HTTP status Stripe uses for each kind. The official SDK picks its error class from
// the status (400/404 → StripeInvalidRequestError or StripeIdempotencyError by `type`,
// 401 → StripeAuthenticationError, 402 → StripeCardError, 403 → StripePermissionError,
// 429 → StripeRateLimitError), so both must be right.

export interface StripeErrorBody {
  type: "invalid_request_error" | "card_error" | "idempotency_error" | "api_error";
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  doc_url?: string;
  charge?: string;
  payment_intent?: unknown;
  payment_method?: unknown;
  request_log_url?: string;
}

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
  }
}

function docUrl(code: string): string {
  return `https://stripe.com/docs/error-codes/${code.replace(/_/g, "-")}`;
}

export function invalidRequest(message: string, opts: { param?: string; code?: string; status?: number } = {}): StripeApiError {
  const body: StripeErrorBody = { type: "invalid_request_error", message };
  if (opts.code) {
    body.code = opts.code;
    body.doc_url = docUrl(opts.code);
  }
  if (opts.param) body.param = opts.param;
  return new StripeApiError(opts.status ?? 400, body);
}

export function resourceMissing(kind: string, id: string, param = "id"): StripeApiError {
  return invalidRequest(`No such ${kind}: '${id}'`, { code: "resource_missing", param, status: 404 });
}

export function missingParam(param: string): StripeApiError {
  return invalidRequest(`Missing required param: ${param}.`, { code: "parameter_missing", param });
}

export function unexpectedState(message: string): StripeApiError {
  return invalidRequest(message, { code: "payment_intent_unexpected_state" });
}

export function idempotencyError(message: string): StripeApiError {
  return new StripeApiError(400, { type: "idempotency_error", message });
}

export function authenticationError(message: string): StripeApiError {
  // Stripe reports a bad or missing key as an invalid_request_error with status 401.
  return new StripeApiError(401, { type: "invalid_request_error", message }, { "WWW-Authenticate": 'Basic realm="Stripe"' });
}

export function cardError(fields: Omit<StripeErrorBody, "type" | "doc_url"> & { code: string }): StripeApiError {
  return new StripeApiError(402, { type: "card_error", doc_url: docUrl(fields.code), ...fields });
}

/** Stripe's answer when a request names a connected account the platform cannot reach (unknown, or deauthorized). */
export function accountInvalid(account: string, apiKey: string): StripeApiError {
  return new StripeApiError(403, {
    type: "invalid_request_error",
    code: "account_invalid",
    doc_url: docUrl("account_invalid"),
    message: `The provided key '${redactKey(apiKey)}' does not have access to account '${account}' (or that account does not exist). Application access may have been revoked.`,
  });
}

/** A key as Stripe shows it in messages: prefix and last four characters. */
export function redactKey(key: string): string {
  return key.length <= 12 ? key : `${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;
}

/** Stripe's failure of money movement for lack of funds (transfers, reversals). */
export function balanceInsufficient(message: string, param?: string): StripeApiError {
  return invalidRequest(message, { code: "balance_insufficient", ...(param ? { param } : {}) });
}
