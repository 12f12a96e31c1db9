import type { Database } from "../platform/db/connect.ts";
import { choicesForOffers, type Choice } from "./offer-choices.ts";

/**
 * What a buyer sees of a brand's storefront: branding, and the offers on sale now with the
 * storefront's price, each with its choices. Undefined when the storefront does not exist,
 * is switched off, or its brand uninstalled the app.
 */
export interface OfferView {
  id: string;
  name: string;
  description: string;
  kind: "single" | "choice";
  price: { amount: number; currency: string };
  expiryDays: number;
  choices: Choice[];
  /** False when no choice has stock left: the offer is shown but cannot be ordered. */
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
