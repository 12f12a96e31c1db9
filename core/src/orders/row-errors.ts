import { ProblemError, type FieldError } from "../http/problem.ts";
import type { RowError } from "./recipients.ts";

/**
 * Recipient row errors as one 422 problem: `errors` in the shared field-error shape
 * (pointer `/recipients/<index>/<field>`), plus `rows` with 1-based row numbers for people
 * fixing a spreadsheet.
 */
export function recipientsProblem(errors: RowError[], source: "json" | "csv"): ProblemError {
  const rows = [...new Set(errors.map((e) => e.row))].length;
  const fieldErrors: FieldError[] = errors.map((e) => ({
    in: "body",
    path: `recipients.${e.row - 1}.${e.field}`,
    pointer: `/recipients/${e.row - 1}/${e.field}`,
    code: e.code,
    message: `row ${e.row}: ${e.message}`,
  }));
  return new ProblemError(422, "invalid_recipients", {
    detail: `${rows} recipient row${rows === 1 ? " has" : "s have"} problems; nothing was saved. Fix ${rows === 1 ? "it" : "them"} and send the ${source === "csv" ? "file" : "list"} again.`,
    errors: fieldErrors,
    extensions: { rows: errors },
  });
}
