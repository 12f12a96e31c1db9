import { z } from "@hono/zod-openapi";

/**
 * Ranges for the values a request may carry, so that none reaches the database as
 * something it cannot hold (a year 0 timestamp, a 32-bit column overflow) and answers 500.
 * Every numeric and date parameter (path, query) and body field in the API description
 * states its range; openapi.test.ts checks that each one does.
 */
export const EARLIEST_DATE_TIME = "1970-01-01T00:00:00Z";
export const LATEST_DATE_TIME = "9999-12-31T23:59:59Z";
const EARLIEST_MS = Date.parse(EARLIEST_DATE_TIME);
const LATEST_MS = Date.parse(LATEST_DATE_TIME);

/** The largest value of a PostgreSQL `integer` column. */
export const MAX_INT32 = 2_147_483_647;

/** Whether an ISO 8601 date or date-time falls in the range the API accepts. */
export function inDateRange(value: string): boolean {
  const ms = Date.parse(value);
  return ms >= EARLIEST_MS && ms <= LATEST_MS;
}

export const DATE_RANGE_MESSAGE = `must be between ${EARLIEST_DATE_TIME} and ${LATEST_DATE_TIME}`;

/** A calendar day (`YYYY-MM-DD`, a real one) in the range the API accepts. */
export function day() {
  return z.iso
    .date()
    .refine((d) => inDateRange(`${d}T00:00:00Z`), { message: `must be between ${EARLIEST_DATE_TIME.slice(0, 10)} and ${LATEST_DATE_TIME.slice(0, 10)}`, params: { code: "out_of_range" } })
    .openapi({ formatMinimum: EARLIEST_DATE_TIME.slice(0, 10), formatMaximum: LATEST_DATE_TIME.slice(0, 10) } as object);
}

/** Range keywords as JSON Schema's format vocabulary (and ajv-formats) spell them. */
const documentedRange = { formatMinimum: EARLIEST_DATE_TIME, formatMaximum: LATEST_DATE_TIME } as object;

/** An ISO 8601 date-time in range (`offset`: also with a `+02:00`-style offset, not only `Z`). */
export function dateTime(opts: { offset?: boolean } = {}) {
  return z.iso
    .datetime({ offset: opts.offset ?? true })
    .refine(inDateRange, { message: DATE_RANGE_MESSAGE, params: { code: "out_of_range" } })
    .openapi(documentedRange);
}
