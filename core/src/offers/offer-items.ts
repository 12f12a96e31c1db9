import type { Database } from "../platform/db/connect.ts";
import type { FieldError } from "../platform/field-error.ts";
import { refuse, type Refusal } from "../platform/use-case.ts";

export interface OfferItemRef {
  productId: string;
  variantId?: string | undefined;
}

const fieldError = (path: string, code: string, message: string): FieldError => ({
  in: "body",
  path,
  pointer: `/${path.replace(/\./g, "/")}`,
  code,
  message,
});

/**
 * Checks an offer's items against the brand's own catalog mirror (tenancy: only this
 * vendor's rows are looked at) and the offer kind: every product exists, is not deleted and
 * is giftable; every variant belongs to its product; no variant is listed twice (a variant
 * item beside its whole product). A single-item offer is one product: every recipient gets
 * it and picks among its giftable variants (all of them when the item names no variant, or
 * the variants the brand listed); a recipient's-choice offer gives at least two variants.
 * All problems are reported at once (refusal `invalid_offer_items`). Returns the number of
 * choices a recipient will see.
 */
export async function validateOfferItems(
  db: Database,
  vendorId: string,
  kind: "single" | "choice",
  items: OfferItemRef[],
): Promise<{ ok: true; choices: number } | Refusal<"invalid_offer_items">> {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  items.forEach((it, i) => {
    const key = `${it.productId}/${it.variantId ?? "*"}`;
    if (seen.has(key)) errors.push(fieldError(`items.${i}`, "duplicate_item", "This item is listed twice."));
    seen.add(key);
  });
  const productIds = [...new Set(items.map((i) => i.productId))];
  const rows = await db.sql.query<{ product_id: string; giftable: boolean; variant_id: string | null; variant_giftable: boolean | null }>(
    `SELECT p.id::text AS product_id, p.giftable, v.id::text AS variant_id, v.giftable AS variant_giftable
     FROM product p LEFT JOIN variant v ON v.product_id = p.id AND v.deleted_at IS NULL
     WHERE p.vendor_id = $1 AND p.id = ANY($2::uuid[]) AND p.deleted_at IS NULL`,
    [vendorId, productIds],
  );
  const products = new Map<string, { giftable: boolean; variants: Map<string, boolean> }>();
  for (const r of rows) {
    const p = products.get(r.product_id) ?? { giftable: r.giftable, variants: new Map() };
    if (r.variant_id) p.variants.set(r.variant_id, r.variant_giftable ?? false);
    products.set(r.product_id, p);
  }
  const wholeProducts = new Set(items.filter((it) => !it.variantId).map((it) => it.productId));
  const chosen = new Set<string>();
  items.forEach((it, i) => {
    const p = products.get(it.productId);
    if (!p) return errors.push(fieldError(`items.${i}.productId`, "unknown_product", "No product of this brand has this id."));
    if (!p.giftable) return errors.push(fieldError(`items.${i}.productId`, "product_not_giftable", "Mark the product giftable first."));
    if (it.variantId) {
      if (!p.variants.has(it.variantId)) {
        return errors.push(fieldError(`items.${i}.variantId`, "unknown_variant", "This product has no variant with this id."));
      }
      if (!p.variants.get(it.variantId)) {
        return errors.push(fieldError(`items.${i}.variantId`, "variant_not_giftable", "This variant is not giftable."));
      }
      if (wholeProducts.has(it.productId)) {
        return errors.push(fieldError(`items.${i}.variantId`, "variant_in_whole_product", "The whole product is offered already, with this variant among its choices."));
      }
      chosen.add(it.variantId);
    } else {
      for (const [id, giftable] of p.variants) if (giftable) chosen.add(id);
    }
  });
  const choices = chosen.size;
  if (!errors.length && kind === "single") {
    if (productIds.length > 1) {
      errors.push(fieldError("items", "single_needs_one_product", `A single-item offer gives one product; these items name ${productIds.length}. Keep one, or make it a recipient's choice.`));
    } else if (choices === 0) {
      errors.push(fieldError("items", "no_giftable_variant", "None of this product's variants is giftable."));
    }
  }
  if (!errors.length && kind === "choice" && choices < 2) {
    errors.push(fieldError("items", "choice_needs_two", "A recipient's-choice offer needs at least two variants to choose from."));
  }
  if (errors.length) return refuse("invalid_offer_items", "Some offer items cannot be used; see errors.", { errors });
  return { ok: true, choices };
}
