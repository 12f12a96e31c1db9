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
  /** False when no choice has stock left to promise: the offer is shown but cannot be ordered. */
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
  const promised = await promisedStock(db, sf.vendorId, [...choices.values()].flat());
  for (const list of choices.values()) {
    for (const c of list) {
      const n = promised.get(c.variantId);
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
      return {
        id: offer.id,
        name: offer.name,
        description: offer.description,
        kind: offer.kind,
        price: { amount: priceOverrideAmount ?? offer.priceAmount, currency: offer.currency },
        expiryDays: offer.expiryDays,
        choices: c,
        orderable: c.some((x) => x.available === null || x.available > 0),
      };
    }),
  };
}

/**
 * Stock already promised to paid gifts that can only become one item: gifts not yet
 * redeemed (issued, sent) nor expired whose frozen choices are a single variant (a
 * single-item offer, or a choice that had one option left when it was paid). Each will take
 * one of that variant when redeemed, so a buyer is not offered it again: 100 mugs in stock
 * and 100 mug gifts waiting leave none for the next order, whose recipients would otherwise
 * find it sold out and the buyer's money held until the gifts expired. Recipients' choices
 * among several items are not counted: which item they will take is not known. Redeemed
 * gifts already hold their item in `inventory_reserved`. Tracked variants only.
 */
export async function promisedStock(db: Database, vendorId: string, choices: Array<{ variantId: string; available: number | null }>): Promise<Map<string, number>> {
  const tracked = [...new Set(choices.filter((c) => c.available !== null).map((c) => c.variantId))];
  if (tracked.length === 0) return new Map();
  const rows = await db.sql.query<{ variant_id: string; n: number }>(
    `SELECT u.choices->>0 AS variant_id, count(*)::int AS n
     FROM fulfillment_unit u
     WHERE u.vendor_id = $1::uuid AND u.status IN ('issued', 'sent') AND u.expires_at > now()
       AND jsonb_array_length(u.choices) = 1 AND u.choices->>0 = ANY ($2::text[])
     GROUP BY 1`,
    [vendorId, tracked],
  );
  return new Map(rows.map((r) => [r.variant_id, r.n]));
}
