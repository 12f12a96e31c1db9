import { z } from "zod";
import { COUNTRY_MESSAGE, isCountryCode } from "../platform/countries.ts";
import { DATE_RANGE_MESSAGE, inDateRange } from "../http/ranges.ts";
import type { Tx } from "../jobs/queue.ts";

/**
 * Recipients as a buyer gives them (inline JSON or CSV rows). Every row is checked and
 * every problem is reported at once, with the row number (1-based, as a person counts
 * rows in a spreadsheet's data) and the field: `required` for a required value that is
 * missing or blank, `invalid_field` for one that is given but wrong.
 */
export const MAX_RECIPIENTS = 10_000;

/** Spreadsheet formula triggers (CSV injection): refused in free-text fields. */
const noFormula = (field: z.ZodString) =>
  field.refine((v) => !/^[=+\-@\t\r]/.test(v), "must not start with = + - @ (spreadsheet formulas are not accepted)");

export const recipientSchema = z.object({
  name: noFormula(z.string().trim().min(1, "is required").max(200, "is longer than 200 characters")),
  email: z.string().trim().toLowerCase().pipe(z.email("is not an email address").max(320)),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ().-]{6,20}$/, "is not a phone number")
    .optional(),
  message: noFormula(z.string().trim().max(1000, "is longer than 1000 characters")).optional(),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .refine(isCountryCode, COUNTRY_MESSAGE)
    .optional(),
  sendAt: z
    .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: "must be an ISO 8601 date or date-time, e.g. 2026-12-01 or 2026-12-01T09:00:00Z" })
    .refine(inDateRange, DATE_RANGE_MESSAGE)
    .optional(),
  offerId: z.uuid("is not an offer id").optional(),
});

export type RecipientInput = z.input<typeof recipientSchema>;
export type Recipient = z.output<typeof recipientSchema>;

export interface RowError {
  row: number;
  field: string;
  code: string;
  message: string;
}

export type NumberedRecipient = Recipient & { row: number };

export function parseRecipients(rows: unknown[]): { recipients: NumberedRecipient[]; errors: RowError[] } {
  const recipients: NumberedRecipient[] = [];
  const errors: RowError[] = [];
  if (rows.length > MAX_RECIPIENTS) {
    return {
      recipients: [],
      errors: [{ row: MAX_RECIPIENTS + 1, field: "row", code: "too_many_recipients", message: `an order has at most ${MAX_RECIPIENTS} recipients; this one has ${rows.length}` }],
    };
  }
  const firstRowOf = new Map<string, number>();
  rows.forEach((raw, i) => {
    const given = blankToUndefined(raw);
    const r = recipientSchema.safeParse(given);
    if (r.success) {
      const first = firstRowOf.get(r.data.email);
      if (first !== undefined) {
        errors.push({ row: i + 1, field: "email", code: "duplicate_email", message: `email ${r.data.email} is already on row ${first}` });
        return;
      }
      firstRowOf.set(r.data.email, i + 1);
      recipients.push({ ...r.data, row: i + 1 });
    }
    else {
      for (const issue of r.error.issues) {
        const field = issue.path.join(".") || "row";
        // A missing or blank required value (an empty CSV cell, "" or no key in JSON).
        if (issue.path.length === 1 && isObject(given) && given[field] === undefined) {
          errors.push({ row: i + 1, field, code: "required", message: `${field} is required` });
        }
        else errors.push({ row: i + 1, field, code: "invalid_field", message: `${field} ${issue.message}` });
      }
    }
  });
  return { recipients, errors };
}

/** CSV cells and forms send "" for "not given". */
function blankToUndefined(raw: unknown): unknown {
  if (!isObject(raw)) return raw;
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => !(typeof v === "string" && v.trim() === "")));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

/** Changes an order recipient's email (the buyer corrected it), in the caller's transaction. */
export async function setRecipientEmail(tx: Tx, recipientId: string, email: string): Promise<void> {
  await tx.orderRecipient.update({ where: { id: recipientId }, data: { email } });
}
