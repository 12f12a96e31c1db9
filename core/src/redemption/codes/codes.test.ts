import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../platform/config.ts";
import { SecretDecryptError } from "../../platform/secrets/key-provider.ts";
import { createSecretBox } from "../../platform/secrets/secret-box.ts";
import type { SecretBox } from "../../platform/secrets/secrets.ts";
import {
  CODE_ALPHABET,
  CODE_ENTROPY_BITS,
  CODE_LENGTH,
  codeLookupHash,
  formatCode,
  generateCode,
  giftLinkUrl,
  normalizeCode,
  openCode,
  parseCode,
  sealCode,
  sealCodes,
} from "./codes.ts";

const CODE_SHAPE = /^[0-9A-HJKMNP-TV-Z]{15}$/;

/** A code with one character replaced by another alphabet character. */
function substitute(code: string, at: number, shift: number): string {
  const next = CODE_ALPHABET[(CODE_ALPHABET.indexOf(code[at]!) + shift) % 32]!;
  return code.slice(0, at) + next + code.slice(at + 1);
}

describe("generateCode", () => {
  it("meets DESIGN §6: at least 60 random bits, an unambiguous alphabet", () => {
    expect(CODE_ENTROPY_BITS).toBeGreaterThanOrEqual(60);
    expect(CODE_ALPHABET).toHaveLength(32);
    expect(new Set(CODE_ALPHABET).size).toBe(32);
    for (const c of "ILOU") expect(CODE_ALPHABET).not.toContain(c);
  });

  it("makes 15-character codes from the alphabet that pass their own check", () => {
    for (let i = 0; i < 2000; i++) {
      const code = generateCode();
      expect(code).toMatch(CODE_SHAPE);
      expect(code).toHaveLength(CODE_LENGTH);
      expect(normalizeCode(code)).toBe(code);
    }
  });

  it("has no duplicates in 100 000 codes", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(generateCode());
    expect(seen.size).toBe(100_000);
  });

  it("uses every symbol evenly at every random position (chi-square, 31 degrees of freedom)", () => {
    const n = 32_000;
    const counts = Array.from({ length: 14 }, () => new Array<number>(32).fill(0));
    for (let i = 0; i < n; i++) {
      const code = generateCode();
      for (let p = 0; p < 14; p++) counts[p]![CODE_ALPHABET.indexOf(code[p]!)]!++;
    }
    const expected = n / 32;
    for (const row of counts) {
      const chi2 = row.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
      // P(chi2 > 80) with 31 d.f. is about 3e-6: a broken generator (a stuck bit, a biased
      // symbol) lands far beyond it.
      expect(chi2).toBeLessThan(80);
    }
  });
});

describe("parseCode / normalizeCode", () => {
  const code = generateCode();
  const grouped = formatCode(code);

  it.each([
    ["the code itself", code, code],
    ["grouped", grouped, code],
    ["lower case", grouped.toLowerCase(), code],
    ["spaces instead of dashes", grouped.replaceAll("-", " "), code],
    ["surrounding and odd whitespace", `  ${code.slice(0, 5)}\u00a0${code.slice(5, 10)}\t${code.slice(10)} \n`, code],
    ["en dashes and dots", `${code.slice(0, 5)}–${code.slice(5, 10)}.${code.slice(10)}`, code],
    ["full-width characters", [...code].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join(""), code],
  ])("accepts %s", (_name, input, expected) => {
    expect(normalizeCode(input)).toBe(expected);
    expect(parseCode(input)).toEqual({ ok: true, code: expected });
  });

  it("maps Crockford look-alikes: O→0, I and L→1, U→V", () => {
    // A fixed code that contains 0, 1 and V, so each look-alike has something to stand for.
    const base = "01V" + generateCode().slice(3, 14);
    const check = [...CODE_ALPHABET].map((c) => base + c).find((candidate) => normalizeCode(candidate))!;
    expect(check).toBeDefined();
    for (const typed of ["OIV", "olv", "OLU", "0iu", "o1u"]) {
      expect(normalizeCode(typed + check.slice(3))).toBe(check);
    }
  });

  it.each([
    ["empty", "", "length"],
    ["too short", code.slice(0, 14), "length"],
    ["too long", code + "0", "length"],
    ["far too long", "A".repeat(10_000), "length"],
    ["a symbol outside the alphabet", `${code.slice(0, 14)}*`, "characters"],
    ["a non-Latin letter", `${code.slice(0, 14)}Ж`, "characters"],
  ])("rejects %s", (_name, input, reason) => {
    expect(normalizeCode(input)).toBeUndefined();
    expect(parseCode(input)).toEqual({ ok: false, reason });
  });

  it("rejects what is not a string", () => {
    for (const input of [undefined, null, 42, {}, [code]]) expect(normalizeCode(input)).toBeUndefined();
  });

  it("detects every single-character typo as a checksum failure", () => {
    for (let at = 0; at < CODE_LENGTH; at++) {
      for (let shift = 1; shift < 32; shift++) {
        expect(parseCode(substitute(code, at, shift))).toEqual({ ok: false, reason: "checksum" });
      }
    }
  });

  it("detects swapped neighbours and once-removed swaps", () => {
    for (let trial = 0; trial < 200; trial++) {
      const c = generateCode();
      for (let i = 0; i + 1 < CODE_LENGTH; i++) {
        for (const j of [i + 1, i + 2]) {
          if (j >= CODE_LENGTH || c[i] === c[j]) continue;
          const chars = [...c];
          [chars[i], chars[j]] = [chars[j]!, chars[i]!];
          expect(normalizeCode(chars.join(""))).toBeUndefined();
        }
      }
    }
  });
});

describe("formatCode", () => {
  it("shows three groups of five", () => {
    const code = generateCode();
    expect(formatCode(code)).toBe(`${code.slice(0, 5)}-${code.slice(5, 10)}-${code.slice(10)}`);
    expect(formatCode(formatCode(code).toLowerCase())).toBe(formatCode(code));
  });

  it("throws for something that is not a code", () => {
    expect(() => formatCode("hello")).toThrow(TypeError);
  });
});

describe("codeLookupHash", () => {
  const key = randomBytes(32);
  const code = generateCode();

  it("is hex HMAC-SHA256, stable for every way of writing the code", () => {
    const h = codeLookupHash(code, key);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(codeLookupHash(formatCode(code).toLowerCase(), key)).toBe(h);
    expect(codeLookupHash(code, Buffer.from(key))).toBe(h);
  });

  it("depends on the key and the code", () => {
    expect(codeLookupHash(code, randomBytes(32))).not.toBe(codeLookupHash(code, key));
    expect(codeLookupHash(generateCode(), key)).not.toBe(codeLookupHash(code, key));
  });

  it("refuses a short key and a non-code", () => {
    expect(() => codeLookupHash(code, randomBytes(16))).toThrow(/at least 32 bytes/);
    expect(() => codeLookupHash("nope", key)).toThrow(TypeError);
  });
});

describe("sealCode / openCode", () => {
  let dir: string;
  let box: SecretBox;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "giftloop-codes-"));
    box = createSecretBox(parseConfig({ NODE_ENV: "test", DATA_DIR: dir }));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("round-trips the compact code for the same unit", async () => {
    const code = generateCode();
    const sealed = await sealCode(box, formatCode(code), "unit_1");
    expect(sealed).not.toContain(code);
    expect(await openCode(box, sealed, "unit_1")).toBe(code);
  });

  it("does not open for another unit", async () => {
    const sealed = await sealCode(box, generateCode(), "unit_1");
    await expect(openCode(box, sealed, "unit_2")).rejects.toBeInstanceOf(SecretDecryptError);
  });

  it("seals an order's codes in one batch; each opens for its own unit only", async () => {
    const items = Array.from({ length: 20 }, (_, i) => ({ code: generateCode(), unitId: `unit_${i}` }));
    const sealed = await sealCodes(box, "order_1", items);
    expect(await Promise.all(sealed.map((v, i) => openCode(box, v, items[i]!.unitId)))).toEqual(items.map((i) => i.code));
    await expect(openCode(box, sealed[0]!, "unit_1")).rejects.toBeInstanceOf(SecretDecryptError);
  });

  it("seals each time differently", async () => {
    const code = generateCode();
    expect(await sealCode(box, code, "u")).not.toBe(await sealCode(box, code, "u"));
  });

  it("refuses a non-code and a missing unit id", async () => {
    await expect(sealCode(box, "nope", "u")).rejects.toThrow(TypeError);
    await expect(sealCode(box, generateCode(), "")).rejects.toThrow(/unitId/);
  });
});

describe("giftLinkUrl", () => {
  const code = generateCode();

  it("puts the compact code under /g/", () => {
    expect(giftLinkUrl("https://gifts.example.com", formatCode(code))).toBe(`https://gifts.example.com/g/${code}`);
    expect(giftLinkUrl("https://gifts.example.com/", code)).toBe(`https://gifts.example.com/g/${code}`);
    expect(giftLinkUrl("http://localhost:3000/shop//", code)).toBe(`http://localhost:3000/shop/g/${code}`);
  });

  it("refuses a bad base or code", () => {
    expect(() => giftLinkUrl("javascript:alert(1)", code)).toThrow(TypeError);
    expect(() => giftLinkUrl("not a url", code)).toThrow(TypeError);
    expect(() => giftLinkUrl("https://x.test/?a=1", code)).toThrow(TypeError);
    expect(() => giftLinkUrl("https://x.test", "nope")).toThrow(TypeError);
  });
});
