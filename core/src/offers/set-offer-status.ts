import type { Database } from "../platform/db/connect.ts";
import { ProblemError } from "../http/problem.ts";
import { validateOfferItems } from "./offer-items.ts";
import { offerNotFound, versionConflict, type Actor } from "./offer-rules.ts";

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
  db: Database,
  vendorId: string,
  offerId: string,
  change: { status: Exclude<OfferStatus, "draft">; version: number },
  by: Actor,
): Promise<void> {
  const current = await db.prisma.giftOffer.findFirst({ where: { id: offerId, vendorId }, include: { items: true } });
  if (!current) throw offerNotFound();
  if (current.version !== change.version) throw versionConflict(current.version);
  if (current.status === change.status) return;
  if (!allowed[current.status].includes(change.status)) {
    throw new ProblemError(409, "invalid_transition", {
      detail: `An offer that is ${current.status} cannot become ${change.status}.`,
      extensions: { from: current.status, to: change.status },
    });
  }
  if (change.status === "active") {
    await validateOfferItems(db, vendorId, current.kind, current.items.map((i) => ({ productId: i.productId, variantId: i.variantId ?? undefined })));
  }
  await db.prisma.$transaction(async (tx) => {
    const updated = await tx.giftOffer.updateMany({
      where: { id: offerId, vendorId, version: change.version },
      data: { status: change.status, version: { increment: 1 } },
    });
    if (updated.count !== 1) throw versionConflict(change.version + 1);
    await tx.auditLog.create({
      data: {
        vendorId,
        actor: by.actor,
        action: `offer.${change.status}`,
        entity: "gift_offer",
        entityId: offerId,
        requestId: by.requestId ?? null,
        data: { from: current.status, to: change.status },
      },
    });
  });
}
