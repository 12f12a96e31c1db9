import { describe, expect, it } from "vitest";
import { type GiftUnit, type GiftUnitStatus, summarizeGiftUnits } from "./unit-summary.ts";

const units = (spec: Partial<Record<GiftUnitStatus, number>>): GiftUnit[] =>
  Object.entries(spec).flatMap(([status, n]) =>
    Array.from({ length: n }, () => ({ status: status as GiftUnitStatus })),
  );

describe("summarizeGiftUnits", () => {
  it("counts redeemed units (any state after redemption) in the headline", () => {
    const s = summarizeGiftUnits(
      units({ delivered: 2, awaiting_redemption: 5, shipped: 3, redeemed: 1, ordered: 1 }),
    );
    expect(s.total).toBe(12);
    expect(s.headline).toBe("7 of 12 gifts redeemed");
    expect(s.tone).toBe("info");
  });

  it("lists non-empty states in lifecycle order, whatever the input order", () => {
    const s = summarizeGiftUnits(units({ delivered: 2, awaiting_redemption: 5, shipped: 3 }));
    expect(s.lines.map((l) => l.label)).toEqual([
      "5 awaiting redemption",
      "3 shipped",
      "2 delivered",
    ]);
  });

  it("chooses the tone by the worst news", () => {
    expect(summarizeGiftUnits(units({ delivered: 4 })).tone).toBe("success");
    expect(summarizeGiftUnits(units({ delivered: 3, expired: 1 })).tone).toBe("warning");
    expect(summarizeGiftUnits(units({ delivered: 3, cancelled: 1 })).tone).toBe("warning");
    expect(summarizeGiftUnits(units({ delivered: 3, expired: 1, failed: 1 })).tone).toBe("critical");
  });

  it("reads well for one gift and for none", () => {
    expect(summarizeGiftUnits(units({ awaiting_redemption: 1 })).headline).toBe("0 of 1 gift redeemed");
    const empty = summarizeGiftUnits([]);
    expect(empty).toEqual({ total: 0, headline: "No gift units on this order", lines: [], tone: "info" });
  });
});
