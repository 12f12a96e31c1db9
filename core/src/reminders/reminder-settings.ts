import { z } from "@hono/zod-openapi";

/**
 * When an unredeemed gift's recipient is reminded: days after the gift email went out, and
 * days before the gift expires. The buyer may set it per order (orders API), the brand as its
 * default (its settings); otherwise the platform's: 3 and 10 days after, 3 days before expiry.
 * Empty lists mean no reminders.
 */
export interface ReminderSettings {
  afterSentDays: number[];
  beforeExpiryDays: number[];
}

export const DEFAULT_REMINDERS: ReminderSettings = { afterSentDays: [3, 10], beforeExpiryDays: [3] };

const days = (what: string) =>
  z
    .array(z.number({ error: "Must be a whole number of days." }).int("Must be a whole number of days.").min(1, "At least 1 day.").max(365, "At most 365 days."))
    .max(5, `At most 5 reminders ${what}.`)
    .refine((d) => new Set(d).size === d.length, "Each day at most once.")
    .transform((d) => [...d].sort((a, b) => a - b));

export const ReminderSettingsSchema = z
  .object({
    afterSentDays: days("after sending").openapi({ description: "Days after the gift email went out, e.g. [3, 10]. Empty: none.", example: [3, 10] }),
    beforeExpiryDays: days("before expiry").openapi({ description: "Days before the gift expires, e.g. [3]. Empty: none.", example: [3] }),
  })
  .strict()
  .openapi("ReminderSettings", {
    description:
      "When a recipient who has not redeemed is reminded by email. None is sent after the gift is redeemed, expires or is canceled, nor while its order is on hold.",
  });

/** The settings in force, as SQL: the order's, else the brand's, else the platform's (`o` gift_order, `v` vendor). */
export const reminderSettingsSql = (o = "o", v = "v") =>
  `COALESCE(${o}.reminder_settings, ${v}.reminder_settings, '${JSON.stringify(DEFAULT_REMINDERS)}'::jsonb)`;

/**
 * The first reminder slot strictly after `after` (SQL expressions), among `settings`' days
 * counted from `sentAt` and back from `expiresAt`; only slots between sending and expiry
 * count. NULL when none is left.
 */
export const nextReminderSql = (p: { settings: string; sentAt: string; expiresAt: string; after: string }) => `(
       SELECT min(s.due) FROM (
         SELECT ${p.sentAt} + make_interval(days => n.days::int) AS due FROM jsonb_array_elements_text(${p.settings}->'afterSentDays') AS n(days)
         UNION ALL
         SELECT ${p.expiresAt} - make_interval(days => n.days::int) FROM jsonb_array_elements_text(${p.settings}->'beforeExpiryDays') AS n(days)
       ) s
       WHERE s.due > ${p.after} AND s.due > ${p.sentAt} AND s.due < ${p.expiresAt}
     )`;
