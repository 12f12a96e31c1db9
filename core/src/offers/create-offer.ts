import type { Database } from "../platform/db/connect.ts";
import type { CreateOfferInput } from "./offer-input.schema.ts";
import { validateOfferItems } from "./offer-items.ts";
import { checkOfferFields, type Actor } from "./offer-rules.ts";

/** Creates a gift offer (draft or active) from the brand's giftable catalog. Returns its id. */
export async function createOffer(db: Database, vendorId: string, input: CreateOfferInput, by: Actor): Promise<string> {
  const vendor = await db.prisma.vendor.findUniqueOrThrow({ where: { id: vendorId }, select: { currency: true, defaultExpiryDays: true } });
  const startsAt = input.startsAt ? new Date(input.startsAt) : null;
  const endsAt = input.endsAt ? new Date(input.endsAt) : null;
  checkOfferFields({ currency: input.currency, startsAt, endsAt }, vendor.currency);
  await validateOfferItems(db, vendorId, input.kind, input.items);
  return db.prisma.$transaction(async (tx) => {
    const offer = await tx.giftOffer.create({
      data: {
        vendorId,
        name: input.name,
        description: input.description,
        kind: input.kind,
        status: input.status,
        priceAmount: input.priceAmount,
        currency: input.currency,
        startsAt,
        endsAt,
        expiryDays: input.expiryDays ?? vendor.defaultExpiryDays,
        items: { create: input.items.map((it, position) => ({ productId: it.productId, variantId: it.variantId ?? null, position })) },
      },
    });
    await tx.auditLog.create({
      data: { vendorId, actor: by.actor, action: "offer.created", entity: "gift_offer", entityId: offer.id, requestId: by.requestId ?? null },
    });
    return offer.id;
  });
}
