import { z } from "zod";
import { defineJob } from "../jobs/registry.ts";
import { unitLifecycle } from "../platform/lifecycle/lifecycles.ts";
import { sendGiftEmail } from "./gift-email.content.ts";
import { scheduleFirstReminder } from "../reminders/reminders.jobs.ts";
import { isOnHold, orderOnHoldNow } from "../orders/order-hold.ts";

/** The gift email's job key, also the email's idempotency key: one gift email per unit. */
export const giftEmailKey = (unitId: string) => `unit:${unitId}:gift-email`;
/** `giftEmailKey` in SQL, over an SQL expression that gives the unit id. */
export const giftEmailKeySql = (unitIdSql: string) => `'unit:' || ${unitIdSql} || ':gift-email'`;

/**
 * Sends one recipient's gift email (brand, message, button link, QR code) and marks the
 * unit sent. Runs at the unit's send date. Held while the payment is disputed (the order is on
 * hold: orders/order-hold.ts), and sent by the dispute's close if it is won. A retry after a
 * send whose bookkeeping failed sends the same message again (same Message-ID, so mail
 * systems can tell) rather than risk not sending it.
 */
export const giftEmailJob = defineJob({
  type: "fulfillment.send_gift_email",
  schema: z.object({ unitId: z.uuid() }),
  maxAttempts: 8,
  backoff: { baseMs: 30_000, maxMs: 60 * 60_000 },
  async handler({ unitId }, ctx) {
    const { db } = ctx.deps;
    const unit = await db.prisma.fulfillmentUnit.findUnique({ where: { id: unitId }, include: { order: true } });
    if (!unit || unit.status !== "issued") return; // gone, sent already, or canceled meanwhile
    // Held while the payment is disputed; the dispute's close sends it (dispute-hold.ts).
    if (isOnHold(unit.order) && (await orderOnHoldNow(db, unit.orderId))) {
      ctx.log.warn({ unit: unitId }, "payment disputed: gift email held");
      return;
    }
    await sendGiftEmail(ctx.deps, unit.id, "gift", giftEmailKey(unit.id));
    await db.prisma.$transaction(async (tx) => {
      await unitLifecycle.transition(tx, {
        id: unit.id,
        to: "sent",
        expectedVersion: unit.version,
        actor: "system",
        reason: "gift email sent",
        set: { sent_at: new Date() },
      });
      // From now on the recipient may be reminded (reminders/).
      await scheduleFirstReminder(tx, unit.id);
    });
  },
});
