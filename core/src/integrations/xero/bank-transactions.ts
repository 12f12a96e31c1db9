import type { XeroCaller } from "./call.ts";
import { bankTransactionFromXero, lineAmountTypesToXero, lineToXero, type XeroModel } from "./mapping.ts";
import type { XeroBankTransactionInput } from "./types.ts";
import type { XeroAccounting } from "./xero.ts";

export type XeroBankTransactionsApi = Pick<XeroAccounting, "bankTransactions" | "createBankTransactions">;

export function xeroBankTransactionsApi(xero: XeroCaller): XeroBankTransactionsApi {
  return {
    async bankTransactions(auth, q = {}) {
      return xero.list(
        auth,
        (a, t) => a.getBankTransactions(t, undefined, q.where, undefined, q.page ?? 1, undefined, q.pageSize),
        "bankTransactions",
        bankTransactionFromXero,
      );
    },
    async createBankTransactions(auth, transactions, idempotencyKey) {
      const body = { bankTransactions: transactions.map(bankTransactionToXero) };
      return xero.batch(
        auth,
        (a, t) => a.createBankTransactions(t, body as never, false, undefined, idempotencyKey),
        "bankTransactions",
        bankTransactionFromXero,
      );
    },
  };
}

function bankTransactionToXero(t: XeroBankTransactionInput): XeroModel {
  return {
    type: t.type,
    contact: { contactID: t.contactId },
    bankAccount: t.bankAccountId ? { accountID: t.bankAccountId } : { code: t.bankAccountCode },
    date: t.date,
    currencyCode: t.currency,
    ...(t.reference ? { reference: t.reference } : {}),
    lineAmountTypes: lineAmountTypesToXero(t.lineAmountTypes),
    lineItems: t.lines.map((l) => lineToXero(l, t.currency)),
  };
}
