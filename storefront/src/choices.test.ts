import { describe, expect, it } from "vitest";
import { findVariant, groupChoices, initialSelection, valueAvailable } from "./choices.ts";
import type { Choice } from "./gift-types.ts";

const v = (id: string, product: string, opts: Record<string, string>, available: number | null): Choice => ({
  variantId: id,
  productId: product,
  productTitle: product === "p1" ? "Hoodie" : "Notebook",
  variantTitle: Object.values(opts).join(" / "),
  options: Object.entries(opts).map(([name, value]) => ({ name, value })),
  imageUrl: null,
  available,
});

const choices = [
  v("a", "p1", { Size: "S", Color: "Navy" }, 0),
  v("b", "p1", { Size: "S", Color: "Sand" }, 3),
  v("c", "p1", { Size: "M", Color: "Navy" }, 0),
  v("d", "p1", { Size: "M", Color: "Sand" }, 0),
  v("e", "p2", { Color: "Black" }, null),
];

describe("recipient choices", () => {
  it("groups variants by product with their option axes in order", () => {
    const [hoodie, notebook] = groupChoices(choices);
    expect(hoodie).toMatchObject({ title: "Hoodie", inStock: true, axes: [{ name: "Size", values: ["S", "M"] }, { name: "Color", values: ["Navy", "Sand"] }] });
    expect(notebook).toMatchObject({ inStock: true, axes: [{ name: "Color", values: ["Black"] }] });
  });

  it("starts on the first variant in stock and finds variants by their options", () => {
    const [hoodie] = groupChoices(choices);
    expect(initialSelection(hoodie!)).toEqual({ Size: "S", Color: "Sand" });
    expect(findVariant(hoodie!, { Size: "M", Color: "Navy" })?.variantId).toBe("c");
    expect(findVariant(hoodie!, { Size: "XL", Color: "Navy" })).toBeUndefined();
  });

  it("marks option values that lead only to sold-out variants", () => {
    const [hoodie] = groupChoices(choices);
    expect(valueAvailable(hoodie!, { Size: "S", Color: "Sand" }, "Size", "M")).toBe(false); // M/Sand sold out
    expect(valueAvailable(hoodie!, { Size: "S", Color: "Sand" }, "Color", "Navy")).toBe(false); // S/Navy sold out
    expect(valueAvailable(hoodie!, { Size: "M", Color: "Navy" }, "Size", "S")).toBe(false); // S/Navy sold out
    expect(valueAvailable(hoodie!, {}, "Size", "S")).toBe(true);
    const untracked = groupChoices(choices)[1]!;
    expect(valueAvailable(untracked, {}, "Color", "Black")).toBe(true);
  });
});
