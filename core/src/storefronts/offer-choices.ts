import { statement, type Database } from "../platform/db/connect.ts";

/** One thing a recipient can pick: a variant, with what a person needs to choose it. */
export interface Choice {
  variantId: string;
  productId: string;
  productTitle: string;
  variantTitle: string;
  options: Array<{ name: string; value: string }>;
  imageUrl: string | null;
  /** Units available to gifts now; null when the brand does not track inventory. */
  available: number | null;
}

/**
 * What a recipient may choose, in SQL, for `choicesForOffers` and for the recipient's view
 * built in the database (gift-view.ts): the rows (aliases `i` offer item, `p` product, `v`
 * variant) of the offers `offerFilter` selects, their order, each choice's image and stock.
 * An item naming a variant gives that variant; an item naming a product gives each of its
 * giftable variants; deleted or non-giftable rows are left out.
 */
export const choiceRows = (offerFilter: string) => `FROM gift_offer_item i
   JOIN product p ON p.id = i.product_id
   JOIN variant v ON v.product_id = p.id AND (i.variant_id IS NULL OR v.id = i.variant_id)
   WHERE ${offerFilter}
     AND p.deleted_at IS NULL AND v.deleted_at IS NULL AND p.giftable AND v.giftable`;
export const CHOICE_ORDER = "i.offer_id, i.position, p.title, v.created_at, v.title";
/** The variant's own image, else its product's first. */
export const CHOICE_IMAGE = "COALESCE(v.image_url, (SELECT url FROM product_image pi WHERE pi.product_id = p.id ORDER BY position LIMIT 1))";
/** Units available to gifts now; NULL when the brand does not track the variant's inventory. */
export const CHOICE_AVAILABLE = "CASE WHEN v.inventory_tracked THEN GREATEST(v.inventory_quantity - v.inventory_reserved, 0) END";

/** Prepared: it runs on every storefront view and order split. */
const CHOICES = statement(
  `SELECT i.offer_id::text, v.id::text AS variant_id, p.id::text AS product_id, p.title AS product_title,
          v.title AS variant_title, v.selected_options AS options, ${CHOICE_IMAGE} AS image_url, ${CHOICE_AVAILABLE} AS available
   ${choiceRows("i.offer_id = ANY($1::uuid[])")}
   ORDER BY ${CHOICE_ORDER}`,
);

/** Expands offers' items into the variants a recipient may choose (see `choiceRows`). One query for any number of offers. */
export async function choicesForOffers(db: Database, offerIds: string[]): Promise<Map<string, Choice[]>> {
  const result = new Map<string, Choice[]>(offerIds.map((id) => [id, []]));
  if (offerIds.length === 0) return result;
  const rows = await db.sql.query<{
    offer_id: string;
    variant_id: string;
    product_id: string;
    product_title: string;
    variant_title: string;
    options: Array<{ name: string; value: string }>;
    image_url: string | null;
    available: number | null;
  }>(CHOICES, [offerIds]);
  for (const r of rows) {
    result.get(r.offer_id)?.push({
      variantId: r.variant_id,
      productId: r.product_id,
      productTitle: r.product_title,
      variantTitle: r.variant_title,
      options: r.options ?? [],
      imageUrl: r.image_url,
      available: r.available === null ? null : Number(r.available),
    });
  }
  return result;
}
