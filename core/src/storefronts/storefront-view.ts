import type { Database } from "../platform/db/connect.ts";
import { choicesForOffers, type Choice } from "./offer-choices.ts";

/**
 * What a buyer sees of a brand's storefront: branding, and the offers on sale now with the
 * storefront's price, each with its choices and the stock left to promise (see
 * `promisedStock`). Undefined when the storefront does not exist, is switched off, or its
 * brand uninstalled the app.
 */
export interface OfferView {
  id: string;
  name: string;
  description: string;
  kind: "single" | "choice";
  price: { amount: number; currency: string };
  expiryDays: number;
  choices: Choice[];
  /**
   * Gifts of this offer the brand can still promise: its choices' stock (each already less
   * what waiting gifts of that one variant will take) less the waiting gifts that will take
   * one of these choices (see `promisedStock`); null when a choice is not tracked (unlimited).
   */
  available: number | null;
  /** False when nothing is left to promise: the offer is shown but cannot be ordered. */
  orderable: boolean;
}

export interface StorefrontView {
  id: string;
  vendorId: string;
  slug: string;
  name: string;
  brandName: string;
  logoKey: string | null;
  primaryColor: string;
  accentColor: string;
  welcomeText: string;
  offers: OfferView[];
}

export async function storefrontView(db: Database, slug: string, now = new Date()): Promise<StorefrontView | undefined> {
  const sf = await db.prisma.storefront.findUnique({
    where: { slug },
    include: {
      vendor: true,
      offers: { include: { offer: true }, orderBy: { position: "asc" } },
    },
  });
  if (!sf || !sf.active || sf.vendor.status !== "active") return undefined;
  const live = sf.offers.filter(
    ({ offer }) =>
      offer.status === "active" && (!offer.startsAt || offer.startsAt <= now) && (!offer.endsAt || offer.endsAt > now),
  );
  const choices = await choicesForOffers(db, live.map((o) => o.offerId));
  const promised = await promisedStock(db, sf.vendorId, choices);
  for (const list of choices.values()) {
    for (const c of list) {
      const n = promised.byVariant.get(c.variantId);
      if (n && c.available !== null) c.available = Math.max(c.available - n, 0);
    }
  }
  return {
    id: sf.id,
    vendorId: sf.vendorId,
    slug: sf.slug,
    name: sf.name,
    brandName: sf.vendor.name,
    logoKey: sf.logoKey,
    primaryColor: sf.primaryColor,
    accentColor: sf.accentColor,
    welcomeText: sf.welcomeText,
    offers: live.map(({ offer, priceOverrideAmount }) => {
      const c = choices.get(offer.id) ?? [];
      const available = c.some((x) => x.available === null)
        ? null
        : Math.max(c.reduce((n, x) => n + (x.available ?? 0), 0) - (promised.byOffer.get(offer.id) ?? 0), 0);
      return {
        id: offer.id,
        name: offer.name,
        description: offer.description,
        kind: offer.kind,
        price: { amount: priceOverrideAmount ?? offer.priceAmount, currency: offer.currency },
        expiryDays: offer.expiryDays,
        choices: c,
        available,
        orderable: available === null || available > 0,
      };
    }),
  };
}

/**
 * Stock already promised to paid gifts not yet redeemed (issued, sent) nor expired: each
 * will take one of its frozen choices when redeemed, so a buyer is not offered that stock
 * again: 100 mugs in stock and 100 mug gifts waiting leave none for the next order, whose
 * recipients would otherwise find it sold out and the buyer's money held until the gifts
 * expired. Redeemed gifts already hold their item in `inventory_reserved`.
 *  - `byVariant`: gifts whose choices are one variant (a one-variant offer, or a choice that
 *    had one option left when it was paid), per variant: they take exactly that one;
 *  - `byOffer`: gifts choosing among several variants that are all among the offer's
 *    choices now (a single-item offer of a product in sizes; a recipient's choice), per
 *    offer: each takes one of the offer's units, which one is not known yet.
 * Tracked variants only; an offer with an untracked choice is unlimited anyway.
 */
export async function promisedStock(
  db: Database,
  vendorId: string,
  offers: Map<string, Array<{ variantId: string; available: number | null }>>,
): Promise<{ byVariant: Map<string, number>; byOffer: Map<string, number> }> {
  const all = [...offers.values()].flat();
  const tracked = [...new Set(all.filter((c) => c.available !== null).map((c) => c.variantId))];
  const groups = [...offers]
    .filter(([, list]) => list.length > 1 && list.every((c) => c.available !== null))
    .map(([offerId, list]) => ({ offer_id: offerId, variants: list.map((c) => c.variantId) }));
  if (tracked.length === 0) return { byVariant: new Map(), byOffer: new Map() };
  const rows = await db.sql.query<{ kind: "variant" | "offer"; id: string; n: number }>(
    `WITH waiting AS MATERIALIZED (
       SELECT u.choices FROM fulfillment_unit u
       WHERE u.vendor_id = $1::uuid AND u.status IN ('issued', 'sent') AND u.expires_at > now()
     )
     SELECT 'variant' AS kind, w.choices->>0 AS id, count(*)::int AS n
     FROM waiting w
     WHERE jsonb_array_length(w.choices) = 1 AND w.choices->>0 = ANY ($2::text[])
     GROUP BY 2
     UNION ALL
     SELECT 'offer', o.offer_id, count(*)::int
     FROM jsonb_to_recordset($3::jsonb) AS o(offer_id text, variants jsonb)
     JOIN waiting w ON jsonb_array_length(w.choices) > 1 AND w.choices <@ o.variants
     GROUP BY 2`,
    [vendorId, tracked, JSON.stringify(groups)],
  );
  const byVariant = new Map<string, number>();
  const byOffer = new Map<string, number>();
  for (const r of rows) (r.kind === "variant" ? byVariant : byOffer).set(r.id, r.n);
  return { byVariant, byOffer };
}
