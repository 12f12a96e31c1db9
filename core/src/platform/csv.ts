import { stringify } from "csv-stringify/sync";

/**
 * The one CSV writer of every export: files people open in a spreadsheet, whatever
 * separator their locale reads (Excel in much of Europe splits on `;`, some tools on tabs).
 *
 * - A cell holding `,`, `;`, a tab, a quote or a line break is quoted (quotes doubled), so
 *   under any of those separators it stays one cell where the reader honours quotes.
 * - Formula starts are defused as OWASP's CSV injection guidance says: a `'` goes before a
 *   `=`, `+`, `-`, `@`, tab or carriage return that starts a cell. Because a reader using
 *   another separator than ours starts cells elsewhere (`Bob;=cmd|' /C calc'!A0` is two
 *   cells under `;`, the second a formula), the same goes for such a character right after
 *   a `,`, `;`, tab or line break inside the text (spaces and quotes in between included).
 * Numbers are written as they are.
 */
export type CsvCell = string | number | null | undefined;

const TRIGGERS = new Set(["=", "+", "-", "@", "\t", "\r"]);
const SEPARATORS = new Set([",", ";", "\t", "\r", "\n"]);
const MAYBE_TRIGGER = /[=+\-@\t\r]/;

/** The text with a `'` before every formula trigger that could start a cell for some reader. */
export function defuseFormulas(text: string): string {
  if (!MAYBE_TRIGGER.test(text)) return text;
  let out = "";
  let cellStart = true;
  for (const ch of text) {
    if (cellStart && TRIGGERS.has(ch)) out += "'";
    out += ch;
    if (SEPARATORS.has(ch)) cellStart = true;
    else if (ch !== " " && ch !== '"') cellStart = false;
  }
  return out;
}

/**
 * `columns` as the header row, then `rows`; `bom` starts the text with a UTF-8 byte order
 * mark (Excel on Windows reads UTF-8 without one as ANSI: "José" becomes "JosÃ©").
 */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<ReadonlyArray<CsvCell>>, opts: { bom?: boolean } = {}): string {
  return stringify(
    rows.map((row) => row.map((cell) => (typeof cell === "string" ? defuseFormulas(cell) : cell))),
    {
      bom: opts.bom ?? false,
      header: true,
      columns: columns.map((c) => defuseFormulas(c)),
      quoted_match: /[,;\t"\r\n]/,
    },
  );
}
