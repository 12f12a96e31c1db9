import type { XeroCaller } from "./call.ts";
import { paymentCurrency, paymentFromXero, toDecimal, type XeroModel } from "./mapping.ts";
import type { XeroPaymentInput } from "./types.ts";
import type { XeroAccounting } from "./xero.ts";

export type XeroPaymentsApi = Pick<XeroAccounting, "payments" | "createPayments">;

export function xeroPaymentsApi(xero: XeroCaller): XeroPaymentsApi {
  return {
    async payments(auth, q = {}) {
      return xero.list(
        auth,
        (a, t) => a.getPayments(t, undefined, q.where, undefined, q.page ?? 1, q.pageSize),
        "payments",
        (p) => paymentFromXero(p, paymentCurrency(p, "USD")),
      );
    },
    async createPayments(auth, payments, idempotencyKey) {
      const body = { payments: payments.map(paymentToXero) };
      return xero.batch(
        auth,
        (a, t) => a.createPayments(t, body as never, false, idempotencyKey),
        "payments",
        (p, i) => paymentFromXero(p, paymentCurrency(p, payments[i]?.currency ?? "USD")),
      );
    },
  };
}

function paymentToXero(p: XeroPaymentInput): XeroModel {
  return {
    ...(p.invoiceId ? { invoice: { invoiceID: p.invoiceId } } : {}),
    ...(p.creditNoteId ? { creditNote: { creditNoteID: p.creditNoteId } } : {}),
    account: p.accountId ? { accountID: p.accountId } : { code: p.accountCode },
    date: p.date,
    amount: toDecimal(p.amountMinor, p.currency),
    ...(p.reference ? { reference: p.reference } : {}),
  };
}
