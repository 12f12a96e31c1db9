import { randomUUID } from "node:crypto";
import type { Deps } from "../platform/deps.ts";
import { PermanentJobError } from "../jobs/registry.ts";
import { txSqlOf } from "../platform/lifecycle/lifecycle.ts";
import { orderLifecycle } from "../platform/lifecycle/lifecycles.ts";
import { codeLookupHash, generateCode, sealCodes } from "../redemption/codes/codes.ts";
import { CHOICE_ORDER, choiceRows } from "../storefronts/offer-choices.ts";
import { giftEmailJob, giftEmailKeySql } from "../fulfillment/gift-email.jobs.ts";
import { enqueueFromSql } from "../jobs/queue.ts";
import { enqueueBrandOrderNotice } from "../vendors/brand-notifications.ts";
import { commissionRatesSql, UNIT_MONEY_COLUMNS, unitMoneySql } from "../payouts/money-model.ts";
import { enqueueBuyerReceipt } from "../buyers/receipt-email.jobs.ts";

export type SplitResult = { split: true; units: number } | { split: false; reason: "unknown_payment" | "already_split" | "not_payable" };

/**
 * On payment: the order becomes paid and, in the same transaction, one fulfillment unit
 * per recipient is created, each with its own items (the offer's choices, frozen now),
 * message, shipping method, expiry and redemption code; the gift emails are enqueued in
 * that transaction too, each for the recipient's send date, and the brand's new-order email.
 * Each unit also gets its money model frozen (payouts/money-model.ts): item price, shipping,
 * the brand's commission rate as of now, and the brand's share.
 * Running it again for the same payment changes nothing.
 */
export async function splitOrder(
  deps: Pick<Deps, "db" | "jobs" | "secrets" | "codeKey">,
  payment: { paymentIntentId: string; amount: number; currency: string; chargeId?: string | null },
  now = new Date(),
): Promise<SplitResult> {
  // A raw SQL transaction, not Prisma's: 10,000 units' columns as array parameters took
  // Prisma's raw query path about three times as long as the insert itself (bench: split_10k).
  return deps.db.transaction(async (sqlTx) => {
    const tx = txSqlOf(sqlTx);
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
      set: { paid_at: now, stripe_charge_id: payment.chargeId ?? null },
    });

    // JS makes what only it can (unit ids, codes, their HMACs and sealed copies); the
    // database takes everything else from the recipients it already holds, as the raw floor
    // of the benchmark does, and enqueues the gift emails in the same statement.
    const recipients = await tx.$queryRawUnsafe<Array<{ id: string }>>(
      "SELECT r.id::text FROM order_recipient r WHERE r.order_id = $1::uuid ORDER BY r.row",
      order.id,
    );
    const drafts = recipients.map((r) => {
      const code = generateCode();
      return { id: randomUUID(), recipientId: r.id, code, codeHash: codeLookupHash(code, deps.codeKey) };
    });
    // One data key for the whole order (one KMS call, not one per unit).
    const sealed = await sealCodes(deps.secrets, order.id, drafts.map((d) => ({ code: d.code, unitId: d.id })));
    // The order's emails are numbered 1, 2, 3, … as job priorities: payments, refunds and
    // pushes go before them, and another order's emails take turns with them instead of
    // waiting for all of these (one order of 10,000 took minutes of the queue).
    const emails = enqueueFromSql(deps.jobs.registry, giftEmailJob, {
      from: "(SELECT ins.*, row_number() OVER (ORDER BY ins.send_at, ins.id) AS pos FROM ins) ins",
      payload: "jsonb_build_object('unitId', ins.id::text)",
      key: giftEmailKeySql("ins.id"),
      runAt: "ins.send_at",
      priority: "ins.pos",
    });
    const [inserted] = await tx.$queryRawUnsafe<Array<{ n: number }>>(
      `WITH choices AS MATERIALIZED (
         -- Each offer's choices, frozen on its units now (offer-choices.ts says what they are): a few rows, made once before the insert joins them.
         SELECT i.offer_id, jsonb_agg(v.id::text ORDER BY ${CHOICE_ORDER}) AS choices
         ${choiceRows("i.offer_id IN (SELECT offer_id FROM order_recipient WHERE order_id = $1::uuid)")}
         GROUP BY i.offer_id
       ), rates AS (
         ${commissionRatesSql("ARRAY(SELECT DISTINCT g.vendor_id FROM order_recipient r JOIN gift_offer g ON g.id = r.offer_id WHERE r.order_id = $1::uuid)")}
       ), d AS (
         SELECT * FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[]) AS d(id, recipient_id, code_hash, code_sealed)
       ), ins AS (
         INSERT INTO fulfillment_unit (id, order_id, recipient_id, vendor_id, offer_id, amount, currency, recipient_name,
           recipient_email, recipient_phone, message, choices, code_hash, code_sealed, send_at, expires_at, updated_at, ship_country,
           ${UNIT_MONEY_COLUMNS})
         SELECT d.id, r.order_id, r.id, g.vendor_id, r.offer_id, r.amount, $2, r.name, r.email, r.phone, r.message,
                COALESCE(c.choices, '[]'::jsonb), d.code_hash, d.code_sealed, s.send_at, s.send_at + g.expiry_days * interval '24 hours', now(),
                r.country, ${unitMoneySql("r", "rt.bps")}
         FROM d
         JOIN order_recipient r ON r.id = d.recipient_id AND r.order_id = $1::uuid
         JOIN gift_offer g ON g.id = r.offer_id
         JOIN rates rt ON rt.vendor_id = g.vendor_id
         CROSS JOIN LATERAL (SELECT GREATEST(COALESCE(r.send_at, $7::timestamptz), $7::timestamptz) AS send_at) s
         LEFT JOIN choices c ON c.offer_id = r.offer_id
         RETURNING id, send_at
       ), emails AS (
         ${emails}
       )
       SELECT count(*)::int AS n FROM ins`,
      order.id,
      order.currency,
      drafts.map((d) => d.id),
      drafts.map((d) => d.recipientId),
      drafts.map((d) => d.codeHash),
      sealed,
      now.toISOString(),
    );
    if (inserted?.n !== drafts.length) throw new Error(`order ${order.id}: ${drafts.length} recipients but ${inserted?.n} units written`);
    await enqueueBrandOrderNotice(deps, tx, order.id);
    await enqueueBuyerReceipt(deps, tx, order.id);
    return { split: true, units: drafts.length } as const;
  });
}
