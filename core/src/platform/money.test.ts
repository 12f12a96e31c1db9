import { describe, expect, it } from "vitest";
import { formatMoney } from "./money.ts";

describe("formatMoney", () => {
  it("uses each currency's own minor unit", () => {
    expect(formatMoney(3800, "USD")).toBe("$38.00");
    expect(formatMoney(500, "JPY")).toBe("¥500");
    expect(formatMoney(12345, "KWD").replace(/\s/g, " ")).toBe("KWD 12.345"); // Intl uses a no-break space
  });
});
