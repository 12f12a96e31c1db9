import Papa from "papaparse";

/**
 * Recipients from a spreadsheet, as the order builder reads them (in a Web Worker): the file's
 * text decoded (UTF-8, UTF-16 with its BOM, else Windows-1252, Excel's own CSV encoding, with a
 * warning to check accented names), CSV parsed by papaparse, cells as text, the columns mapped
 * to the order's fields by their headers (changeable by the buyer), at most 10,000 rows.
 */
export const MAX_ROWS = 10_000;

export const FIELDS = ["name", "email", "country", "message", "sendAt", "phone"] as const;
export type Field = (typeof FIELDS)[number];
export const FIELD_LABELS: Record<Field, string> = {
  name: "Name",
  email: "Email",
  country: "Country (2 letters)",
  message: "Message",
  sendAt: "Send date",
  phone: "Phone",
};

export interface Table {
  headers: string[];
  rows: string[][];
}

export type ParseResult = { ok: true; table: Table; warnings: string[] } | { ok: false; message: string };

export function decodeText(bytes: Uint8Array): { text: string; warning?: string } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder("utf-16le").decode(bytes.subarray(2)) };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder("utf-16be").decode(bytes.subarray(2)) };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return {
      text: new TextDecoder("windows-1252").decode(bytes),
      warning: "The file is not UTF-8, so it was read as Windows-1252 (what Excel saves as \"CSV\"). Check that accented names look right, or save it as \"CSV UTF-8\".",
    };
  }
}

export function parseCsv(text: string): string[][] {
  const r = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { skipEmptyLines: "greedy" });
  return r.data.map((row) => row.map((c) => (c ?? "").trim()));
}

export function cellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "" : v.toISOString().slice(0, 10);
  return String(v).trim();
}

/** The first row as headers, the rest as data rows; refuses more than MAX_ROWS rows and empty files. */
export function toTable(cells: unknown[][]): ParseResult {
  const rows = cells.map((r) => r.map(cellText)).filter((r) => r.some((c) => c !== ""));
  if (rows.length < 2) return { ok: false, message: "The file has no recipients: it needs a header row and at least one row below it." };
  const data = rows.slice(1);
  if (data.length > MAX_ROWS) {
    return { ok: false, message: `The file has ${data.length.toLocaleString("en")} recipients; an order takes at most ${MAX_ROWS.toLocaleString("en")}. Split it into several orders. Nothing was loaded.` };
  }
  const width = Math.max(...rows.map((r) => r.length));
  const headers = Array.from({ length: width }, (_, i) => rows[0]![i] || `Column ${i + 1}`);
  return { ok: true, table: { headers, rows: data.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? "")) }, warnings: [] };
}

const SYNONYMS: Record<Field, RegExp> = {
  name: /^(full ?name|name|recipient( name)?|first and last name)$/i,
  email: /^(e-?mail( address)?|recipient e-?mail)$/i,
  country: /^(country( code)?|ship(ping)? country)$/i,
  message: /^(message|gift message|note)$/i,
  sendAt: /^(send ?(at|date|on)|date)$/i,
  phone: /^(phone( number)?|mobile|tel(ephone)?)$/i,
};

/** Which column holds each field, guessed from the headers (-1: none). */
export function guessMapping(headers: string[]): Record<Field, number> {
  const out = {} as Record<Field, number>;
  for (const f of FIELDS) out[f] = headers.findIndex((h) => SYNONYMS[f].test(h.trim()));
  return out;
}

export type Draft = Partial<Record<Field, string>> & { offerId?: string };

export function applyMapping(table: Table, mapping: Record<Field, number>): Draft[] {
  return table.rows.map((r) => {
    const d: Draft = {};
    for (const f of FIELDS) {
      const i = mapping[f];
      if (i >= 0 && r[i]) d[f] = r[i];
    }
    return d;
  });
}

/** Rows pasted from a spreadsheet (tab-separated lines), as drafts in the grid's column order. */
export function parsePasted(text: string, columns: readonly Field[]): Draft[] | null {
  const lines = text.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n");
  if (lines.length < 2 && !lines[0]?.includes("\t")) return null;
  const rows = lines.map((l) => l.split("\t").map((c) => c.trim()));
  const header = rows[0] ? guessMapping(rows[0]) : null;
  const hasHeader = header !== null && header.email >= 0 && header.name >= 0;
  const data = hasHeader ? rows.slice(1) : rows;
  return data
    .filter((r) => r.some(Boolean))
    .map((r) => {
      const d: Draft = {};
      if (hasHeader) for (const f of FIELDS) { const i = header![f]; if (i >= 0 && r[i]) d[f] = r[i]; }
      else columns.forEach((f, i) => { if (r[i]) d[f] = r[i]; });
      return d;
    });
}

export const TEMPLATE_CSV = "name,email,country,message,send date\nAda Lovelace,ada@example.com,GB,Thank you for a great year!,\nGrace Hopper,grace@example.com,US,,2026-12-15\n";
