import { describe, expect, it } from "vitest";
import { compileWhere, WhereError } from "./where.ts";

const fields = new Set(["type", "status", "contact", "date", "amountdue", "name", "emailaddress", "invoicenumber"]);
const rows = [
  { Type: "ACCPAY", Status: "AUTHORISED", InvoiceNumber: "payout-1", AmountDue: 10.5, Date: "/Date(1777593600000+0000)/", Contact: { ContactID: "9B9BA9E5-E907-4B4E-8210-54D82B0AA479", Name: "Northwind" } },
  { Type: "ACCREC", Status: "PAID", InvoiceNumber: "INV-0001", AmountDue: 0, Date: "/Date(1777680000000+0000)/", Contact: { ContactID: "00000000-0000-0000-0000-000000000001", Name: "Acme" } },
];
const run = (src: string) => rows.filter(compileWhere(src, "Invoice", fields)).map((r) => r.InvoiceNumber);

describe("Xero's where filter", () => {
  it("compares fields, nested fields, guids, dates and numbers", () => {
    expect(run('Type=="ACCPAY"')).toEqual(["payout-1"]);
    expect(run('Type == "ACCPAY" AND Status != "DELETED"')).toEqual(["payout-1"]);
    expect(run('Contact.ContactID==guid("9b9ba9e5-e907-4b4e-8210-54d82b0aa479")')).toEqual(["payout-1"]);
    expect(run("Date >= DateTime(2026, 05, 02)")).toEqual(["INV-0001"]);
    expect(run("AmountDue > 0 || Status == \"PAID\"")).toEqual(["payout-1", "INV-0001"]);
    expect(run('NOT (Type=="ACCPAY")')).toEqual(["INV-0001"]);
    expect(run('Contact.Name.ToLower().Contains("north")')).toEqual(["payout-1"]);
    expect(run('invoicenumber.StartsWith("INV")')).toEqual(["INV-0001"]);
  });

  it("string comparisons ignore case, as Xero's do", () => {
    expect(run('Status=="authorised"')).toEqual(["payout-1"]);
  });

  it("refuses unknown fields and syntax errors with Xero's kind of message", () => {
    expect(() => compileWhere('Colour=="red"', "Invoice", fields)).toThrow(new WhereError("No property or field 'Colour' exists in type 'Invoice'"));
    expect(() => compileWhere('Type=="ACCPAY" AND', "Invoice", fields)).toThrow(WhereError);
    expect(() => compileWhere('Type=="ACCPAY', "Invoice", fields)).toThrow(/Unterminated/);
    expect(() => compileWhere('Name.Reverse()=="x"', "Invoice", fields)).not.toThrow();
    expect(() => rows.filter(compileWhere('Contact.Name.Reverse()=="x"', "Invoice", fields))).toThrow(/No applicable method 'Reverse'/);
    expect(() => compileWhere('Contact.ContactID==guid("nope")', "Invoice", fields)).toThrow(/GUID/);
  });
});
