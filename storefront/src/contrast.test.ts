import { describe, expect, it } from "vitest";
import { brandTheme, contrastRatio, DARK_INK, readableOn, relativeLuminance, WHITE_INK } from "./contrast.ts";

describe("brand ink by contrast (WCAG 2)", () => {
  it("computes relative luminance and contrast as WCAG defines them", () => {
    expect(relativeLuminance("#000000")).toBe(0);
    expect(relativeLuminance("#ffffff")).toBe(1);
    expect(contrastRatio("#000", "#fff")).toBe(21);
    expect(contrastRatio("#767676", "#ffffff")).toBeCloseTo(4.54, 2);
  });

  it("puts dark ink on light colours and white ink on dark ones", () => {
    expect(readableOn("#f7e463")).toBe(DARK_INK); // pale yellow
    expect(readableOn("#ffc0cb")).toBe(DARK_INK); // pink
    expect(readableOn("#00ff00")).toBe(DARK_INK); // bright green: white would be 1.4:1
    expect(readableOn("#1a1a1a")).toBe(WHITE_INK);
    expect(readableOn("#008060")).toBe(WHITE_INK);
    expect(readableOn("#0f766e")).toBe(WHITE_INK);
    expect(readableOn("not a colour")).toBe(WHITE_INK);
  });

  it("uses a light accent as text or a selection border only where it contrasts with the page", () => {
    expect(brandTheme("#f7e463", "#ffc0cb")).toMatchObject({ "--brand-ink": DARK_INK, "--accent-ink": DARK_INK, "--accent-text": DARK_INK, "--accent-line": DARK_INK });
    expect(brandTheme("#1a1a1a", "#0f766e")).toMatchObject({ "--brand-ink": WHITE_INK, "--accent-text": "#0f766e", "--accent-line": "#0f766e" });
  });
});
