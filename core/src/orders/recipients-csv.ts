import { parse } from "csv-parse/sync";
import { decodeUtf8 } from "../http/body.ts";
import { ProblemError, truncate } from "../http/problem.ts";
import { parseRecipients, type RowError } from "./recipients.ts";
import type { FileError } from "./row-errors.ts";

/**
 * Recipients from a CSV file (as exported from a spreadsheet): a header row, then one
 * recipient per row. Headers are matched loosely and case-insensitively ("Send date",
 * "send_at" and "sendAt" are the same column); a column may appear only once.
 *
 * "Row N" in every error means the N-th data row: 1-based, the header excluded, exactly
 * the numbering of the JSON form and of the order's recipients (`row`). A quoted cell that
 * spans several lines is still one row, and blank lines are not rows; in a spreadsheet
 * without line breaks inside cells, row N is the sheet's row N + 1. Problems with the file
 * as a whole (encoding, header, emptiness) have no row: they are `FileError`s.
 *
 * Every row is checked before anything is reported: a row with the wrong number of cells
 * does not hide the rows after it, and the cells of the other rows are checked too. Only a
 * syntax error (e.g. a quote that is never closed) stops the reading; it is reported on
 * the row where it starts, with the problems of the rows before it.
 */
const COLUMNS: Record<string, string> = {
  name: "name",
  fullname: "name",
  recipient: "name",
  email: "email",
  emailaddress: "email",
  phone: "phone",
  phonenumber: "phone",
  message: "message",
  giftmessage: "message",
  note: "message",
  country: "country",
  countrycode: "country",
  sendat: "sendAt",
  senddate: "sendAt",
  offer: "offerId",
  offerid: "offerId",
};
const REQUIRED = ["name", "email"];
const KNOWN = "name, email, phone, message, country, send_at, offer_id";

export type CsvProblem = RowError | FileError;
export type CsvResult = { ok: true; rows: Array<Record<string, string>> } | { ok: false; errors: CsvProblem[] };

// --- the request's media type --------------------------------------------------------

/**
 * What the upload accepts as its Content-Type: `text/csv` (RFC 4180), and the labels other
 * clients put on the same bytes: `application/csv`, `text/plain` (fetch's default for a
 * string body) and `application/vnd.ms-excel` (what browsers on Windows call a .csv file).
 * A charset, if given, must be UTF-8 (or its subset US-ASCII).
 */
export const CSV_MEDIA_TYPES = ["text/csv", "application/csv", "text/plain", "application/vnd.ms-excel"] as const;
const UTF8_CHARSETS = ["utf-8", "utf8", "us-ascii"];
const HOW_TO_SEND =
  'Send the CSV file itself as the request body with Content-Type: text/csv (optionally "; charset=utf-8"), ' +
  'e.g. curl --data-binary @recipients.csv -H "Content-Type: text/csv". ' +
  "A multipart form upload (curl -F) or a JSON body is not accepted here; JSON orders go to POST /v1/orders.";

/** The 415 to answer for a request whose Content-Type is not a CSV this route reads, if any. */
export function csvMediaTypeProblem(contentType: string | undefined): ProblemError | undefined {
  const [type = "", ...params] = (contentType ?? "").split(";");
  const mediaType = type.trim().toLowerCase();
  if (!(CSV_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
    const got = mediaType ? `${truncate(mediaType, 100)} is not accepted` : "The request has no Content-Type";
    return new ProblemError(415, "unsupported_media_type", { detail: `${got}: this operation reads a CSV file. ${HOW_TO_SEND}` });
  }
  const charset = params
    .map((p) => /^\s*charset\s*=\s*"?([^"\s]*)"?\s*$/i.exec(p)?.[1])
    .find((c) => c !== undefined)
    ?.toLowerCase();
  if (charset !== undefined && !UTF8_CHARSETS.includes(charset)) {
    return new ProblemError(415, "unsupported_media_type", {
      detail: `The file must be UTF-8 text, not charset=${truncate(charset, 40)}: export it from your spreadsheet as "CSV UTF-8" and send it with Content-Type: text/csv; charset=utf-8.`,
    });
  }
  return undefined;
}

// --- bytes to text -------------------------------------------------------------------

/**
 * From the uploaded bytes: UTF-8 only (a spreadsheet's "CSV UTF-8" export), BOM allowed,
 * under the rule every request body follows (body.ts): no byte that is not UTF-8, no NUL.
 */
export function decodeCsv(bytes: ArrayBuffer): { ok: true; text: string } | { ok: false; errors: FileError[] } {
  const head = new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength));
  const startsWith = (...b: number[]) => b.every((v, i) => head[i] === v);
  if (startsWith(0x50, 0x4b, 0x03, 0x04) || startsWith(0xd0, 0xcf, 0x11, 0xe0)) {
    return fileError("csv_workbook", 'the file is a spreadsheet workbook (.xlsx or .xls), not CSV; save or export it as "CSV UTF-8 (Comma delimited)" and send that file');
  }
  if (startsWith(0xff, 0xfe) || startsWith(0xfe, 0xff)) {
    return fileError("csv_encoding", 'the file is UTF-16 text ("Unicode Text"), not UTF-8; export it from your spreadsheet as "CSV UTF-8"');
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) return fileError("csv_encoding", 'the file is not UTF-8 text; export it from your spreadsheet as "CSV UTF-8"');
  const nul = text.indexOf("\0");
  if (nul !== -1) {
    const line = text.slice(0, nul).split("\n").length;
    return fileError("nul_character", `the file contains a NUL character (\\u0000) on line ${line}, which text cannot hold; remove it, or export the sheet again as "CSV UTF-8"`);
  }
  return { ok: true, text };
}

function fileError(code: string, message: string, field: FileError["field"] = "file"): { ok: false; errors: FileError[] } {
  return { ok: false, errors: [{ field, code, message }] };
}

// --- text to rows --------------------------------------------------------------------

export function parseRecipientsCsv(text: string): CsvResult {
  // Records are collected as they are read, so that a syntax error still leaves the rows
  // before it (and tells which row it is in: the header is record 1, data row N record N + 1).
  const records: string[][] = [];
  let syntax: CsvProblem | undefined;
  try {
    parse(text, {
      bom: true,
      skip_empty_lines: true,
      trim: true,
      relax_quotes: false,
      // Rows with too few or too many cells are reported below, all of them, not thrown on.
      relax_column_count: true,
      on_record: (record: string[]) => {
        records.push(record);
        return null;
      },
    });
  } catch (err) {
    syntax = syntaxError(err, records.length);
  }
  if (records.length === 0) return { ok: false, errors: [syntax ?? { field: "file", code: "csv_empty", message: "the file is empty" }] };

  const headerCells = records[0]!;
  const data = records.slice(1);
  // Spreadsheets export rows they consider used but empty (",,,") after the data: ignored.
  // Blank rows between recipients are kept (and reported), so row numbers stay the sheet's.
  if (!syntax) while (data.length && isBlank(data.at(-1)!)) data.pop();

  const header = readHeader(headerCells, data);
  const errors: CsvProblem[] = [...header.errors];
  if (!header.errors.length && data.length === 0 && !syntax) {
    errors.push({ field: "file", code: "csv_empty", message: "the file has a header but no recipients" });
  }
  if (errors.length) return { ok: false, errors: syntax ? [...errors, syntax] : errors };

  const width = headerCells.length;
  const misshapen = new Set<number>();
  const rowErrors: RowError[] = [];
  const rows = data.map((cells, i) => {
    if (cells.length !== width) {
      misshapen.add(i + 1);
      rowErrors.push({ row: i + 1, field: "row", code: "csv_column_count", message: `has ${cells.length} cell${cells.length === 1 ? "" : "s"}; the header has ${width}` });
    }
    const row: Record<string, string> = {};
    header.columns.forEach((name, j) => {
      if (name !== undefined) row[name] = cells[j] ?? "";
    });
    // A date alone (2026-12-01) stays a date: the order decides what it means (pricing.ts).
    return row;
  });
  if (!rowErrors.length && !syntax) return { ok: true, rows };

  // The file is refused for its shape; report the other rows' cell problems with it, so
  // one correction fixes everything (rows with the wrong cell count cannot be read by column).
  const cellErrors = parseRecipients(rows).errors.filter((e) => !misshapen.has(e.row));
  const all: CsvProblem[] = [...rowErrors, ...cellErrors].sort((a, b) => a.row - b.row);
  return { ok: false, errors: syntax ? [...all, syntax] : all };
}

/**
 * The header's cells as field names (undefined: a column without a name and without
 * values, ignored), and its problems: unknown, repeated and missing columns, all at once.
 */
function readHeader(cells: string[], data: string[][]): { columns: Array<string | undefined>; errors: FileError[] } {
  const columns: Array<string | undefined> = [];
  const unknown: string[] = [];
  const errors: FileError[] = [];
  const firstAt = new Map<string, number>();
  cells.forEach((cell, j) => {
    if (cell === "") {
      const used = data.findIndex((r) => (r[j] ?? "") !== "");
      if (used >= 0) {
        errors.push({ field: "header", code: "csv_unknown_column", message: `column ${j + 1} has no name in the header row, but row ${used + 1} has a value in it; name the column or delete it` });
      }
      columns.push(undefined);
      return;
    }
    const name = COLUMNS[cell.toLowerCase().replace(/[^a-z]/g, "")];
    if (!name) {
      unknown.push(cell);
      columns.push(undefined);
      return;
    }
    const first = firstAt.get(name);
    if (first !== undefined) {
      errors.push({
        field: "header",
        code: "csv_duplicate_column",
        message: `column "${cell}" (column ${j + 1}) repeats "${cells[first]}" (column ${first + 1}): both are the ${displayName(name)} column; keep one of them`,
      });
    }
    else firstAt.set(name, j);
    columns.push(name);
  });
  if (unknown.length) {
    const hint = cells.length === 1 && /[;\t]/.test(cells[0]!) ? '; the columns seem to be separated by ";" or tabs: export the file as "CSV UTF-8 (Comma delimited)"' : "";
    errors.unshift({ field: "header", code: "csv_unknown_column", message: `unknown column(s): ${unknown.join(", ")} (known: ${KNOWN})${hint}` });
  }
  const missing = REQUIRED.filter((r) => !firstAt.has(r));
  if (missing.length) errors.push({ field: "header", code: "csv_missing_column", message: `missing column(s): ${missing.join(", ")}` });
  return { columns, errors };
}

function displayName(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function isBlank(cells: string[]): boolean {
  return cells.every((c) => c === "");
}

/** A csv-parse error as a problem on the row where the unreadable record starts. */
function syntaxError(err: unknown, recordsRead: number): CsvProblem {
  const e = err as { code?: string; message?: string };
  const what = (() => {
    switch (e.code) {
      case "CSV_QUOTE_NOT_CLOSED":
        return 'a quoted cell starts here and its closing " is missing, so the rest of the file could not be read';
      case "INVALID_OPENING_QUOTE":
      case "CSV_INVALID_OPENING_QUOTE":
        return 'a cell contains " but does not start with it; put the whole cell in double quotes and double the quotes inside it ("Dwayne ""The Rock"" Johnson")';
      case "CSV_INVALID_CLOSING_QUOTE":
      case "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE":
        return 'a quoted cell has more text after its closing "; put the whole cell in double quotes and double the quotes inside it';
      default:
        return `is not valid CSV (${truncate(e.message ?? "unreadable", 200)})`;
    }
  })();
  if (recordsRead === 0) return { field: "header", code: "csv_syntax", message: `the header row cannot be read: ${what}` };
  const rest = e.code === "CSV_QUOTE_NOT_CLOSED" ? "" : "; the rows after it were not checked";
  return { row: recordsRead, field: "row", code: "csv_syntax", message: `${what}${rest}` };
}
