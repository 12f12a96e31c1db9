import type { Choice } from "./gift-types.ts";

/** One product a recipient can pick, with its option axes (e.g. Size: S, M, L). */
export interface ProductChoice {
  productId: string;
  title: string;
  imageUrl: string | null;
  variants: Choice[];
  /** Option names in order, with their values in the order the variants list them. */
  axes: Array<{ name: string; values: string[] }>;
  /** True when at least one variant can be chosen. */
  inStock: boolean;
}

export const isAvailable = (c: Choice): boolean => c.available === null || c.available > 0;

/** Groups a gift's variants by product, keeping the order the brand gave. */
export function groupChoices(choices: Choice[]): ProductChoice[] {
  const byProduct = new Map<string, ProductChoice>();
  for (const c of choices) {
    let p = byProduct.get(c.productId);
    if (!p) {
      p = { productId: c.productId, title: c.productTitle, imageUrl: c.imageUrl, variants: [], axes: [], inStock: false };
      byProduct.set(c.productId, p);
    }
    p.variants.push(c);
    p.inStock ||= isAvailable(c);
    for (const o of c.options) {
      let axis = p.axes.find((a) => a.name === o.name);
      if (!axis) p.axes.push((axis = { name: o.name, values: [] }));
      if (!axis.values.includes(o.value)) axis.values.push(o.value);
    }
  }
  return [...byProduct.values()];
}

/** The variant matching every selected option, if there is one. */
export function findVariant(product: ProductChoice, selected: Record<string, string>): Choice | undefined {
  return product.variants.find((v) => v.options.every((o) => selected[o.name] === o.value));
}

/**
 * Whether picking `value` for `axis`, keeping the other selections, leads to a variant in
 * stock (so sold-out combinations can be shown as such before the recipient picks them).
 */
export function valueAvailable(product: ProductChoice, selected: Record<string, string>, axis: string, value: string): boolean {
  return product.variants.some(
    (v) =>
      isAvailable(v) &&
      v.options.every((o) => (o.name === axis ? o.value === value : selected[o.name] === undefined || selected[o.name] === o.value)),
  );
}

/** A first selection: the first variant in stock (or the first variant). */
export function initialSelection(product: ProductChoice): Record<string, string> {
  const v = product.variants.find(isAvailable) ?? product.variants[0];
  return Object.fromEntries((v?.options ?? []).map((o) => [o.name, o.value]));
}
