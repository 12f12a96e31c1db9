import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { defuseFormulas, toCsv } from "./csv.ts";

/**
 * Cells as a spreadsheet reads a CSV text with separator `sep`: a cell that starts with a
 * quote is quoted until a lone quote (a doubled one is a quote); anything after the closing
 * quote, up to the separator, is appended; a quote anywhere else is a plain character;
 * outside quotes, a line break ends the row.
 */
function cellsAsRead(text: string, sep: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  let atStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
      continue;
    }
    if (atStart && ch === '"') {
      quoted = true;
      atStart = false;
      continue;
    }
    if (ch === sep || ch === "\n" || (ch === "\r" && text[i + 1] === "\n")) {
      cells.push(cell);
      cell = "";
      atStart = true;
      if (ch === "\r") i++;
      continue;
    }
    cell += ch;
    atStart = false;
  }
  cells.push(cell);
  return cells;
}

/** What a spreadsheet would run: a cell whose text (leading spaces aside) starts a formula. */
const isFormula = (cell: string) => /^[ ]*[=+\-@\t\r]/.test(cell);

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE = [
  "Bob;=cmd|' /C calc'!A0",
  '=1+2";=1+2',
  "=1+2'\" ;,=1+2",
  "@SUM(1,1)",
  "+1",
  "-1",
  "\t=1",
  "\r=1",
  "a\n=1",
  "a\r\n@x",
  '"=1"',
  "x, =1",
  'x;"=1"',
  "x\t@y",
  'x;" =HYPERLINK(""http://evil.test"")',
  '=HYPERLINK("http://evil.test","x")',
];

describe("the CSV writer", () => {
  it.each([",", ";", "\t"])("no cell begins a formula when read with %j as the separator", (sep) => {
    const next = prng(0x5eed);
    const alphabet = ["=", "+", "-", "@", ",", ";", "\t", "\r", "\n", '"', "'", " ", "a", "B", "1", "|", "!"];
    const random = Array.from({ length: 3000 }, () => Array.from({ length: 1 + Math.floor(next() * 12) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(""));
    for (const value of [...HOSTILE, ...random]) {
      // The hostile value in every position of a row, between ordinary cells.
      for (const row of [[value, "x", 1], ["x", value, 1], [1, "x", value]]) {
        const text = toCsv(["a", "b", "c"], [row]);
        const formulas = cellsAsRead(text, sep).filter(isFormula);
        expect(formulas, `${JSON.stringify(value)} written as ${JSON.stringify(text)}`).toEqual([]);
      }
    }
  });

  it("quotes every cell holding a separator, a quote or a line break", () => {
    const text = toCsv(["v"], [["Bob;=cmd|' /C calc'!A0"], ["a,b"], ["a\tb"], ['say "hi"'], ["two\nlines"], ["plain"]]);
    expect(text.split("\n").slice(1, 6)).toEqual([`"Bob;'=cmd|' /C calc'!A0"`, '"a,b"', '"a\tb"', '"say ""hi"""', '"two']);
    expect(text).toContain("\nplain\n");
  });

  it("reads back unchanged under the usual parser, except the defused formula starts", () => {
    const values = ["José Müller", "ada@example.test", "https://gifts.example/g/7KQ2M-XW9FD-HT4R8", "2026-12-01T00:00:00.000Z", "Jean-Pierre", "a, b; c", 'quote "q"'];
    const text = toCsv(["v"], [...values.map((v) => [v]), ["=1+2"], ["-5"], [-5]], { bom: true });
    expect(text.startsWith("\uFEFFv\n")).toBe(true);
    const read = (parse(text, { bom: true, columns: true }) as Array<{ v: string }>).map((r) => r.v);
    expect(read).toEqual([...values, "'=1+2", "'-5", "-5"]);
  });

  it("defuses a trigger at the start and after any separator, and leaves other text alone", () => {
    expect(defuseFormulas("=SUM(A1)")).toBe("'=SUM(A1)");
    expect(defuseFormulas("Bob;=cmd")).toBe("Bob;'=cmd");
    expect(defuseFormulas("x, \"@y")).toBe("x, \"'@y");
    expect(defuseFormulas("\t\t=")).toBe("'\t'\t'=");
    expect(defuseFormulas("Jean-Pierre ada@example.test 1+1")).toBe("Jean-Pierre ada@example.test 1+1");
  });
});
