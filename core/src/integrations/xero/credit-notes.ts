import type { XeroCaller } from "./call.ts";
import { creditNoteFromXero, lineAmountTypesToXero, lineToXero, toDecimal, toMinor, type XeroModel } from "./mapping.ts";
import type { XeroAllocation, XeroAllocationInput, XeroCreditNoteInput } from "./types.ts";
import type { XeroAccounting } from "./xero.ts";

export type XeroCreditNotesApi = Pick<XeroAccounting, "creditNotes" | "creditNote" | "createCreditNotes" | "allocateCreditNote">;

export function xeroCreditNotesApi(xero: XeroCaller): XeroCreditNotesApi {
  return {
    async creditNotes(auth, q = {}) {
      return xero.list(
        auth,
        (a, t) => a.getCreditNotes(t, undefined, q.where, undefined, q.page ?? 1, undefined, q.pageSize),
        "creditNotes",
        creditNoteFromXero,
      );
    },
    async creditNote(auth, creditNoteId) {
      return xero.one(auth, (a, t) => a.getCreditNote(t, creditNoteId), "creditNotes", creditNoteFromXero);
    },
    async createCreditNotes(auth, creditNotes, idempotencyKey) {
      const body = { creditNotes: creditNotes.map(creditNoteToXero) };
      return xero.batch(auth, (a, t) => a.createCreditNotes(t, body as never, false, undefined, idempotencyKey), "creditNotes", creditNoteFromXero);
    },
    async allocateCreditNote(auth, creditNoteId, allocations, idempotencyKey) {
      const body = { allocations: allocations.map(allocationToXero) };
      return xero.batch(
        auth,
        (a, t) => a.createCreditNoteAllocation(t, creditNoteId, body as never, false, idempotencyKey),
        "allocations",
        (al, i) => allocationFromXero(al, allocations[i]?.currency ?? "USD"),
      );
    },
  };
}

function creditNoteToXero(c: XeroCreditNoteInput): XeroModel {
  return {
    type: c.type,
    contact: { contactID: c.contactId },
    ...(c.creditNoteNumber ? { creditNoteNumber: c.creditNoteNumber } : {}),
    ...(c.reference ? { reference: c.reference } : {}),
    date: c.date,
    currencyCode: c.currency,
    status: c.status ?? "AUTHORISED",
    lineAmountTypes: lineAmountTypesToXero(c.lineAmountTypes),
    lineItems: c.lines.map((l) => lineToXero(l, c.currency)),
  };
}

function allocationToXero(al: XeroAllocationInput): XeroModel {
  return { invoice: { invoiceID: al.invoiceId }, amount: toDecimal(al.amountMinor, al.currency), date: al.date };
}

function allocationFromXero(al: XeroModel, currency: string): XeroAllocation {
  return {
    allocationId: al.allocationID ? String(al.allocationID) : null,
    invoiceId: String((al.invoice as XeroModel | undefined)?.invoiceID ?? ""),
    amountMinor: toMinor(al.amount, currency),
    date: al.date instanceof Date ? al.date.toISOString().slice(0, 10) : null,
  };
}
