import type { XeroCaller } from "./call.ts";
import { invoiceFromXero, lineAmountTypesToXero, lineToXero, type XeroModel } from "./mapping.ts";
import type { XeroInvoiceInput } from "./types.ts";
import type { XeroAccounting } from "./xero.ts";

export type XeroInvoicesApi = Pick<XeroAccounting, "invoices" | "invoice" | "createInvoices">;

/** Sales invoices (ACCREC) and bills (ACCPAY). */
export function xeroInvoicesApi(xero: XeroCaller): XeroInvoicesApi {
  return {
    async invoices(auth, q = {}) {
      return xero.list(
        auth,
        (a, t) =>
          a.getInvoices(t, undefined, q.where, undefined, q.ids, q.invoiceNumbers, q.contactIds, q.statuses, q.page ?? 1, undefined, undefined, undefined, undefined, q.pageSize),
        "invoices",
        invoiceFromXero,
      );
    },
    async invoice(auth, invoiceId) {
      return xero.one(auth, (a, t) => a.getInvoice(t, invoiceId), "invoices", invoiceFromXero);
    },
    async createInvoices(auth, invoices, idempotencyKey) {
      const body = { invoices: invoices.map(invoiceToXero) };
      return xero.batch(auth, (a, t) => a.createInvoices(t, body as never, false, undefined, idempotencyKey), "invoices", invoiceFromXero);
    },
  };
}

function invoiceToXero(i: XeroInvoiceInput): XeroModel {
  return {
    type: i.type,
    contact: { contactID: i.contactId },
    ...(i.invoiceNumber !== undefined ? { invoiceNumber: i.invoiceNumber } : {}),
    ...(i.reference !== undefined && i.type === "ACCREC" ? { reference: i.reference } : {}),
    date: i.date,
    ...(i.dueDate ? { dueDate: i.dueDate } : {}),
    currencyCode: i.currency,
    status: i.status ?? "AUTHORISED",
    lineAmountTypes: lineAmountTypesToXero(i.lineAmountTypes),
    lineItems: i.lines.map((l) => lineToXero(l, i.currency)),
    ...(i.url ? { url: i.url } : {}),
  };
}
