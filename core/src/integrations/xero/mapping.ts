import type {
  LineAmountTypes,
  XeroAccount,
  XeroBankTransaction,
  XeroContact,
  XeroCreditNote,
  XeroInvoice,
  XeroLine,
  XeroLineInput,
  XeroPayment,
  XeroTaxRate,
  XeroTrackingCategory,
} from "./types.ts";
import { minorDigits, minorToDecimal } from "../../platform/money.ts";

/**
 * Between our types (minor units, days) and xero-node's models (camelCase, decimal amounts,
 * Dates). xero-node's model classes are used as plain objects: its serializer maps their
 * camelCase fields to Xero's PascalCase JSON.
 */

/** A xero-node model (or a part of one) read or written as a plain object. */
export type XeroModel = Record<string, unknown>;

export function toDecimal(minor: number, currency: string): number {
  if (!Number.isInteger(minor)) throw new TypeError(`amount must be an integer of minor units, got ${minor}`);
  return Number(minorToDecimal(minor, currency));
}

export function toMinor(amount: unknown, currency: string): number {
  const n = typeof amount === "number" ? amount : Number(amount ?? 0);
  return Math.round(n * 10 ** minorDigits(currency));
}

/** A day from what xero-node gives (a Date from `/Date(...)/`, or a string). */
export function toDay(v: unknown): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString().slice(0, 10);
  if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}/.test(v)) return v.slice(0, 10);
  return null;
}

const str = (v: unknown): string => (v === undefined || v === null ? "" : String(v));
const strOrNull = (v: unknown): string | null => (v === undefined || v === null || v === "" ? null : String(v));

export function lineToXero(l: XeroLineInput, currency: string): XeroModel {
  return {
    description: l.description,
    quantity: l.quantity ?? 1,
    unitAmount: toDecimal(l.unitAmountMinor, currency),
    accountCode: l.accountCode,
    ...(l.taxType ? { taxType: l.taxType } : {}),
    ...(l.itemCode ? { itemCode: l.itemCode } : {}),
    ...(l.tracking?.length ? { tracking: l.tracking.map((t) => ({ name: t.category, option: t.option })) } : {}),
  };
}

export function lineAmountTypesToXero(v: LineAmountTypes | undefined): string {
  return v ?? "Exclusive";
}

function lineFromXero(l: XeroModel, currency: string): XeroLine {
  return {
    lineItemId: str(l.lineItemID),
    description: strOrNull(l.description),
    quantity: Number(l.quantity ?? 0),
    lineAmountMinor: toMinor(l.lineAmount, currency),
    taxAmountMinor: toMinor(l.taxAmount, currency),
    accountCode: str(l.accountCode),
    taxType: str(l.taxType),
    tracking: ((l.tracking as XeroModel[] | undefined) ?? []).map((t) => ({ category: str(t.name), option: str(t.option) })),
  };
}

export function invoiceFromXero(i: XeroModel): XeroInvoice {
  const cur = str(i.currencyCode);
  return {
    invoiceId: str(i.invoiceID),
    type: str(i.type),
    invoiceNumber: str(i.invoiceNumber),
    reference: strOrNull(i.reference),
    status: str(i.status),
    contactId: str((i.contact as XeroModel | undefined)?.contactID),
    currency: cur,
    date: toDay(i.date),
    subTotalMinor: toMinor(i.subTotal, cur),
    totalTaxMinor: toMinor(i.totalTax, cur),
    totalMinor: toMinor(i.total, cur),
    amountDueMinor: toMinor(i.amountDue, cur),
    amountPaidMinor: toMinor(i.amountPaid, cur),
    amountCreditedMinor: toMinor(i.amountCredited, cur),
    lines: Array.isArray(i.lineItems) && (i.lineItems as unknown[]).length ? (i.lineItems as XeroModel[]).map((l) => lineFromXero(l, cur)) : null,
    paymentIds: ((i.payments as XeroModel[] | undefined) ?? []).map((p) => str(p.paymentID)),
  };
}

export function creditNoteFromXero(c: XeroModel): XeroCreditNote {
  const cur = str(c.currencyCode);
  return {
    creditNoteId: str(c.creditNoteID),
    type: str(c.type),
    creditNoteNumber: str(c.creditNoteNumber),
    reference: strOrNull(c.reference),
    status: str(c.status),
    contactId: str((c.contact as XeroModel | undefined)?.contactID),
    currency: cur,
    date: toDay(c.date),
    totalMinor: toMinor(c.total, cur),
    remainingCreditMinor: toMinor(c.remainingCredit, cur),
    allocations: ((c.allocations as XeroModel[] | undefined) ?? []).map((a) => ({ invoiceId: str((a.invoice as XeroModel | undefined)?.invoiceID), amountMinor: toMinor(a.amount, cur) })),
  };
}

export function paymentFromXero(p: XeroModel, currency: string): XeroPayment {
  return {
    paymentId: str(p.paymentID),
    amountMinor: toMinor(p.amount, currency),
    date: toDay(p.date),
    reference: strOrNull(p.reference),
    invoiceId: strOrNull((p.invoice as XeroModel | undefined)?.invoiceID),
    creditNoteId: strOrNull((p.creditNote as XeroModel | undefined)?.creditNoteID),
    accountId: strOrNull((p.account as XeroModel | undefined)?.accountID),
    paymentType: str(p.paymentType),
    status: str(p.status),
  };
}

/** The currency of the document a payment was made against (for reading its amount). */
export function paymentCurrency(p: XeroModel, fallback: string): string {
  const inv = p.invoice as XeroModel | undefined;
  const cn = p.creditNote as XeroModel | undefined;
  return str(inv?.currencyCode) || str(cn?.currencyCode) || fallback;
}

export function bankTransactionFromXero(t: XeroModel): XeroBankTransaction {
  const cur = str(t.currencyCode);
  return {
    bankTransactionId: str(t.bankTransactionID),
    type: str(t.type),
    status: str(t.status),
    contactId: str((t.contact as XeroModel | undefined)?.contactID),
    bankAccountId: strOrNull((t.bankAccount as XeroModel | undefined)?.accountID),
    currency: cur,
    date: toDay(t.date),
    reference: strOrNull(t.reference),
    totalMinor: toMinor(t.total, cur),
  };
}

export function contactFromXero(c: XeroModel): XeroContact {
  return {
    contactId: str(c.contactID),
    name: str(c.name),
    status: str(c.contactStatus),
    contactNumber: strOrNull(c.contactNumber),
    email: strOrNull(c.emailAddress),
  };
}

export function accountFromXero(a: XeroModel): XeroAccount {
  const type = str(a.type);
  return {
    accountId: str(a.accountID),
    code: str(a.code),
    name: str(a.name),
    type,
    status: str(a.status),
    taxType: str(a.taxType),
    currency: strOrNull(a.currencyCode),
    isBank: type === "BANK",
    enablePaymentsToAccount: a.enablePaymentsToAccount === true,
    systemAccount: strOrNull(a.systemAccount),
  };
}

export function taxRateFromXero(t: XeroModel): XeroTaxRate {
  return { taxType: str(t.taxType), name: str(t.name), ratePercent: Number(t.effectiveRate ?? t.displayTaxRate ?? 0), status: str(t.status) };
}

export function trackingCategoryFromXero(c: XeroModel): XeroTrackingCategory {
  return {
    categoryId: str(c.trackingCategoryID),
    name: str(c.name),
    status: str(c.status),
    options: ((c.options as XeroModel[] | undefined) ?? []).map((o) => ({ optionId: str(o.trackingOptionID), name: str(o.name), status: str(o.status) })),
  };
}

/** Per-element messages of a `summarizeErrors=false` answer (empty when the element is OK). */
export function elementErrors(e: XeroModel): string[] {
  const status = str(e.statusAttributeString).toUpperCase();
  const errors = ((e.validationErrors as XeroModel[] | undefined) ?? []).map((v) => str(v.message)).filter(Boolean);
  if (status === "ERROR" || e.hasErrors === true || e.hasValidationErrors === true) return errors.length ? errors : ["Xero refused this element"];
  return [];
}
