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
    expect(normalizeGiftCode(" abcde fghjk-mnpqr ")).toBe("ABCDEFGHJKMNPQR");
    expect(normalizeGiftCode("ab\tcd\u2013ef\u00a0gh")).toBe("ABCDEFGH");
    expect(normalizeGiftCode("--")).toBe("");
  });
});

describe("formatGiftCode", () => {
  it.each([
    ["", ""],
    ["a", "A"],
    ["abcde", "ABCDE"],
    ["abcdef", "ABCDE-F"],
    ["abcdefghjkmnpqr", "ABCDE-FGHJK-MNPQR"],
    ["ABCDE-FGHJK-MNPQR", "ABCDE-FGHJK-MNPQR"],
    ["ab cde-fg hj km npqr", "ABCDE-FGHJK-MNPQR"],
    ["ABCDE-", "ABCDE"],
  ])("formats %j as %j", (raw, formatted) => {
    expect(formatGiftCode(raw)).toBe(formatted);
  });

  it("is idempotent, so re-formatting on every keystroke is stable", () => {
    for (const raw of ["x", "abcde-f", "12345 6789a bcdef g"]) {
      expect(formatGiftCode(formatGiftCode(raw))).toBe(formatGiftCode(raw));
    }
  });
});

describe("giftCodeProblem", () => {
  it("accepts a complete code however it was typed", () => {
    expect(giftCodeProblem("abcde-fghjk-mnpqr")).toBeNull();
    expect(giftCodeProblem("01234 56789 ABVWZ")).toBeNull();
  });

  it("names what is wrong", () => {
    expect(giftCodeProblem("  - ")).toBe("empty");
    expect(giftCodeProblem("ABCDE-FGHJK-MNPQ")).toBe("too-short");
    expect(giftCodeProblem("ABCDE-FGHJK-MNPQR-S")).toBe("too-long");
    // O, I, L and U are not in the alphabet, even in a short code.
    expect(giftCodeProblem("O")).toBe("invalid-character");
    expect(giftCodeProblem("ABCDE-FGHJK-MNPQI")).toBe("invalid-character");
    expect(giftCodeProblem("ABCDE/FGHJK/MNPQR")).toBe("invalid-character");
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

describe("kept in step with core's code generator", () => {
  it("uses core's alphabet and length, and accepts codes core issues", async () => {
    const core = await import("@giftloop/core/redemption/codes/codes");
    expect(GIFT_CODE_ALPHABET).toBe(core.CODE_ALPHABET);
    expect(GIFT_CODE_LENGTH).toBe(core.CODE_LENGTH);
    for (let i = 0; i < 20; i++) {
      const code = core.generateCode();
      expect(giftCodeProblem(core.formatCode(code).toLowerCase())).toBeNull();
      expect(formatGiftCode(code)).toBe(core.formatCode(code));
    }
  });
});
