import { z } from "zod";
import { fieldError, type FieldError } from "../platform/field-error.ts";
import { refuse, type Outcome, type VendorContext } from "../platform/use-case.ts";
import { DEFAULT_REMINDERS, type ReminderSettings } from "../reminders/reminder-settings.ts";

/**
 * The brand's app settings: where notifications go, the default gift expiry for new offers,
 * whether Shopify may email recipients about the orders we create, when recipients who have
 * not redeemed are reminded (for orders that do not say), and what the app keeps
 * (shown on the Settings page with what happens on uninstall).
 */
export interface VendorSettings {
  shopDomain: string;
  name: string;
  notificationEmail: string | null;
  defaultExpiryDays: number;
  shopifyNotifyCustomer: boolean;
  /** When recipients who have not redeemed are reminded, for orders that do not say (reminders/). */
  reminders: ReminderSettings;
  currency: string;
  installedAt: Date;
  data: { products: number; offers: number; storefronts: number; units: number };
}

export const settingsInput = z.object({
  notificationEmail: z
    .string()
    .trim()
    .max(254)
    .transform((v) => (v === "" ? null : v))
    .pipe(z.email({ message: "Enter a valid email address" }).nullable()),
  defaultExpiryDays: z.coerce
    .number({ message: "Enter a number of days" })
    .int("Enter a whole number of days")
    .min(7, "Gifts must stay redeemable for at least 7 days")
    .max(730, "Gifts can stay redeemable for at most 730 days"),
  shopifyNotifyCustomer: z.boolean().default(false),
  /** Days as a person types them ("3, 10"; empty: none); absent: left as they are. */
  remindersAfterSent: dayList("after sending").optional(),
  remindersBeforeExpiry: dayList("before expiry").optional(),
});

function dayList(what: string) {
  return z
    .string()
    .trim()
    .max(100)
    .transform((v, ctx) => {
      const parts = v === "" ? [] : v.split(/[\s,;]+/).filter(Boolean);
      const days = parts.map(Number);
      if (days.some((d) => !Number.isInteger(d) || d < 1 || d > 365)) {
        ctx.addIssue({ code: "custom", message: "Enter whole numbers of days from 1 to 365, separated by commas" });
        return z.NEVER;
      }
      if (days.length > 5) {
        ctx.addIssue({ code: "custom", message: `At most 5 reminders ${what}` });
        return z.NEVER;
      }
      return [...new Set(days)].sort((a, b) => a - b);
    });
}
export type SettingsInput = z.input<typeof settingsInput>;

/** Refused as `invalid_settings`, with a field error for each bad field (the first problem of each). */
export type SettingsResult = Outcome<{ settings: VendorSettings }, "invalid_settings">;

/**
 * The brand's settings and what the app keeps of it. Read as the brand: row-level security
 * shows the statement its own vendor row only, and only its rows of each table counted.
 */
export async function vendorSettings(ctx: VendorContext): Promise<VendorSettings | undefined> {
  const [r] = await ctx.db.sql.query<{
    shop_domain: string;
    name: string;
    email: string | null;
    default_expiry_days: number;
    shopify_notify_customer: boolean;
    reminder_settings: ReminderSettings | null;
    currency: string;
    installed_at: string | Date;
    products: number;
    offers: number;
    storefronts: number;
    units: number;
  }>(
    `SELECT v.shop_domain, v.name, v.email, v.default_expiry_days, v.shopify_notify_customer, v.reminder_settings, v.currency, v.installed_at,
            (SELECT count(*)::int FROM product WHERE deleted_at IS NULL) AS products,
            (SELECT count(*)::int FROM gift_offer) AS offers,
            (SELECT count(*)::int FROM storefront) AS storefronts,
            (SELECT count(*)::int FROM fulfillment_unit) AS units
       FROM vendor v`,
  );
  if (!r) return undefined;
  return {
    shopDomain: r.shop_domain,
    name: r.name,
    notificationEmail: r.email,
    defaultExpiryDays: r.default_expiry_days,
    shopifyNotifyCustomer: r.shopify_notify_customer,
    reminders: r.reminder_settings ?? DEFAULT_REMINDERS,
    currency: r.currency,
    installedAt: new Date(r.installed_at),
    data: { products: r.products, offers: r.offers, storefronts: r.storefronts, units: r.units },
  };
}

/** Validates and saves the brand's settings; bad fields are refused together, nothing written. */
export async function updateVendorSettings(ctx: VendorContext, input: SettingsInput): Promise<SettingsResult> {
  const { db } = ctx;
  const { vendorId } = ctx.tenant;
  const parsed = settingsInput.safeParse(input);
  if (!parsed.success) {
    const errors = new Map<string, FieldError>();
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]);
      if (!errors.has(key)) errors.set(key, fieldError([key], issue.code, issue.message));
    }
    return refuse("invalid_settings", [...errors.values()].map((e) => `${e.path}: ${e.message}`).join("; "), { errors: [...errors.values()] });
  }
  const v = parsed.data;
  let reminderSettings: ReminderSettings | undefined;
  if (v.remindersAfterSent !== undefined || v.remindersBeforeExpiry !== undefined) {
    const current = (await vendorSettings(ctx))?.reminders ?? DEFAULT_REMINDERS;
    reminderSettings = { afterSentDays: v.remindersAfterSent ?? current.afterSentDays, beforeExpiryDays: v.remindersBeforeExpiry ?? current.beforeExpiryDays };
  }
  await db.prisma.vendor.update({
    where: { id: vendorId },
    data: {
      email: v.notificationEmail,
      defaultExpiryDays: v.defaultExpiryDays,
      shopifyNotifyCustomer: v.shopifyNotifyCustomer,
      ...(reminderSettings ? { reminderSettings: { ...reminderSettings } } : {}),
    },
  });
  return { ok: true, settings: (await vendorSettings(ctx))! };
}
