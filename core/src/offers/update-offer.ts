import type { Database } from "../platform/db/connect.ts";
import type { UpdateOfferInput } from "./offer-input.schema.ts";
import { validateOfferItems } from "./offer-items.ts";
import { ProblemError } from "../http/problem.ts";
import { checkOfferFields, offerNotFound, versionConflict, type Actor } from "./offer-rules.ts";

/**
 * Changes an offer's fields and/or items, if nobody changed it since `input.version` was
 * read (optimistic lock; 409 otherwise). Orders already paid keep the choices frozen on their
 * units, so editing an offer never changes a gift someone has been sent.
 */
export async function updateOffer(db: Database, vendorId: string, offerId: string, input: UpdateOfferInput, by: Actor): Promise<void> {
  const current = await db.prisma.giftOffer.findFirst({ where: { id: offerId, vendorId }, include: { items: true, vendor: { select: { currency: true } } } });
  if (!current) throw offerNotFound();
  if (current.version !== input.version) throw versionConflict(current.version);
  if (current.status === "archived") {
    throw new ProblemError(409, "offer_archived", "Archived offers cannot be edited.");
  }
  const next = {
    kind: input.kind ?? current.kind,
    currency: input.currency ?? current.currency,
    startsAt: input.startsAt === undefined ? current.startsAt : input.startsAt ? new Date(input.startsAt) : null,
    endsAt: input.endsAt === undefined ? current.endsAt : input.endsAt ? new Date(input.endsAt) : null,
  };
  checkOfferFields(next, current.vendor.currency);
  const items = input.items ?? current.items.map((i) => ({ productId: i.productId, variantId: i.variantId ?? undefined }));
  if (input.items || input.kind) await validateOfferItems(db, vendorId, next.kind, items);

  await db.prisma.$transaction(async (tx) => {
    const updated = await tx.giftOffer.updateMany({
      where: { id: offerId, vendorId, version: input.version },
      data: {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.priceAmount !== undefined ? { priceAmount: input.priceAmount } : {}),
        ...(input.expiryDays !== undefined ? { expiryDays: input.expiryDays } : {}),
        kind: next.kind,
        currency: next.currency,
        startsAt: next.startsAt,
        endsAt: next.endsAt,
        version: { increment: 1 },
      },
    });
    if (updated.count !== 1) throw versionConflict(input.version + 1);
    if (input.items) {
      await tx.giftOfferItem.deleteMany({ where: { offerId } });
      await tx.giftOfferItem.createMany({
        data: input.items.map((it, position) => ({ offerId, productId: it.productId, variantId: it.variantId ?? null, position })),
      });
    }
    await tx.auditLog.create({
      data: { vendorId, actor: by.actor, action: "offer.updated", entity: "gift_offer", entityId: offerId, requestId: by.requestId ?? null },
    });
  });
}
