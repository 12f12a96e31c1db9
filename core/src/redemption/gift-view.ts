import type { Database } from "../platform/db/connect.ts";
import { choicesForOffers, type Choice } from "../storefronts/offer-choices.ts";

/** What a recipient sees of their gift. */
export interface GiftView {
  status: string;
  brand: { name: string; primaryColor: string; accentColor: string };
  recipientName: string;
  senderName: string | null;
  message: string | null;
  offerName: string;
  expiresAt: string;
  choices: Choice[];
  shipsTo: string[] | "anywhere";
  redemption: {
    redeemedAt: string;
    choice: Choice | null;
    shippingAddress: unknown;
    tracking: { carrier: string | null; number: string | null; url: string | null } | null;
  } | null;
}

export async function giftView(db: Database, unitId: string, now = new Date()): Promise<GiftView | undefined> {
  const unit = await db.prisma.fulfillmentUnit.findUnique({ where: { id: unitId }, include: { order: true } });
  if (!unit) return undefined;
  const [storefront, offer, rules] = await Promise.all([
    db.prisma.storefront.findUniqueOrThrow({ where: { id: unit.order.storefrontId }, include: { vendor: true } }),
    db.prisma.giftOffer.findUniqueOrThrow({ where: { id: unit.offerId } }),
    db.prisma.shippingRule.findMany({ where: { vendorId: unit.vendorId } }),
  ]);
  const frozen = new Set(unit.choices as string[]);
  const all = (await choicesForOffers(db, [unit.offerId])).get(unit.offerId) ?? [];
  const choices = all.filter((c) => frozen.has(c.variantId));
  const chosen = unit.chosenVariantId ? (all.find((c) => c.variantId === unit.chosenVariantId) ?? null) : null;
  const countries = rules.map((r) => r.country);
  const status = unit.status === "issued" || unit.status === "sent" ? (unit.expiresAt <= now ? "expired" : "available") : unit.status;
  return {
    status,
    brand: { name: storefront.vendor.name, primaryColor: storefront.primaryColor, accentColor: storefront.accentColor },
    recipientName: unit.recipientName,
    senderName: unit.order.senderName,
    message: unit.message,
    offerName: offer.name,
    expiresAt: unit.expiresAt.toISOString(),
    choices,
    shipsTo: countries.includes("*") ? "anywhere" : countries.sort(),
    redemption: unit.redeemedAt
      ? {
          redeemedAt: unit.redeemedAt.toISOString(),
          choice: chosen,
          shippingAddress: unit.shippingAddress,
          tracking: unit.trackingNumber ? { carrier: unit.trackingCarrier, number: unit.trackingNumber, url: unit.trackingUrl } : null,
        }
      : null,
  };
}
