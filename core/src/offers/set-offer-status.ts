import { refuse, refusedIn, RefusedInTransaction, type Outcome, type VendorContext } from "../platform/use-case.ts";
import { validateOfferItems } from "./offer-items.ts";
import { offerNotFound, versionConflict, type OfferRefusal } from "./offer-rules.ts";

type OfferStatus = "draft" | "active" | "paused" | "archived";

const allowed: Record<OfferStatus, OfferStatus[]> = {
  draft: ["active", "archived"],
  active: ["paused", "archived"],
  paused: ["active", "archived"],
  archived: [],
};

/**
 * Publishes, pauses, resumes or archives an offer (optimistic lock on `version`). Pausing
 * takes it off storefronts at once; gifts already paid for are not affected. Publishing
 * re-checks its items against the catalog as it is now.
 */
export async function setOfferStatus(
  ctx: VendorContext,
  offerId: string,
  change: { status: Exclude<OfferStatus, "draft">; version: number },
): Promise<Outcome<object, OfferRefusal>> {
  const { db } = ctx;
  const { vendorId } = ctx.tenant;
  const current = await db.prisma.giftOffer.findFirst({ where: { id: offerId, vendorId }, include: { items: true } });
  if (!current) return offerNotFound();
  if (current.version !== change.version) return versionConflict(current.version);
  if (current.status === change.status) return { ok: true };
  if (!allowed[current.status].includes(change.status)) {
    return refuse("invalid_transition", `An offer that is ${current.status} cannot become ${change.status}.`, { facts: { from: current.status, to: change.status } });
  }
  if (change.status === "active") {
    const checked = await validateOfferItems(db, vendorId, current.kind, current.items.map((i) => ({ productId: i.productId, variantId: i.variantId ?? undefined })));
    if (!checked.ok) return checked;
  }
  return refusedIn(() =>
    db.prisma.$transaction(async (tx) => {
      const updated = await tx.giftOffer.updateMany({
        where: { id: offerId, vendorId, version: change.version },
        data: { status: change.status, version: { increment: 1 } },
      });
      if (updated.count !== 1) throw new RefusedInTransaction(versionConflict(change.version + 1));
      await tx.auditLog.create({
        data: {
          vendorId,
          actor: ctx.actor,
          action: `offer.${change.status}`,
          entity: "gift_offer",
          entityId: offerId,
          requestId: ctx.requestId ?? null,
          data: { from: current.status, to: change.status },
        },
      });
      return { ok: true as const };
    }),
  );
}
