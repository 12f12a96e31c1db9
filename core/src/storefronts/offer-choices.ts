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

/** Prepared: it runs on every recipient page view (see gift-view.ts) and storefront view. */
const CHOICES = statement(
  `SELECT i.offer_id::text, v.id::text AS variant_id, p.id::text AS product_id, p.title AS product_title,
        v.title AS variant_title, v.selected_options AS options, v.image_url AS variant_image,
        (SELECT url FROM product_image pi WHERE pi.product_id = p.id ORDER BY position LIMIT 1) AS product_image,
        v.inventory_tracked AS tracked, GREATEST(v.inventory_quantity - v.inventory_reserved, 0) AS available
   FROM gift_offer_item i
   JOIN product p ON p.id = i.product_id
   JOIN variant v ON v.product_id = p.id AND (i.variant_id IS NULL OR v.id = i.variant_id)
   WHERE i.offer_id = ANY($1::uuid[])
     AND p.deleted_at IS NULL AND v.deleted_at IS NULL AND p.giftable AND v.giftable
   ORDER BY i.offer_id, i.position, p.title, v.created_at, v.title`,
);

/**
 * Expands offers' items into the variants a recipient may choose: an item naming a variant
 * gives that variant; an item naming a product gives each of its giftable variants. Deleted
 * or non-giftable rows are left out. One query for any number of offers.
 */
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
    variant_image: string | null;
    product_image: string | null;
    tracked: boolean;
    available: number;
  }>(
    CHOICES,
    [offerIds],
  );
  for (const r of rows) {
    result.get(r.offer_id)?.push({
      variantId: r.variant_id,
      productId: r.product_id,
      productTitle: r.product_title,
      variantTitle: r.variant_title,
      options: r.options ?? [],
      imageUrl: r.variant_image ?? r.product_image,
      available: r.tracked ? Number(r.available) : null,
    });
  }
  return result;
}
