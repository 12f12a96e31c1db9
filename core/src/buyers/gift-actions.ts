import { createHash } from "node:crypto";
import { z } from "zod";
import { defineJob } from "../jobs/registry.ts";
import type { Deps } from "../platform/deps.ts";
import { sendGiftEmail } from "../fulfillment/gift-email.content.ts";
import { giftEmailKey } from "../fulfillment/gift-email.jobs.ts";
import { setUnitRecipientEmail } from "../fulfillment/unit-recipient.ts";
import { setRecipientEmail } from "../orders/recipients.ts";
import type { UnitStatus } from "../platform/lifecycle/lifecycles.ts";
import type { BuyerContext } from "./buyer-context.ts";
import { crossTenantTransaction } from "../platform/db/tenant-scope.ts";

/**
 * What a buyer can do to one recipient's gift before it is redeemed, from the order page:
 * send the gift email again (at most once an hour per gift), and correct the recipient's email
 * (a gift already emailed is emailed again, to the new address; one not yet sent goes there at
 * its send date). The gift keeps its code and link.
 */
const RESENDABLE = new Set(["sent"]);
const CORRECTABLE = new Set<UnitStatus>(["issued", "sent"]);

export type GiftAction = { ok: true; status: string; email: string } | { ok: false; code: "not_found" | "not_resendable" | "already_redeemed" | "duplicate_email" | "on_hold" };

/** The gift, only through the buyer's own order (ctx.db reaches gifts through their orders). */
async function unitOf(ctx: BuyerContext, orderId: string, unitId: string) {
  return ctx.db.prisma.fulfillmentUnit.findFirst({ where: { id: unitId, orderId }, include: { order: true } });
}

const hourBucket = (now = Date.now()) => Math.floor(now / 3600_000);

export async function resendGiftEmail(ctx: BuyerContext, deps: Pick<Deps, "jobs">, orderId: string, unitId: string): Promise<GiftAction> {
  const unit = await unitOf(ctx, orderId, unitId);
  if (!unit) return { ok: false, code: "not_found" };
  if (unit.order.disputedAt && !unit.order.disputeClosedAt) return { ok: false, code: "on_hold" };
  if (!RESENDABLE.has(unit.status)) return { ok: false, code: "not_resendable" };
  const key = `${giftEmailKey(unit.id)}:resend:${hourBucket()}`;
  await deps.jobs.enqueue(ctx.db.prisma, resendGiftEmailJob, { unitId: unit.id, key }, { key });
  return { ok: true, status: unit.status, email: unit.recipientEmail };
}

export const RecipientEmail = z.string().trim().toLowerCase().pipe(z.email().max(320));

export async function correctRecipientEmail(ctx: BuyerContext, deps: Pick<Deps, "jobs">, orderId: string, unitId: string, email: string): Promise<GiftAction> {
  const unit = await unitOf(ctx, orderId, unitId);
  if (!unit) return { ok: false, code: "not_found" };
  if (!CORRECTABLE.has(unit.status)) return { ok: false, code: "already_redeemed" };
  const clash = await ctx.db.prisma.orderRecipient.findFirst({ where: { orderId, email, id: { not: unit.recipientId } } });
  if (clash) return { ok: false, code: "duplicate_email" };
  // The gift is the brand's row: the buyer reaches it through its own order, across tenants.
  return crossTenantTransaction(ctx.db.prisma, async (tx) => {
    // Only while still unredeemed, in the same statement that checks it.
    if (!(await setUnitRecipientEmail(tx, unit.id, [...CORRECTABLE], email))) return { ok: false, code: "already_redeemed" } as const;
    await setRecipientEmail(tx, unit.recipientId, email);
    await tx.auditLog.create({ data: { actor: ctx.actor, action: "unit.recipient_email_corrected", entity: "fulfillment_unit", entityId: unit.id, requestId: ctx.requestId ?? null } });
    if (unit.status === "sent") {
      const key = `${giftEmailKey(unit.id)}:to:${createHash("sha256").update(email).digest("hex").slice(0, 16)}`;
      await deps.jobs.enqueue(tx, resendGiftEmailJob, { unitId: unit.id, key }, { key });
    }
    return { ok: true, status: unit.status, email } as const;
  });
}

/** The gift email again, to the unit's current address, while it is still unredeemed. */
export const resendGiftEmailJob = defineJob({
  type: "buyers.resend_gift_email",
  schema: z.object({ unitId: z.uuid(), key: z.string().min(1).max(200) }),
  maxAttempts: 8,
  backoff: { baseMs: 30_000, maxMs: 60 * 60_000 },
  async handler({ unitId, key }, ctx) {
    const unit = await ctx.deps.db.prisma.fulfillmentUnit.findUnique({ where: { id: unitId } });
    if (!unit || !RESENDABLE.has(unit.status)) return;
    await sendGiftEmail(ctx.deps, unitId, "gift", key);
  },
});
