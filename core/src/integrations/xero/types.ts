import type { RateLimitState } from "./errors.ts";

/**
 * What the Xero integration takes and gives. Money is integer minor units with an ISO
 * currency (converted to Xero's decimals at the edge); dates are calendar days (YYYY-MM-DD).
 */

export interface XeroAppConfig {
  clientId: string;
  clientSecret: string;
  /** The app's callback URL registered at Xero. */
  redirectUri: string;
  /** Default: XERO_SCOPES. */
  scopes?: string[];
  /** Longest wait for one Xero call before it counts as unavailable (default 30 s). */
  callTimeoutMs?: number;
}

/** Sign-in, offline refresh, and Xero's granular accounting scopes this product needs. */
export const XERO_SCOPES = [
  "openid",
  "profile",
  "email",
  "offline_access",
  "accounting.settings",
  "accounting.contacts",
  "accounting.invoices",
  "accounting.payments",
  "accounting.banktransactions",
] as const;

export interface XeroTokenSet {
  accessToken: string;
  /** Rotated on every refresh: store it before using it. */
  refreshToken: string;
  idToken?: string;
  expiresAt: Date;
  scopes: string[];
}

export interface XeroConnection {
  id: string;
  tenantId: string;
  tenantName: string;
  tenantType: string;
  authEventId?: string;
  createdAt: string;
  updatedAt: string;
}

/** An access token and the organisation a call is for. */
export interface XeroAuth {
  accessToken: string;
  tenantId: string;
}

export interface XeroResult<T> {
  value: T;
  rateLimit: RateLimitState;
}

export type XeroItemResult<T> = { ok: true; value: T } | { ok: false; messages: string[] };

/** A batch create (`summarizeErrors=false`): one result per element, in request order. */
export interface XeroBatchResult<T> {
  items: Array<XeroItemResult<T>>;
  rateLimit: RateLimitState;
}

export interface XeroOrganisation {
  tenantId: string;
  name: string;
  baseCurrency: string;
  countryCode: string;
}

export interface XeroAccount {
  accountId: string;
  code: string;
  name: string;
  type: string;
  status: string;
  taxType: string;
  /** Bank accounts only. */
  currency: string | null;
  isBank: boolean;
  enablePaymentsToAccount: boolean;
  systemAccount: string | null;
}

export interface XeroTaxRate {
  taxType: string;
  name: string;
  ratePercent: number;
  status: string;
}

export interface XeroTrackingOption {
  optionId: string;
  name: string;
  status: string;
}

export interface XeroTrackingCategory {
  categoryId: string;
  name: string;
  status: string;
  options: XeroTrackingOption[];
}

export interface XeroContactInput {
  name: string;
  /** Our own key for the contact (Xero's "Contact Code", unique). */
  contactNumber?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
}

export interface XeroContact {
  contactId: string;
  name: string;
  status: string;
  contactNumber: string | null;
  email: string | null;
}

export interface XeroLineTracking {
  /** Tracking category name (e.g. "Brand"). */
  category: string;
  /** Option name (e.g. the brand's name). */
  option: string;
}

export interface XeroLineInput {
  description: string;
  /** Default 1. */
  quantity?: number;
  /** Unit price in minor units of the document's currency. */
  unitAmountMinor: number;
  accountCode: string;
  /** Default: the account's tax type. */
  taxType?: string;
  itemCode?: string;
  tracking?: XeroLineTracking[];
}

export type LineAmountTypes = "Exclusive" | "Inclusive" | "NoTax";

export interface XeroInvoiceInput {
  /** ACCPAY: a bill from a supplier; ACCREC: a sales invoice. */
  type: "ACCPAY" | "ACCREC";
  contactId: string;
  /**
   * ACCREC: unique invoice number (Xero numbers it when absent). ACCPAY: the supplier's
   * reference, shown as "Reference" in Xero and searchable with `invoiceNumbers`; Xero keeps no
   * separate reference on bills.
   */
  invoiceNumber?: string;
  /** ACCREC only (Xero drops it on bills). */
  reference?: string;
  date: string;
  dueDate?: string;
  currency: string;
  /** Default AUTHORISED. */
  status?: "DRAFT" | "SUBMITTED" | "AUTHORISED";
  lineAmountTypes?: LineAmountTypes;
  lines: XeroLineInput[];
  /** A link back to our record ("Go to Giftloop" in Xero); must not contain "xero". */
  url?: string;
}

export interface XeroLine {
  lineItemId: string;
  description: string | null;
  quantity: number;
  lineAmountMinor: number;
  taxAmountMinor: number;
  accountCode: string;
  taxType: string;
  tracking: XeroLineTracking[];
}

export interface XeroInvoice {
  invoiceId: string;
  type: string;
  invoiceNumber: string;
  reference: string | null;
  status: string;
  contactId: string;
  currency: string;
  date: string | null;
  subTotalMinor: number;
  totalTaxMinor: number;
  totalMinor: number;
  amountDueMinor: number;
  amountPaidMinor: number;
  amountCreditedMinor: number;
  /** Present when Xero sent them (single reads and paged lists). */
  lines: XeroLine[] | null;
  paymentIds: string[];
}

export interface XeroPaymentInput {
  /** One of invoiceId / creditNoteId. */
  invoiceId?: string;
  creditNoteId?: string;
  /** The bank account paid from / into, by code or id. */
  accountCode?: string;
  accountId?: string;
  date: string;
  amountMinor: number;
  /** Currency of the document paid (for the minor-unit conversion). */
  currency: string;
  reference?: string;
}

export interface XeroPayment {
  paymentId: string;
  amountMinor: number;
  date: string | null;
  reference: string | null;
  invoiceId: string | null;
  creditNoteId: string | null;
  accountId: string | null;
  paymentType: string;
  status: string;
}

export interface XeroCreditNoteInput {
  /** ACCPAYCREDIT: a supplier credit (brand owes us); ACCRECCREDIT: a credit to a customer. */
  type: "ACCPAYCREDIT" | "ACCRECCREDIT";
  contactId: string;
  creditNoteNumber?: string;
  reference?: string;
  date: string;
  currency: string;
  status?: "DRAFT" | "SUBMITTED" | "AUTHORISED";
  lineAmountTypes?: LineAmountTypes;
  lines: XeroLineInput[];
}

export interface XeroCreditNote {
  creditNoteId: string;
  type: string;
  creditNoteNumber: string;
  reference: string | null;
  status: string;
  contactId: string;
  currency: string;
  date: string | null;
  totalMinor: number;
  remainingCreditMinor: number;
  allocations: Array<{ invoiceId: string; amountMinor: number }>;
}

export interface XeroAllocationInput {
  invoiceId: string;
  amountMinor: number;
  currency: string;
  date: string;
}

export interface XeroAllocation {
  allocationId: string | null;
  invoiceId: string;
  amountMinor: number;
  date: string | null;
}

export interface XeroBankTransactionInput {
  type: "SPEND" | "RECEIVE";
  contactId: string;
  bankAccountCode?: string;
  bankAccountId?: string;
  date: string;
  /** The bank account's currency. */
  currency: string;
  reference?: string;
  lineAmountTypes?: LineAmountTypes;
  lines: XeroLineInput[];
}

export interface XeroBankTransaction {
  bankTransactionId: string;
  type: string;
  status: string;
  contactId: string;
  bankAccountId: string | null;
  currency: string;
  date: string | null;
  reference: string | null;
  totalMinor: number;
}

export interface XeroListQuery {
  /** Xero's `where` filter, e.g. `Status=="AUTHORISED"`. */
  where?: string;
  /** Default 1: paged reads include line items. */
  page?: number;
  pageSize?: number;
}
