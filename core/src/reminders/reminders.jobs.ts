import { z } from "zod";
import { defineJob } from "../jobs/registry.ts";
import { jobInsertSql } from "../jobs/queue.ts";
import type { Deps } from "../platform/deps.ts";
import type { TxSql } from "../platform/lifecycle/lifecycle.ts";
import { orderOnHoldSql } from "../orders/order-hold.ts";
import { sendGiftEmail } from "../fulfillment/gift-email.content.ts";
import { nextReminderSql, reminderSettingsSql } from "./reminder-settings.ts";

/**
 * Reminder emails for gifts not yet redeemed, scheduled by data rather than by timers: each
 * sent gift carries `reminder_next_at`, its next due reminder (set when its gift email goes
 * out: `scheduleFirstReminder`). A sweep (every 15 minutes) takes the gifts whose reminder is
 * due through a partial index, and in one statement moves each on to its next slot and
 * enqueues the reminder's job, keyed by the unit and the slot's time: a slot is enqueued once,
 * since the unit has moved past it in the same commit, and the job and its email share the
 * key, so no recipient gets the same reminder twice. Gifts redeemed, expired or canceled
 * meanwhile get none and leave the index; a reminder falling while the order is on hold (a
 * disputed payment), or more than a day late, is skipped rather than sent late.
 */

export const REMINDER_JOB = "reminders.send";
const REMINDER_MAX_ATTEMPTS = 8;
const SWEEP_BATCH = 1000;

/** The reminder email's job key, also its idempotency key: one per unit and slot. */
export const reminderKey = (unitId: string, dueAt: Date) => `unit:${unitId}:reminder:${dueAt.getTime()}`;

/** Sets the first reminder of a unit whose gift email just went out (in the caller's transaction). */
export async function scheduleFirstReminder(tx: TxSql, unitId: string): Promise<void> {
  await tx.$executeRawUnsafe(
    `UPDATE fulfillment_unit u
     SET reminder_next_at = ${nextReminderSql({ settings: reminderSettingsSql(), sentAt: "u.sent_at", expiresAt: "u.expires_at", after: "u.sent_at" })}
     FROM gift_order o, vendor v
     WHERE u.id = $1::uuid AND o.id = u.order_id AND v.id = u.vendor_id AND u.sent_at IS NOT NULL`,
    unitId,
  );
}

const SWEEP = `WITH due AS MATERIALIZED (
     SELECT u.id, u.reminder_next_at AS due_at, u.expires_at, u.sent_at,
            u.status = 'sent' AND u.expires_at > $1::timestamptz AS open,
            ${orderOnHoldSql("o")} AS on_hold,
            ${reminderSettingsSql()} AS settings
     FROM fulfillment_unit u
     JOIN gift_order o ON o.id = u.order_id
     JOIN vendor v ON v.id = u.vendor_id
     WHERE u.reminder_next_at <= $1::timestamptz
     ORDER BY u.reminder_next_at
     LIMIT $2
     FOR UPDATE OF u SKIP LOCKED
   ), moved AS (
     UPDATE fulfillment_unit f
     SET reminder_next_at = CASE WHEN d.open THEN ${nextReminderSql({ settings: "d.settings", sentAt: "d.sent_at", expiresAt: "d.expires_at", after: "$1::timestamptz" })} END,
         reminders_sent = f.reminders_sent + CASE WHEN d.open AND NOT d.on_hold AND d.due_at > $1::timestamptz - interval '1 day' THEN 1 ELSE 0 END
     FROM due d
     WHERE f.id = d.id
     RETURNING f.id, d.due_at, d.open AND NOT d.on_hold AND d.due_at > $1::timestamptz - interval '1 day' AS send,
       EXISTS (SELECT 1 FROM jsonb_array_elements_text(d.settings->'beforeExpiryDays') x WHERE d.expires_at - make_interval(days => x::int) = d.due_at) AS last
   ), jobs AS (
     ${jobInsertSql(
       { type: REMINDER_JOB, maxAttempts: REMINDER_MAX_ATTEMPTS },
       {
         from: "moved WHERE moved.send",
         payload: "jsonb_build_object('unitId', moved.id, 'dueAt', (extract(epoch FROM moved.due_at) * 1000)::bigint, 'last', moved.last)",
         key: "'unit:' || moved.id || ':reminder:' || (extract(epoch FROM moved.due_at) * 1000)::bigint",
         priority: "1",
       },
     )}
     RETURNING 1
   )
   SELECT (SELECT count(*)::int FROM moved) AS moved, (SELECT count(*)::int FROM jobs) AS enqueued`;

/** One pass of the sweep: how many gifts it moved on and how many reminders it enqueued. */
export async function sweepReminders(deps: Pick<Deps, "db">, now = new Date(), limit = SWEEP_BATCH): Promise<{ moved: number; enqueued: number }> {
  const [r] = await deps.db.sql.query<{ moved: number; enqueued: number }>(SWEEP, [now, limit]);
  return { moved: r?.moved ?? 0, enqueued: r?.enqueued ?? 0 };
}

export const reminderSweepJob = defineJob({
  type: "reminders.sweep",
  schema: z.object({}),
  maxAttempts: 3,
  async handler(_payload, ctx) {
    // Batches until one comes back short: a busy day's reminders all go out in this run.
    for (let total = 0; ; ) {
      const r = await sweepReminders(ctx.deps);
      total += r.enqueued;
      if (r.moved < SWEEP_BATCH) {
        if (total) ctx.log.info({ enqueued: total }, "reminder emails enqueued");
        return;
      }
    }
  },
});

/** Sends one reminder, if the gift is still waiting (not redeemed, expired, canceled or on hold). */
export const reminderEmailJob = defineJob({
  type: REMINDER_JOB,
  schema: z.object({ unitId: z.uuid(), dueAt: z.number().int(), last: z.boolean() }),
  maxAttempts: REMINDER_MAX_ATTEMPTS,
  backoff: { baseMs: 30_000, maxMs: 60 * 60_000 },
  async handler({ unitId, dueAt, last }, ctx) {
    const [u] = await ctx.deps.db.sql.query<{ waiting: boolean }>(
      `SELECT u.status = 'sent' AND u.expires_at > now() AND NOT ${orderOnHoldSql("o")} AS waiting
       FROM fulfillment_unit u JOIN gift_order o ON o.id = u.order_id WHERE u.id = $1::uuid`,
      [unitId],
    );
    if (!u?.waiting) return;
    await sendGiftEmail(ctx.deps, unitId, last ? "last_reminder" : "reminder", reminderKey(unitId, new Date(dueAt)));
  },
});
