import { xeroBankTransactionsApi } from "./bank-transactions.ts";
import { xeroCaller } from "./call.ts";
import { xeroContactsApi } from "./contacts.ts";
import { xeroCreditNotesApi } from "./credit-notes.ts";
import { xeroInvoicesApi } from "./invoices.ts";
import { xeroOAuth } from "./oauth.ts";
import { xeroPaymentsApi } from "./payments.ts";
import { xeroSettingsApi } from "./settings.ts";
import type {
  XeroAccount,
  XeroAllocation,
  XeroAllocationInput,
  XeroAppConfig,
  XeroAuth,
  XeroBankTransaction,
  XeroBankTransactionInput,
  XeroBatchResult,
  XeroConnection,
  XeroContact,
  XeroContactInput,
  XeroCreditNote,
  XeroCreditNoteInput,
  XeroInvoice,
  XeroInvoiceInput,
  XeroListQuery,
  XeroOrganisation,
  XeroPayment,
  XeroPaymentInput,
  XeroResult,
  XeroTaxRate,
  XeroTokenSet,
  XeroTrackingCategory,
  XeroTrackingOption,
} from "./types.ts";

export * from "./errors.ts";
export * from "./types.ts";

/**
 * The one accounting integration: Xero through the official `xero-node`, unmodified.
 *
 * - One XeroClient per call: xero-node keeps the access token on shared objects.
 * - Errors come out typed (errors.ts); nothing is retried here (jobs retry with backoff).
 * - Every result carries Xero's rate-limit headers so callers can pace themselves.
 * - Every create sends the caller's `Idempotency-Key` (derive it from our record id) and, for
 *   batches, `summarizeErrors=false`: one result per element, partial success included.
 * - Token refresh only exchanges the token: single-flight under a lock and storing the rotated
 *   refresh token before use are the caller's job.
 * In sandbox mode the host routing (sandbox-routing.ts) sends xero-node to the local stand-in.
 */
export interface XeroAccounting {
  /** Xero's consent page URL for `state` (which the callback must bring back). */
  consentUrl(state: string): Promise<string>;
  /** The callback URL Xero redirected to -> tokens; checks `state` (XeroOAuthError state_mismatch). */
  exchangeCode(callbackUrl: string, expectedState: string): Promise<XeroTokenSet>;
  /** A new token set; the refresh token is rotated (XeroInvalidGrant when refused). */
  refresh(refreshToken: string): Promise<XeroTokenSet>;
  /** Revokes a refresh token, ending the app's access to its organisations. */
  revoke(refreshToken: string): Promise<void>;
  connections(accessToken: string): Promise<XeroConnection[]>;
  disconnect(accessToken: string, connectionId: string): Promise<void>;

  organisation(auth: XeroAuth): Promise<XeroResult<XeroOrganisation>>;
  currencies(auth: XeroAuth): Promise<XeroResult<string[]>>;
  accounts(auth: XeroAuth, query?: { where?: string }): Promise<XeroResult<XeroAccount[]>>;
  taxRates(auth: XeroAuth): Promise<XeroResult<XeroTaxRate[]>>;
  trackingCategories(auth: XeroAuth): Promise<XeroResult<XeroTrackingCategory[]>>;
  createTrackingOption(auth: XeroAuth, categoryId: string, name: string, idempotencyKey: string): Promise<XeroResult<XeroTrackingOption>>;

  contacts(auth: XeroAuth, query?: XeroListQuery & { ids?: string[]; includeArchived?: boolean }): Promise<XeroResult<XeroContact[]>>;
  contact(auth: XeroAuth, contactId: string): Promise<XeroResult<XeroContact>>;
  createContacts(auth: XeroAuth, contacts: XeroContactInput[], idempotencyKey: string): Promise<XeroBatchResult<XeroContact>>;
  updateContact(auth: XeroAuth, contactId: string, patch: Partial<XeroContactInput>, idempotencyKey: string): Promise<XeroResult<XeroContact>>;

  /** Invoices by number (bills: the supplier reference), where, ids, status; paged with lines. */
  invoices(auth: XeroAuth, query?: XeroListQuery & { invoiceNumbers?: string[]; ids?: string[]; contactIds?: string[]; statuses?: string[] }): Promise<XeroResult<XeroInvoice[]>>;
  invoice(auth: XeroAuth, invoiceId: string): Promise<XeroResult<XeroInvoice>>;
  createInvoices(auth: XeroAuth, invoices: XeroInvoiceInput[], idempotencyKey: string): Promise<XeroBatchResult<XeroInvoice>>;

  payments(auth: XeroAuth, query?: XeroListQuery): Promise<XeroResult<XeroPayment[]>>;
  createPayments(auth: XeroAuth, payments: XeroPaymentInput[], idempotencyKey: string): Promise<XeroBatchResult<XeroPayment>>;

  creditNotes(auth: XeroAuth, query?: XeroListQuery): Promise<XeroResult<XeroCreditNote[]>>;
  creditNote(auth: XeroAuth, creditNoteId: string): Promise<XeroResult<XeroCreditNote>>;
  createCreditNotes(auth: XeroAuth, creditNotes: XeroCreditNoteInput[], idempotencyKey: string): Promise<XeroBatchResult<XeroCreditNote>>;
  allocateCreditNote(auth: XeroAuth, creditNoteId: string, allocations: XeroAllocationInput[], idempotencyKey: string): Promise<XeroBatchResult<XeroAllocation>>;

  bankTransactions(auth: XeroAuth, query?: XeroListQuery): Promise<XeroResult<XeroBankTransaction[]>>;
  createBankTransactions(auth: XeroAuth, transactions: XeroBankTransactionInput[], idempotencyKey: string): Promise<XeroBatchResult<XeroBankTransaction>>;
}

/**
 * The live implementation (the lead wires it from configuration): one module per group of
 * operations (sign-in, settings, contacts, invoices, payments, credit notes, bank
 * transactions), all calling Xero through one `XeroCaller` (call.ts).
 */
export function createXeroAccounting(config: XeroAppConfig): XeroAccounting {
  const xero = xeroCaller(config.callTimeoutMs ?? 30_000);
  return {
    ...xeroOAuth(config, xero),
    ...xeroSettingsApi(xero),
    ...xeroContactsApi(xero),
    ...xeroInvoicesApi(xero),
    ...xeroPaymentsApi(xero),
    ...xeroCreditNotesApi(xero),
    ...xeroBankTransactionsApi(xero),
  };
}
