import { describe, expect, it } from "vitest";
import { formatMoney, moneyInputValue, parseMoneyInput } from "./format.ts";

describe("money input", () => {
  it.each([
    ["45", "USD", 4500],
    ["45.5", "USD", 4550],
    ["1,045.50", "USD", 104550],
    [" 0.99 ", "EUR", 99],
    ["500", "JPY", 500],
    ["12.345", "KWD", 12345],
  ])("reads %j in %s as %i minor units", (text, currency, minor) => {
    expect(parseMoneyInput(text, currency)).toBe(minor);
  });

  it.each(["", "abc", "1.234", "-5", "1e3", "500.5"])("refuses %j", (text) => {
    expect(parseMoneyInput(text, text === "500.5" ? "JPY" : "USD")).toBeNull();
  });

  it("round-trips through the input's text", () => {
    expect(moneyInputValue(4550, "USD")).toBe("45.50");
    expect(moneyInputValue(500, "JPY")).toBe("500");
    expect(formatMoney(4550, "USD")).toBe("$45.50");
  });
});
