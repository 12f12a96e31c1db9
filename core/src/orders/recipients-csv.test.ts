import { describe, expect, it } from "vitest";
import { csvMediaTypeProblem, decodeCsv, parseRecipientsCsv, type CsvProblem } from "./recipients-csv.ts";
import { recipientsProblem } from "./row-errors.ts";

/** The problems of a file that is refused (fails the test if it is accepted). */
function problems(text: string): CsvProblem[] {
  const r = parseRecipientsCsv(text);
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(r.rows)}`);
  return r.errors;
}
const brief = (errors: CsvProblem[]) => errors.map((e) => ["row" in e ? e.row : e.field, e.code]);

describe("CSV header", () => {
  it("refuses a repeated column, whatever its case or spelling, naming both", () => {
    const errors = problems("name,email,country,Email\nA,a@example.test,US,b@example.test\n");
    expect(brief(errors)).toEqual([["header", "csv_duplicate_column"]]);
    expect(errors[0]!.message).toContain('"Email" (column 4)');
    expect(errors[0]!.message).toContain('"email" (column 2)');
    expect(brief(problems("Name,E-mail,Send date,send_at\nA,a@example.test,,\n"))).toEqual([["header", "csv_duplicate_column"]]);
  });

  it("reports unknown, repeated and missing columns together", () => {
    expect(brief(problems("name,Name,shoe size\nA,B,42\n"))).toEqual([
      ["header", "csv_unknown_column"],
      ["header", "csv_duplicate_column"],
      ["header", "csv_missing_column"],
    ]);
  });

  it("ignores columns without a name and without values (a spreadsheet's trailing commas), refuses them with values", () => {
    const ok = parseRecipientsCsv("name,email,,\nA,a@example.test,,\n");
    expect(ok).toEqual({ ok: true, rows: [{ name: "A", email: "a@example.test" }] });
    const errors = problems("name,email,\nA,a@example.test,\nB,b@example.test,oops\n");
    expect(brief(errors)).toEqual([["header", "csv_unknown_column"]]);
    expect(errors[0]!.message).toBe("column 3 has no name in the header row, but row 2 has a value in it; name the column or delete it");
  });

  it("says so when the columns are separated by semicolons", () => {
    expect(problems("name;email\nA;a@example.test\n")[0]!.message).toContain('separated by ";"');
  });
});

describe("CSV rows", () => {
  it("reports every row with the wrong number of cells, not just the first, with the other rows' cell problems", () => {
    const errors = problems("name,email,country\nA,a@example.test,US,extra\nB,b@example.test,US\nC,c@example.test\nD,not-an-email,US\nE,e@example.test,US,,\n");
    expect(brief(errors)).toEqual([
      [1, "csv_column_count"],
      [3, "csv_column_count"],
      [4, "invalid_field"],
      [5, "csv_column_count"],
    ]);
    expect(errors.map((e) => e.message)).toEqual([
      "has 4 cells; the header has 3",
      "has 2 cells; the header has 3",
      "email is not an email address",
      "has 5 cells; the header has 3",
    ]);
  });

  it("numbers data rows from 1 after the header, a quoted cell over several lines being one row", () => {
    const text = 'name,email,message\nA,a@example.test,"Dear A,\nthank you!\n\nBest"\nB,b@example.test\nC,c@example.test,"x\r\ny",4\n';
    expect(brief(problems(text))).toEqual([
      [2, "csv_column_count"],
      [3, "csv_column_count"],
    ]);
  });

  it("reports an unclosed quote on the row where it opens, after the problems of the rows before it", () => {
    expect(brief(problems('name,email\n"A,a@example.test\nB,b@example.test\n'))).toEqual([[1, "csv_syntax"]]);
    const errors = problems('name,email\nA,a@example.test,x\n"Multi\nline",b@example.test\n"C,c@example.test\nD,d@example.test\n');
    expect(brief(errors)).toEqual([
      [1, "csv_column_count"],
      [3, "csv_syntax"],
    ]);
    expect(errors[1]!.message).toContain('closing " is missing');
  });

  it("explains a stray quote in a cell; a syntax error in the header is the file's", () => {
    const [stray] = problems('name,email\nDwayne "The Rock" Johnson,d@example.test\n');
    expect(stray).toMatchObject({ row: 1, code: "csv_syntax" });
    expect(stray!.message).toContain('"Dwayne ""The Rock"" Johnson"');
    expect(brief(problems('name,"email\nA,a\n'))).toEqual([["header", "csv_syntax"]]);
  });

  it("reads blank cells as not given: a required one is `required`; trailing empty rows are ignored", () => {
    const ok = parseRecipientsCsv("name,email,country\nA,a@example.test,\n,,\n , ,\n");
    expect(ok).toEqual({ ok: true, rows: [{ name: "A", email: "a@example.test", country: "" }] });
    const errors = problems("name,email,country\nA,a@example.test,US,x\n,,\nC,c@example.test,US\n");
    expect(errors).toEqual([
      { row: 1, field: "row", code: "csv_column_count", message: "has 4 cells; the header has 3" },
      { row: 2, field: "name", code: "required", message: "name is required" },
      { row: 2, field: "email", code: "required", message: "email is required" },
    ]);
  });

  it("refuses an empty file and a header without recipients as the file's problem", () => {
    expect(brief(problems(""))).toEqual([["file", "csv_empty"]]);
    expect(brief(problems("\uFEFFname,email\n\n,\n"))).toEqual([["file", "csv_empty"]]);
  });
});

describe("CSV bytes", () => {
  it("accepts UTF-8 with or without a BOM; names UTF-16, workbooks and other encodings", () => {
    expect(decodeCsv(new TextEncoder().encode("\uFEFFname\nJosé").buffer)).toEqual({ ok: true, text: "name\nJosé" });
    const code = (bytes: number[]) => {
      const r = decodeCsv(new Uint8Array(bytes).buffer);
      return r.ok ? "ok" : r.errors.map((e) => [e.field, e.code]);
    };
    expect(code([0x4a, 0x6f, 0x73, 0xe9])).toEqual([["file", "csv_encoding"]]);
    expect(code([0xff, 0xfe, 0x6e, 0x00])).toEqual([["file", "csv_encoding"]]);
    expect(code([0x50, 0x4b, 0x03, 0x04, 0x14])).toEqual([["file", "csv_workbook"]]);
    expect(code([0xd0, 0xcf, 0x11, 0xe0, 0xa1])).toEqual([["file", "csv_workbook"]]);
  });
});

describe("the upload's Content-Type", () => {
  it("accepts CSV as text/csv (and the labels other clients use), UTF-8 only", () => {
    for (const type of ["text/csv", "TEXT/CSV; charset=UTF-8", 'text/csv;charset="utf-8"; header=present', "application/csv", "text/plain;charset=UTF-8", "application/vnd.ms-excel", "text/csv; charset=us-ascii"]) {
      expect(csvMediaTypeProblem(type), type).toBeUndefined();
    }
  });

  it("refuses multipart, JSON, no type and other charsets with a 415 saying how to send the file", () => {
    for (const type of [undefined, "", "multipart/form-data; boundary=x", "application/json", "application/x-www-form-urlencoded", "text/csv; charset=windows-1252"]) {
      const p = csvMediaTypeProblem(type);
      expect(p?.status, type).toBe(415);
      expect(p?.code).toBe("unsupported_media_type");
      expect(p?.detail).toContain("text/csv");
    }
  });
});

describe("the problem document", () => {
  it("gives file problems a path and an empty pointer, no row; row problems valid pointers", () => {
    const p = recipientsProblem(
      [
        { field: "header", code: "csv_duplicate_column", message: 'column "Email" (column 4) repeats "email" (column 2)' },
        { row: 1, field: "row", code: "csv_column_count", message: "has 4 cells; the header has 3" },
        { row: 2, field: "email", code: "required", message: "email is required" },
      ],
      "csv",
    );
    expect(p.errors).toEqual([
      { in: "body", path: "header", pointer: "", code: "csv_duplicate_column", message: 'column "Email" (column 4) repeats "email" (column 2)' },
      { in: "body", path: "recipients.0", pointer: "/recipients/0", code: "csv_column_count", message: "row 1: has 4 cells; the header has 3" },
      { in: "body", path: "recipients.1.email", pointer: "/recipients/1/email", code: "required", message: "row 2: email is required" },
    ]);
    expect((p.extensions!.rows as unknown[]).length).toBe(2);
    expect(p.detail).toBe("The file has 1 problem and 2 recipient rows have problems (see errors); nothing was saved. Fix them and send the file again.");
  });

  it("says what is wrong with the file in its detail", () => {
    const p = recipientsProblem([{ field: "file", code: "csv_empty", message: "the file is empty" }], "csv");
    expect(p.detail).toBe("The file is empty. Nothing was saved; fix the file and send it again.");
    expect(JSON.stringify(p.errors)).not.toMatch(/row 0|-1/);
    expect(p.extensions).toEqual({ rows: [] });
  });
});
