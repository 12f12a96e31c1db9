import type { Outcome, VendorContext } from "../platform/use-case.ts";
import type { CreateOfferInput } from "./offer-input.schema.ts";
import { validateOfferItems } from "./offer-items.ts";
import { checkOfferFields, type OfferRefusal } from "./offer-rules.ts";

/** Creates a gift offer (draft or active) from the brand's giftable catalog. */
export async function createOffer(ctx: VendorContext, input: CreateOfferInput): Promise<Outcome<{ offerId: string }, OfferRefusal>> {
  const { db } = ctx;
  const { vendorId } = ctx.tenant;
  const vendor = await db.prisma.vendor.findUniqueOrThrow({ where: { id: vendorId }, select: { currency: true, defaultExpiryDays: true } });
  const startsAt = input.startsAt ? new Date(input.startsAt) : null;
  const endsAt = input.endsAt ? new Date(input.endsAt) : null;
  const invalid = checkOfferFields({ currency: input.currency, startsAt, endsAt }, vendor.currency);
  if (invalid) return invalid;
  const items = await validateOfferItems(db, vendorId, input.kind, input.items);
  if (!items.ok) return items;
  const offerId = await db.prisma.$transaction(async (tx) => {
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
      data: { vendorId, actor: ctx.actor, action: "offer.created", entity: "gift_offer", entityId: offer.id, requestId: ctx.requestId ?? null },
    });
    return offer.id;
  });
  return { ok: true, offerId };
}
