import { describe, expect, it } from "vitest";
import { decimalToMinor, formatMoney, minorDigits, minorToDecimal } from "./money.ts";

describe("formatMoney", () => {
  it("uses each currency's own minor unit", () => {
    expect(formatMoney(3800, "USD")).toBe("$38.00");
    expect(formatMoney(500, "JPY")).toBe("¥500");
    expect(formatMoney(12345, "KWD").replace(/\s/g, " ")).toBe("KWD 12.345"); // Intl uses a no-break space
  });
});

describe("decimal conversions", () => {
  it("know each currency's digits", () => {
    expect([minorDigits("USD"), minorDigits("JPY"), minorDigits("KWD"), minorDigits("??")]).toEqual([2, 0, 3, 2]);
  });

  it("round-trip exactly, with signs and leading zeros", () => {
    for (const [minor, currency, text] of [
      [3805, "USD", "38.05"],
      [5, "USD", "0.05"],
      [-5, "USD", "-0.05"],
      [500, "JPY", "500"],
      [12345, "KWD", "12.345"],
    ] as const) {
      expect(minorToDecimal(minor, currency)).toBe(text);
      expect(decimalToMinor(text, currency)).toBe(minor);
    }
    expect(decimalToMinor("38.50", "USD")).toBe(3850);
    expect(decimalToMinor("38.500", "USD")).toBe(3850);
  });

  it("refuse what is not an amount of that currency", () => {
    for (const [text, currency] of [["38.055", "USD"], ["1.5", "JPY"], ["1e3", "USD"], ["", "USD"], ["99999999999", "USD"]] as const) {
      expect(() => decimalToMinor(text, currency)).toThrow();
    }
  });
});
