import { describe, expect, it } from "vitest";
import { localMorning, rowProblems, toSubmission } from "./order-draft.ts";
import { applyMapping, decodeText, guessMapping, MAX_ROWS, parseCsv, parsePasted, toTable } from "./spreadsheet.ts";

describe("recipients from spreadsheets", () => {
  it("decodes UTF-8, UTF-16 with BOM, and falls back to Windows-1252 with a warning", () => {
    expect(decodeText(new TextEncoder().encode("name\nZoë")).text).toBe("name\nZoë");
    const utf16 = new Uint8Array([0xff, 0xfe, ...new Uint8Array(new Uint16Array([...("Zoë")].map((c) => c.charCodeAt(0))).buffer)]);
    expect(decodeText(utf16).text).toBe("Zoë");
    const cp1252 = decodeText(new Uint8Array([0x5a, 0x6f, 0xeb]));
    expect(cp1252.text).toBe("Zoë");
    expect(cp1252.warning).toMatch(/Windows-1252/);
  });

  it("maps columns by their headers and reads quoted cells", () => {
    const t = toTable(parseCsv('Full name,E-mail,Country,Gift message\n"Lovelace, Ada",ada@x.test,gb,"Hi,\nthere"\n'));
    if (!t.ok) throw new Error(t.message);
    const m = guessMapping(t.table.headers);
    expect(m).toMatchObject({ name: 0, email: 1, country: 2, message: 3, sendAt: -1 });
    expect(applyMapping(t.table, m)).toEqual([{ name: "Lovelace, Ada", email: "ada@x.test", country: "gb", message: "Hi,\nthere" }]);
  });

  it("refuses 10,001 rows and an empty file with a clear message", () => {
    const big = [["name", "email"], ...Array.from({ length: MAX_ROWS + 1 }, (_, i) => [`P${i}`, `p${i}@x.test`])];
    const r = toTable(big);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/10,001 recipients; an order takes at most 10,000/);
    expect(toTable([["name", "email"]]).ok).toBe(false);
    expect(toTable(big.slice(0, MAX_ROWS + 1)).ok).toBe(true);
  });

  it("pastes rows from a spreadsheet, with or without their header", () => {
    expect(parsePasted("Ada\tada@x.test\tGB\nGrace\tgrace@x.test\tUS", ["name", "email", "country"])).toEqual([
      { name: "Ada", email: "ada@x.test", country: "GB" },
      { name: "Grace", email: "grace@x.test", country: "US" },
    ]);
    expect(parsePasted("Email\tName\nada@x.test\tAda", ["name", "email"])).toEqual([{ name: "Ada", email: "ada@x.test" }]);
    expect(parsePasted("just text", ["name"])).toBeNull();
  });
});

describe("the order body and its row report", () => {
  it("skips blank rows, fills the default message, and maps API rows back to grid rows", () => {
    const s = toSubmission([{ name: "Ada", email: "a@x.test" }, {}, { name: "Bo", email: "bad", message: "Own" }], { defaultMessage: "Thanks!", sendDate: "" });
    expect(s.recipients).toEqual([{ name: "Ada", email: "a@x.test", message: "Thanks!" }, { name: "Bo", email: "bad", message: "Own" }]);
    expect(s.index).toEqual([0, 2]);
    expect(rowProblems([{ row: 2, field: "email", message: "is not an email address" }], s.index).get(2)).toEqual([{ field: "email", message: "is not an email address" }]);
  });

  it("a send date is 09:00 in the buyer's time zone", () => {
    expect(localMorning("2026-12-15", -60)).toBe("2026-12-15T09:00:00+01:00");
    expect(localMorning("2026-12-15", 300)).toBe("2026-12-15T09:00:00-05:00");
  });
});
