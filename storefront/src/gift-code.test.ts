import { describe, expect, it } from "vitest";
import {
  GIFT_CODE_ALPHABET,
  GIFT_CODE_LENGTH,
  formatGiftCode,
  giftCodeProblem,
  giftCodeProblemMessage,
  normalizeGiftCode,
} from "./gift-code.ts";

describe("normalizeGiftCode", () => {
  it("uppercases and strips spaces and dashes of any kind", () => {
    expect(normalizeGiftCode(" abcd efgh-jkmn ")).toBe("ABCDEFGHJKMN");
    expect(normalizeGiftCode("ab\tcd\u2013ef\u00a0gh")).toBe("ABCDEFGH");
    expect(normalizeGiftCode("--")).toBe("");
  });
});

describe("formatGiftCode", () => {
  it.each([
    ["", ""],
    ["a", "A"],
    ["abcd", "ABCD"],
    ["abcde", "ABCD-E"],
    ["abcdefghjkmn", "ABCD-EFGH-JKMN"],
    ["ABCD-EFGH-JKMN", "ABCD-EFGH-JKMN"],
    ["ab cd-ef gh jk mn", "ABCD-EFGH-JKMN"],
    ["ABCD-", "ABCD"],
  ])("formats %j as %j", (raw, formatted) => {
    expect(formatGiftCode(raw)).toBe(formatted);
  });

  it("is idempotent, so re-formatting on every keystroke is stable", () => {
    for (const raw of ["x", "abcd-e", "1234 5678 9abc d"]) {
      expect(formatGiftCode(formatGiftCode(raw))).toBe(formatGiftCode(raw));
    }
  });
});

describe("giftCodeProblem", () => {
  it("accepts a complete code however it was typed", () => {
    expect(giftCodeProblem("abcd-efgh-jkmn")).toBeNull();
    expect(giftCodeProblem("0123 4567 89VZ")).toBeNull();
  });

  it("names what is wrong", () => {
    expect(giftCodeProblem("  - ")).toBe("empty");
    expect(giftCodeProblem("ABCD-EFGH-JKM")).toBe("too-short");
    expect(giftCodeProblem("ABCD-EFGH-JKMN-P")).toBe("too-long");
    // O, I, L and U are not in the alphabet, even in a short code.
    expect(giftCodeProblem("O")).toBe("invalid-character");
    expect(giftCodeProblem("ABCD-EFGH-JKMI")).toBe("invalid-character");
    expect(giftCodeProblem("ABCD/EFGH/JKMN")).toBe("invalid-character");
  });

  it("uses a 32-character alphabet, so a code carries at least 60 bits", () => {
    expect(new Set(GIFT_CODE_ALPHABET).size).toBe(32);
    expect(GIFT_CODE_LENGTH * Math.log2(GIFT_CODE_ALPHABET.length)).toBeGreaterThanOrEqual(60);
  });

  it("has a message for every problem", () => {
    for (const p of ["empty", "invalid-character", "too-short", "too-long"] as const) {
      expect(giftCodeProblemMessage(p)).not.toBe("");
    }
  });
});
