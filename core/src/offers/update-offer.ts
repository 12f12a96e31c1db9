import { refuse, refusedIn, RefusedInTransaction, type Outcome, type VendorContext } from "../platform/use-case.ts";
import type { UpdateOfferInput } from "./offer-input.schema.ts";
import { validateOfferItems } from "./offer-items.ts";
import { checkOfferFields, offerNotFound, versionConflict, type OfferRefusal } from "./offer-rules.ts";

/**
 * Changes an offer's fields and/or items, if nobody changed it since `input.version` was
 * read (optimistic lock; `version_conflict` otherwise). Orders already paid keep the choices
 * frozen on their units, so editing an offer never changes a gift someone has been sent.
 */
export async function updateOffer(ctx: VendorContext, offerId: string, input: UpdateOfferInput): Promise<Outcome<object, OfferRefusal>> {
  const { db } = ctx;
  const { vendorId } = ctx.tenant;
  const current = await db.prisma.giftOffer.findFirst({ where: { id: offerId, vendorId }, include: { items: true, vendor: { select: { currency: true } } } });
  if (!current) return offerNotFound();
  if (current.version !== input.version) return versionConflict(current.version);
  if (current.status === "archived") return refuse("offer_archived", "Archived offers cannot be edited.");
  const next = {
    kind: input.kind ?? current.kind,
    currency: input.currency ?? current.currency,
    startsAt: input.startsAt === undefined ? current.startsAt : input.startsAt ? new Date(input.startsAt) : null,
    endsAt: input.endsAt === undefined ? current.endsAt : input.endsAt ? new Date(input.endsAt) : null,
  };
  const invalid = checkOfferFields(next, current.vendor.currency);
  if (invalid) return invalid;
  const items = input.items ?? current.items.map((i) => ({ productId: i.productId, variantId: i.variantId ?? undefined }));
  if (input.items || input.kind) {
    const checked = await validateOfferItems(db, vendorId, next.kind, items);
    if (!checked.ok) return checked;
  }

  return refusedIn(() =>
    db.prisma.$transaction(async (tx) => {
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
      if (updated.count !== 1) throw new RefusedInTransaction(versionConflict(input.version + 1));
      if (input.items) {
        await tx.giftOfferItem.deleteMany({ where: { offerId } });
        await tx.giftOfferItem.createMany({
          data: input.items.map((it, position) => ({ offerId, productId: it.productId, variantId: it.variantId ?? null, position })),
        });
      }
      await tx.auditLog.create({
        data: { vendorId, actor: ctx.actor, action: "offer.updated", entity: "gift_offer", entityId: offerId, requestId: ctx.requestId ?? null },
      });
      return { ok: true as const };
    }),
  );
}
