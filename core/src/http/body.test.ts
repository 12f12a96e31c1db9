import { describe, expect, it } from "vitest";
import { badCharacterIn, badCharacters, decodeUtf8, parseJsonText } from "./body.ts";
import { ProblemError } from "./problem.ts";

describe("the body rule", () => {
  it("decodes UTF-8 only, dropping a BOM, and never replaces bad bytes", () => {
    expect(decodeUtf8(Buffer.from("\ufeffJosé 🎁"))).toBe("José 🎁");
    for (const bytes of [[0xff], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80]]) {
      expect(decodeUtf8(Uint8Array.from([0x61, ...bytes])), JSON.stringify(bytes)).toBeUndefined();
    }
  });

  it("finds NUL and lone surrogates, and accepts surrogate pairs", () => {
    expect(badCharacterIn("a\u0000")).toBe("nul_character");
    expect(badCharacterIn("\ud800")).toBe("lone_surrogate");
    expect(badCharacterIn("x\udfff")).toBe("lone_surrogate");
    expect(badCharacterIn("\udc00\ud800")).toBe("lone_surrogate");
    expect(badCharacterIn("🎁 \ud83c\udf81")).toBeUndefined();
  });

  it("names each place in a JSON value, keys included", () => {
    expect(badCharacters({ a: ["ok", "\ud800"], b: { "k\u0000": 1 }, c: "fine" })).toEqual([
      { path: ["a", "1"], code: "lone_surrogate" },
      { path: ["b", "k\\u0000"], code: "nul_character" },
    ]);
  });

  it("parses JSON text into a 400 (malformed) or 422 (bad characters) problem", () => {
    expect(parseJsonText('{"a":"\\ud83c\\udf81"}')).toEqual({ a: "🎁" });
    const thrown = (text: string) => {
      try {
        parseJsonText(text);
      } catch (err) {
        return err as ProblemError;
      }
      throw new Error("did not throw");
    };
    expect(thrown('{"a":').code).toBe("malformed_json");
    expect(thrown('{"a":"\u0000"}').code).toBe("malformed_json"); // a raw control character is not JSON
    const p = thrown('{"a":"\\ud800"}');
    expect([p.status, p.code, p.errors?.[0]?.path]).toEqual([422, "invalid_characters", "a"]);
  });
});
