import { z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { HeldPushSchema } from "../fulfillment/push/held-pushes.routes.ts";
import { DeadLetterSchema } from "../http/operator.routes.ts";
import { ProblemError } from "../http/problem.ts";
import { validationHook } from "../http/errors.ts";
import { day } from "../http/ranges.ts";
import { MAX_COMMISSION_BPS } from "../payouts/money-model.ts";
import { PayoutItemSchema, PayoutSettingsSchema, VendorPayoutSettingsSchema } from "../payouts/operator-payouts.routes.ts";
import { STAFF_ROLES } from "./staff-session.ts";

/**
 * The finance console API's request and answer schemas (`/v1/finance`, finance-console.routes.ts
 * and finance-console.payouts.ts), and how it refuses bad input: a bad path or query value is
 * 400 `invalid_parameter` naming the value; a body that fails its schema is 422 `validation_failed`
 * with one field error per issue (the console shows each beside its field).
 */

export const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
export const tags = ["Finance console"];
/** A body route's errors: the body rules (400 `malformed_json`, `invalid_utf8`; 422 `invalid_characters`), size, media type, its schema. */
export const bodyProblems = [400, 413, 415, { 422: "The body failed its schema (`validation_failed`, one field error per problem) or holds characters text cannot (`invalid_characters`)." }] as const;

// --- input ---------------------------------------------------------------------------------

export const Day = day().openapi({ description: "A day as YYYY-MM-DD.", example: "2026-12-05" });

export const SignInBody = z.object({ email: z.email().max(320) }).strict();
export const OrganisationBody = z.object({ tenantId: z.uuid() }).strict();
export const MappingBody = z
  .object({
    billsAccountCode: z.string().min(1).max(20),
    taxType: z.string().min(1).max(50),
    trackingCategory: z.string().min(1).max(100),
    clearingAccountCode: z.string().min(1).max(20),
    salesAccountCode: z.string().min(1).max(20),
    feesAccountCode: z.string().min(1).max(20),
  })
  .strict();

const Currency = z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 currency code in capitals");
const Minimums = z
  .record(Currency, z.number().int("whole minor units").min(0, "zero or more").max(100_000_000))
  .openapi({ description: "Minimum payout per currency, minor units.", example: { USD: 2500 } });
const commission = z.number().int("whole basis points (a percent with at most two decimals)").min(0, "zero or more").max(MAX_COMMISSION_BPS, "at most 100%");
const days = z.number().int("whole days").min(0, "zero or more").max(365, "at most 365 days");
export const PlatformPatch = z
  .object({ commissionBps: commission.optional(), settlementDays: days.optional(), minimumPayout: Minimums.optional(), approvalRequired: z.boolean().optional() })
  .strict();
export const BrandPatch = z
  .object({ commissionBps: commission.nullable().optional(), settlementDays: days.nullable().optional(), minimumPayout: Minimums.nullable().optional(), approvalRequired: z.boolean().nullable().optional() })
  .strict()
  .openapi({ description: "null clears an override (the platform's setting applies)." });
export const RunBody = z.object({ vendorId: z.uuid().optional().openapi({ description: "Only this brand." }) }).strict();
export const VersionBody = z
  .object({ version: z.number().int().min(1).max(2_147_483_647).optional().openapi({ description: "The version you read; 409 `stale` if it changed since." }) })
  .strict();

// --- answers -------------------------------------------------------------------------------

export const StaffSchema = z
  .object({
    email: z.string(),
    name: z.string(),
    role: z.enum(STAFF_ROLES),
    csrfToken: z.string().openapi({ description: "Send it as `X-CSRF-Token` on every write." }),
  })
  .openapi("FinanceStaff");

export const OverviewSchema = z
  .object({
    currency: z.string(),
    moneyIn: z.number().int(),
    refunds: z.number().int(),
    fees: z.number().int(),
    owedToBrands: z.number().int(),
    paidToBrands: z.number().int(),
    commission: z.number().int(),
    bookings: z.record(z.string(), z.number().int()).openapi({ description: "Accounting records by status." }),
    weeks: z.array(z.object({ week: z.string(), moneyIn: z.number().int(), refunds: z.number().int(), paidToBrands: z.number().int() })),
  })
  .openapi("FinanceOverview", { description: "Figures in the platform currency, minor units: the totals and the last 8 weeks." });

const RecordStatus = z.enum(["pending", "booked", "needs_attention", "parked"]);

export const PayoutBookingSchema = z
  .object({
    recordId: z.uuid(),
    payoutId: z.string(),
    day: z.string(),
    currency: z.string(),
    amount: z.number().int(),
    status: RecordStatus,
    message: z.string().nullable(),
    reference: z.string().nullable().openapi({ description: "The Xero bill's number." }),
    xeroUrl: z.string().nullable(),
    transfers: z.array(z.object({ id: z.string(), url: z.string() })),
  })
  .openapi("FinancePayoutBooking");

export const AccountingRecordSchema = z
  .object({
    id: z.uuid(),
    kind: z.string().openapi({ example: "sale_invoice" }),
    sourceId: z.string(),
    day: z.string(),
    currency: z.string(),
    amount: z.number().int(),
    status: RecordStatus,
    attempts: z.number().int(),
    message: z.string().nullable(),
    parkedReason: z.string().nullable(),
    parkedUntil: z.string().nullable(),
    xeroDocumentId: z.string().nullable(),
    xeroDocumentNumber: z.string().nullable(),
    xeroPaymentId: z.string().nullable(),
    stripeRef: z.string().nullable(),
    bookedAt: z.string().nullable(),
    updatedAt: z.string(),
  })
  .openapi("AccountingRecord");

export const ExceptionsSchema = z
  .object({ needsAttention: z.array(AccountingRecordSchema), parked: z.array(AccountingRecordSchema), deadLetters: z.array(DeadLetterSchema), heldPushes: z.array(HeldPushSchema) })
  .openapi("FinanceExceptions");

const DifferenceSchema = z
  .object({
    kind: z.enum(["missing_in_xero", "missing_in_stripe", "unknown_to_us", "amount_differs", "not_booked"]),
    subject: z.string(),
    ours: z.string().nullable(),
    stripe: z.array(z.string()),
    xero: z.string().nullable(),
    stripeAmount: z.number().int().nullable(),
    ledgerAmount: z.number().int().nullable(),
    xeroAmount: z.number().int().nullable(),
    currency: z.string(),
    detail: z.string(),
  })
  .openapi("ReconciliationDifference");

const dayReport = {
  day: z.string(),
  currency: z.string(),
  reconciled: z.boolean(),
  stripeNet: z.number().int(),
  ledgerNet: z.number().int(),
  xeroNet: z.number().int(),
  differences: z.array(DifferenceSchema),
};
export const DayReportSchema = z.object(dayReport).openapi("ReconciliationReport");
export const ReconciliationDaySchema = z.object({ ...dayReport, runAt: z.string() }).openapi("ReconciliationDay");

const MappingView = z.object({
  billsAccountCode: z.string(),
  taxType: z.string(),
  trackingCategory: z.string(),
  clearingAccountCode: z.string(),
  salesAccountCode: z.string(),
  feesAccountCode: z.string(),
});

export const XeroConnectionViewSchema = z
  .object({
    configured: z.boolean(),
    status: z.enum(["choose_organisation", "connected", "needs_reauth", "disconnected", "not_connected"]),
    organisation: z.object({ tenantId: z.string(), name: z.string().nullable(), baseCurrency: z.string().nullable() }).nullable(),
    connections: z.array(z.object({ tenantId: z.string(), tenantName: z.string(), tenantType: z.string() })).openapi({ description: "While choosing the organisation: what Xero connected." }),
    mapping: MappingView.nullable(),
    reauthReason: z.string().nullable(),
    accessExpiresAt: z.string().nullable(),
    refreshedAt: z.string().nullable(),
    dayBlockedUntil: z.string().nullable(),
    bookings: z.object({ pending: z.number().int(), booked: z.number().int(), needs_attention: z.number().int(), parked: z.number().int() }),
  })
  .openapi("XeroConnectionView");

export const MappingOptionsSchema = z
  .object({
    accounts: z.array(
      z.object({
        accountId: z.string(),
        code: z.string(),
        name: z.string(),
        type: z.string(),
        status: z.string(),
        taxType: z.string(),
        currency: z.string().nullable(),
        isBank: z.boolean(),
        enablePaymentsToAccount: z.boolean(),
        systemAccount: z.string().nullable(),
      }),
    ),
    taxRates: z.array(z.object({ taxType: z.string(), name: z.string(), ratePercent: z.number(), status: z.string() })),
    trackingCategories: z.array(z.object({ categoryId: z.string(), name: z.string(), status: z.string(), options: z.array(z.object({ optionId: z.string(), name: z.string(), status: z.string() })) })),
  })
  .openapi("XeroMappingOptions");

export const SettingsSchema = z
  .object({
    platformCurrency: z.string(),
    xero: z.object({ configured: z.boolean(), minuteLimit: z.number().int(), concurrencyLimit: z.number().int(), redirectUri: z.string() }),
    alerts: z.object({
      slack: z.boolean(),
      sentry: z.boolean(),
      recent: z
        .array(z.object({ kind: z.string(), message: z.string(), details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(), at: z.string() }))
        .openapi({ description: "This process's newest alerts (at most 20), newest first." }),
    }),
    jobs: z.object({ driver: z.enum(["db", "sqs"]) }),
  })
  .openapi("FinanceSettings");

export const PayoutQueuesSchema = z
  .object({
    drafts: z.array(PayoutItemSchema),
    failed: z.array(PayoutItemSchema).openapi({ description: "Failed, then needing attention." }),
    recent: z.array(PayoutItemSchema).openapi({ description: "The newest 50, any status." }),
  })
  .openapi("FinancePayoutQueues");

export const PayoutSettingsOverviewSchema = z
  .object({ platform: PayoutSettingsSchema, brands: z.array(VendorPayoutSettingsSchema.extend({ vendorId: z.uuid(), vendorName: z.string() })) })
  .openapi("FinancePayoutSettings");

// --- refusals ------------------------------------------------------------------------------

/**
 * The validation hook of a console route: `what` names its path or query value in the 400
 * (e.g. "the payout id"); a body failing its schema gets the API's own 422
 * `validation_failed`, one field error per problem (`unknown_field` for each unknown key).
 */
export function refusing(what: string) {
  return (result: { target: string } & ({ success: true } | { success: false; error: z.ZodError })): undefined => {
    if (result.success) return undefined;
    if (result.target === "json") validationHook(result);
    throw new ProblemError(400, "invalid_parameter", `${what} is not valid`);
  };
}

/**
 * A write whose body is required must send one: an empty body is 400 `invalid_json` (it is
 * not taken as `{}`); where the body is optional, an empty one (whitespace too) is no body.
 */
export function bodyPresence(required: boolean): MiddlewareHandler {
  return async function bodyPresence(c, next) {
    const raw = c.req.raw;
    const text = raw.body ? await raw.clone().text() : "";
    if (!text.trim()) {
      if (required) throw new ProblemError(400, "invalid_json", "The body must be JSON.");
      const headers = new Headers(raw.headers);
      headers.delete("content-type");
      headers.delete("content-length");
      c.req.raw = new Request(raw.url, { method: raw.method, headers });
    }
    await next();
  };
}
