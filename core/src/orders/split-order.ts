import { randomUUID } from "node:crypto";
import type { Deps } from "../platform/deps.ts";
import { PermanentJobError } from "../jobs/registry.ts";
import { rawTx } from "../platform/lifecycle/lifecycle.ts";
import { orderLifecycle } from "../platform/lifecycle/lifecycles.ts";
import { codeLookupHash, generateCode, sealCodes } from "../redemption/codes/codes.ts";
import { choicesForOffers } from "../storefronts/offer-choices.ts";
import { giftEmailJob } from "../fulfillment/gift-email.jobs.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

export type SplitResult = { split: true; units: number } | { split: false; reason: "unknown_payment" | "already_split" | "not_payable" };

/**
 * On payment: the order becomes paid and, in the same transaction, one fulfillment unit
 * per recipient is created, each with its own items (the offer's choices, frozen now),
 * message, shipping method, expiry and redemption code; the gift emails are enqueued in
 * that transaction too, each for the recipient's send date. Running it again for the same
 * payment changes nothing.
 */
export async function splitOrder(
  deps: Pick<Deps, "db" | "jobs" | "secrets" | "codeKey">,
  payment: { paymentIntentId: string; amount: number; currency: string },
  now = new Date(),
): Promise<SplitResult> {
  // Read before the transaction: the choices query is not part of it (PGlite has one connection).
  const offerIds = await deps.db.sql.query<{ offer_id: string }>(
    `SELECT DISTINCT r.offer_id::text FROM order_recipient r JOIN gift_order o ON o.id = r.order_id
     WHERE o.stripe_payment_intent_id = $1`,
    [payment.paymentIntentId],
  );
  const choices = await choicesForOffers(deps.db, offerIds.map((o) => o.offer_id));
  // A raw SQL transaction, not Prisma's: 10,000 units' columns as 14 array parameters took
  // Prisma's raw query path about three times as long as the insert itself (bench: split_10k).
  return deps.db.transaction(async (sqlTx) => {
    const tx = rawTx(sqlTx);
    const [order] = await tx.$queryRawUnsafe<
      Array<{ id: string; status: string; version: number; total_amount: number; currency: string }>
    >(
      `SELECT id::text, status::text, version, total_amount, currency FROM gift_order
       WHERE stripe_payment_intent_id = $1 FOR UPDATE`,
      payment.paymentIntentId,
    );
    if (!order) return { split: false, reason: "unknown_payment" } as const;
    if (order.status === "paid" || order.status === "refunded") return { split: false, reason: "already_split" } as const;
    if (order.status === "canceled") return { split: false, reason: "not_payable" } as const;
    if (order.total_amount !== payment.amount || order.currency !== payment.currency.toUpperCase()) {
      throw new PermanentJobError(
        `payment ${payment.paymentIntentId} is ${payment.amount} ${payment.currency}, order ${order.id} is ${order.total_amount} ${order.currency}`,
      );
    }
    await orderLifecycle.transition(tx, {
      id: order.id,
      to: "paid",
      expectedVersion: order.version,
      actor: "stripe",
      reason: `payment ${payment.paymentIntentId} succeeded`,
      set: { paid_at: now },
    });

    const recipients = await tx.$queryRawUnsafe<
      Array<{ id: string; offer_id: string; vendor_id: string; expiry_days: number; name: string; email: string; phone: string | null; message: string | null; send_at: Date | null; amount: number }>
    >(
      `SELECT r.id::text, r.offer_id::text, o.vendor_id::text, o.expiry_days, r.name, r.email, r.phone, r.message, r.send_at, r.amount
       FROM order_recipient r JOIN gift_offer o ON o.id = r.offer_id
       WHERE r.order_id = $1::uuid ORDER BY r.row`,
      order.id,
    );
    const drafts = recipients.map((r) => {
      const id = randomUUID();
      const code = generateCode();
      const sendAt = r.send_at && r.send_at > now ? r.send_at : now;
      return {
        id,
        r,
        code,
        codeHash: codeLookupHash(code, deps.codeKey),
        sendAt,
        expiresAt: new Date(sendAt.getTime() + r.expiry_days * DAY_MS),
        choices: JSON.stringify((choices.get(r.offer_id) ?? []).map((c) => c.variantId)),
      };
    });
    // One data key for the whole order (one KMS call, not one per unit).
    const sealed = await sealCodes(deps.secrets, order.id, drafts.map((d) => ({ code: d.code, unitId: d.id })));
    const units = drafts.map((d, i) => ({ ...d, codeSealed: sealed[i]! }));
    await tx.$executeRawUnsafe(
      `INSERT INTO fulfillment_unit (id, order_id, recipient_id, vendor_id, offer_id, amount, currency, recipient_name,
         recipient_email, recipient_phone, message, choices, code_hash, code_sealed, send_at, expires_at, updated_at)
       SELECT u.id, $1::uuid, u.recipient_id, u.vendor_id, u.offer_id, u.amount, $2, u.name, u.email, u.phone, u.message,
              u.choices::jsonb, u.code_hash, u.code_sealed, u.send_at::timestamptz, u.expires_at::timestamptz, now()
       FROM unnest($3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::int[], $8::text[], $9::text[], $10::text[], $11::text[],
                   $12::text[], $13::text[], $14::text[], $15::text[], $16::text[])
         AS u(id, recipient_id, vendor_id, offer_id, amount, name, email, phone, message, choices, code_hash, code_sealed, send_at, expires_at)`,
      order.id,
      order.currency,
      units.map((u) => u.id),
      units.map((u) => u.r.id),
      units.map((u) => u.r.vendor_id),
      units.map((u) => u.r.offer_id),
      units.map((u) => u.r.amount),
      units.map((u) => u.r.name),
      units.map((u) => u.r.email),
      units.map((u) => u.r.phone),
      units.map((u) => u.r.message),
      units.map((u) => u.choices),
      units.map((u) => u.codeHash),
      units.map((u) => u.codeSealed),
      units.map((u) => u.sendAt.toISOString()),
      units.map((u) => u.expiresAt.toISOString()),
    );
    await deps.jobs.enqueueMany(
      tx,
      giftEmailJob,
      units.map((u) => ({ payload: { unitId: u.id }, key: `unit:${u.id}:gift-email`, runAt: u.sendAt })),
    );
    return { split: true, units: units.length } as const;
  });
}
