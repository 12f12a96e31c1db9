/**
 * Field errors: what use cases say about bad input, and what problem bodies carry in
 * `errors` (core/src/http/problem.ts).
 */
/** Where a bad value was found, and what is wrong with it. */
export interface FieldError {
  /** Which part of the request: body, query, path, header or cookie. */
  in: "body" | "query" | "path" | "header" | "cookie";
  /** Dotted path to the value (`items.0.sku`); empty for the part as a whole. */
  path: string;
  /** The same location as a JSON Pointer (RFC 6901), e.g. `/items/0/sku`. */
  pointer: string;
  /** Machine-readable reason: the schema's own (`required`, `invalid_postal_code`, …) or zod's (`invalid_type`, `too_big`, …). */
  code: string;
  message: string;
}

/**
 * The field error for the value at `parts` (keys and array indexes, outermost first): its
 * dotted path and its JSON Pointer (RFC 6901: `~` and `/` escaped); no parts is the whole part.
 */
export function fieldError(parts: ReadonlyArray<string | number>, code: string, message: string, where: FieldError["in"] = "body"): FieldError {
  const keys = parts.map(String);
  return {
    in: where,
    path: keys.join("."),
    pointer: keys.length ? `/${keys.map((k) => k.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}` : "",
    code,
    message,
  };
}
