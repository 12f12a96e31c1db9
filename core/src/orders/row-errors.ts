import { fieldError, ProblemError, type FieldError } from "../http/problem.ts";
import type { RowError } from "./recipients.ts";

/**
 * A problem with an uploaded file as a whole (encoding, header, emptiness): no row.
 * `field` says where: `file`, or `header` (the header row's columns).
 */
export interface FileError {
  field: "file" | "header";
  code: string;
  message: string;
}

/**
 * Recipient errors as one 422 problem (`invalid_recipients`; nothing is saved):
 * - `errors`, in the shared field-error shape: a row's problem at pointer
 *   `/recipients/<index>/<field>` (`/recipients/<index>` for the row as a whole), with
 *   "row N: …" in its message; a file's problem at path `file` or `header` and pointer ""
 *   (the whole body), its message without a row;
 * - `rows`: the row problems only, with 1-based row numbers for people fixing a spreadsheet.
 */
export function recipientsProblem(errors: ReadonlyArray<RowError | FileError>, source: "json" | "csv"): ProblemError {
  const rowErrors = errors.filter(isRowError);
  const fileErrors = errors.filter((e): e is FileError => !isRowError(e));
  const fieldErrors: FieldError[] = [
    ...fileErrors.map((e): FieldError => ({ in: "body", path: e.field, pointer: "", code: e.code, message: e.message })),
    ...rowErrors.map((e) =>
      fieldError(["recipients", e.row - 1, ...(e.field === "row" ? [] : e.field.split("."))], e.code, `row ${e.row}: ${e.message}`),
    ),
  ];
  return new ProblemError(422, "invalid_recipients", {
    detail: detail(rowErrors, fileErrors, source),
    errors: fieldErrors,
    extensions: { rows: rowErrors },
  });
}

function isRowError(e: RowError | FileError): e is RowError {
  return "row" in e && typeof e.row === "number";
}

function detail(rowErrors: RowError[], fileErrors: FileError[], source: "json" | "csv"): string {
  const rows = new Set(rowErrors.map((e) => e.row)).size;
  const thing = source === "csv" ? "file" : "list";
  if (!fileErrors.length) {
    return `${rows} recipient row${rows === 1 ? " has" : "s have"} problems; nothing was saved. Fix ${rows === 1 ? "it" : "them"} and send the ${thing} again.`;
  }
  if (fileErrors.length === 1 && !rows) {
    const m = fileErrors[0]!.message;
    return `${m.charAt(0).toUpperCase()}${m.slice(1)}. Nothing was saved; fix the ${thing} and send it again.`;
  }
  const n = fileErrors.length;
  const andRows = rows ? ` and ${rows} recipient row${rows === 1 ? " has" : "s have"} problems` : "";
  return `The ${thing} has ${n} problem${n === 1 ? "" : "s"}${andRows} (see errors); nothing was saved. Fix them and send the ${thing} again.`;
}
