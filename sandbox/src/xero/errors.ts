/**
 * Xero's error answers. A validation failure is `400` with the ApiException body:
 *   { ErrorNumber: 10, Type: "ValidationException", Message: "A validation exception occurred",
 *     Elements: [ { ...the element as sent, ValidationErrors: [ { Message } ] } ] }
 * A `where` Xero cannot read is ErrorNumber 16, QueryParseException.
 */

export class ItemInvalid extends Error {
  constructor(readonly messages: string[]) {
    super(messages.join("; "));
  }
}

/** Throws ItemInvalid when any message was collected. */
export function check(messages: string[]): void {
  if (messages.length) throw new ItemInvalid(messages);
}

export class XeroHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === "string" ? body : JSON.stringify(body));
  }
}

export function validationException(elements: unknown[], message = "A validation exception occurred"): XeroHttpError {
  return new XeroHttpError(400, { ErrorNumber: 10, Type: "ValidationException", Message: message, Elements: elements });
}

export function queryParseException(message: string): XeroHttpError {
  return new XeroHttpError(400, { ErrorNumber: 16, Type: "QueryParseException", Message: message });
}

export function notFound(): XeroHttpError {
  return new XeroHttpError(404, "The resource you're looking for cannot be found", { "Content-Type": "text/plain; charset=utf-8" });
}

/** Xero's answer to an unauthenticated or unauthorised call (problem-details shape). */
export function authProblem(status: 401 | 403, detail: string): XeroHttpError {
  return new XeroHttpError(
    status,
    { Type: null, Title: status === 401 ? "Unauthorized" : "Forbidden", Status: status, Detail: detail, Instance: crypto.randomUUID(), Extensions: {} },
    status === 401 ? { "WWW-Authenticate": `Bearer error="invalid_token"` } : {},
  );
}
