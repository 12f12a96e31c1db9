import { parse } from "csv-parse/sync";
import type { RowError } from "./recipients.ts";

/**
 * Recipients from a CSV file (as exported from a spreadsheet): a header row, then one
 * recipient per row. Headers are matched loosely ("Send date", "send_at" and "sendAt" are
 * the same column). Row numbers in errors count data rows from 1, like the JSON form.
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

export type CsvResult = { ok: true; rows: Array<Record<string, string>> } | { ok: false; errors: RowError[] };

/** From the uploaded bytes: UTF-8 only (a spreadsheet's "CSV UTF-8" export), BOM allowed. */
export function decodeCsv(bytes: ArrayBuffer): { ok: true; text: string } | { ok: false; errors: RowError[] } {
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return {
      ok: false,
      errors: [{ row: 0, field: "file", code: "csv_encoding", message: "the file is not UTF-8 text; export it from your spreadsheet as \"CSV UTF-8\"" }],
    };
  }
}

export function parseRecipientsCsv(text: string): CsvResult {
  let header: string[] = [];
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_quotes: false }) as string[][];
  } catch (err) {
    const e = err as { message: string; lines?: number };
    const row = Math.max(1, (e.lines ?? 2) - 1);
    return { ok: false, errors: [{ row, field: "row", code: "csv_syntax", message: `the file is not valid CSV: ${e.message}` }] };
  }
  if (records.length === 0) return { ok: false, errors: [{ row: 0, field: "file", code: "csv_empty", message: "the file is empty" }] };
  header = records[0]!.map((h) => COLUMNS[h.toLowerCase().replace(/[^a-z]/g, "")] ?? `?${h}`);
  const unknown = header.filter((h) => h.startsWith("?")).map((h) => h.slice(1));
  const missing = REQUIRED.filter((r) => !header.includes(r));
  const errors: RowError[] = [];
  if (unknown.length) {
    errors.push({ row: 0, field: "header", code: "csv_unknown_column", message: `unknown column(s): ${unknown.join(", ")} (known: name, email, phone, message, country, send_at, offer_id)` });
  }
  if (missing.length) errors.push({ row: 0, field: "header", code: "csv_missing_column", message: `missing column(s): ${missing.join(", ")}` });
  if (records.length === 1) errors.push({ row: 0, field: "file", code: "csv_empty", message: "the file has a header but no recipients" });
  if (errors.length) return { ok: false, errors };

  const rows = records.slice(1).map((cells, i) => {
    if (cells.length !== header.length) {
      errors.push({ row: i + 1, field: "row", code: "csv_column_count", message: `has ${cells.length} cells, the header has ${header.length}` });
    }
    const row: Record<string, string> = {};
    header.forEach((h, j) => (row[h] = cells[j] ?? ""));
    // A date alone means the start of that day, UTC.
    if (row.sendAt && /^\d{4}-\d{2}-\d{2}$/.test(row.sendAt)) row.sendAt = `${row.sendAt}T00:00:00Z`;
    return row;
  });
  return errors.length ? { ok: false, errors } : { ok: true, rows };
}
