import { randomUUID } from "node:crypto";

/**
 * One Xero organisation (tenant) of the stand-in: its settings, chart of accounts, tax rates,
 * tracking categories and the documents created through the API. Amounts are integers of
 * cents; rendering to Xero's JSON is in render.ts.
 */

export type AccountStatus = "ACTIVE" | "ARCHIVED";

export interface SAccount {
  AccountID: string;
  Code: string;
  Name: string;
  Type: string;
  TaxType: string;
  Class: "ASSET" | "EQUITY" | "EXPENSE" | "LIABILITY" | "REVENUE";
  Status: AccountStatus;
  EnablePaymentsToAccount: boolean;
  BankAccountNumber?: string;
  CurrencyCode?: string;
  SystemAccount?: string;
  Description?: string;
  updatedAt: number;
}

export interface STaxRate {
  Name: string;
  TaxType: string;
  /** Percent, up to 4 decimals. */
  rate: number;
  ReportTaxType: string;
  Status: "ACTIVE" | "ARCHIVED";
  /** Account classes it may be used with. */
  appliesTo: Array<SAccount["Class"]>;
}

export interface STrackingOption {
  TrackingOptionID: string;
  Name: string;
  Status: "ACTIVE" | "ARCHIVED";
}

export interface STrackingCategory {
  TrackingCategoryID: string;
  Name: string;
  Status: "ACTIVE" | "ARCHIVED";
  Options: STrackingOption[];
}

export interface SContact {
  ContactID: string;
  Name: string;
  ContactStatus: "ACTIVE" | "ARCHIVED";
  ContactNumber?: string;
  AccountNumber?: string;
  FirstName?: string;
  LastName?: string;
  EmailAddress?: string;
  TaxNumber?: string;
  DefaultCurrency?: string;
  IsSupplier: boolean;
  IsCustomer: boolean;
  updatedAt: number;
}

export interface SLineTracking {
  TrackingCategoryID: string;
  TrackingOptionID: string;
  Name: string;
  Option: string;
}

export interface SLine {
  LineItemID: string;
  Description?: string;
  Quantity: number;
  /** As sent (already rounded to the unit decimal places). */
  UnitAmount: number;
  AccountCode: string;
  AccountID: string;
  TaxType: string;
  taxCents: number;
  lineCents: number;
  DiscountRate?: number;
  ItemCode?: string;
  Tracking: SLineTracking[];
}

export type LineAmountTypes = "Exclusive" | "Inclusive" | "NoTax";

interface SDocBase {
  ContactID: string;
  day: string;
  LineAmountTypes: LineAmountTypes;
  lines: SLine[];
  subTotalCents: number;
  totalTaxCents: number;
  totalCents: number;
  CurrencyCode: string;
  CurrencyRate: number;
  Reference?: string;
  createdAt: number;
  updatedAt: number;
}

export interface SInvoice extends SDocBase {
  InvoiceID: string;
  Type: "ACCPAY" | "ACCREC";
  InvoiceNumber: string;
  Status: "DRAFT" | "SUBMITTED" | "AUTHORISED" | "PAID" | "VOIDED" | "DELETED";
  dueDay: string;
  Url?: string;
  paidCents: number;
  creditedCents: number;
  paymentIds: string[];
  allocationIds: string[];
  fullyPaidDay?: string;
}

export interface SCreditNote extends SDocBase {
  CreditNoteID: string;
  Type: "ACCPAYCREDIT" | "ACCRECCREDIT";
  CreditNoteNumber: string;
  Status: "DRAFT" | "SUBMITTED" | "AUTHORISED" | "PAID" | "VOIDED" | "DELETED";
  allocatedCents: number;
  paidCents: number;
  paymentIds: string[];
  allocationIds: string[];
  fullyPaidDay?: string;
}

export interface SPayment {
  PaymentID: string;
  day: string;
  amountCents: number;
  Reference?: string;
  AccountID: string;
  CurrencyRate: number;
  PaymentType: "ACCRECPAYMENT" | "ACCPAYPAYMENT" | "ARCREDITPAYMENT" | "APCREDITPAYMENT";
  InvoiceID?: string;
  CreditNoteID?: string;
  Status: "AUTHORISED" | "DELETED";
  updatedAt: number;
}

export interface SAllocation {
  AllocationID: string;
  CreditNoteID: string;
  InvoiceID: string;
  amountCents: number;
  day: string;
  createdAt: number;
}

export interface SBankTransaction extends SDocBase {
  BankTransactionID: string;
  Type: "SPEND" | "RECEIVE";
  AccountID: string;
  Status: "AUTHORISED" | "DELETED" | "VOIDED";
  IsReconciled: boolean;
  Url?: string;
}

export interface OrgSeed {
  name: string;
  /** Default: a fresh UUID. */
  tenantId?: string;
  baseCurrency?: string;
  /** Currencies enabled besides the base currency (multi-currency). */
  currencies?: string[];
  countryCode?: string;
  /** Percent of the INPUT/OUTPUT tax rates (default 10). */
  taxRate?: number;
  /** Extra bank accounts: [{code, name, currency}]. */
  bankAccounts?: Array<{ code: string; name: string; currency?: string }>;
}

export interface Org {
  tenantId: string;
  name: string;
  shortCode: string;
  baseCurrency: string;
  currencies: Set<string>;
  countryCode: string;
  createdAt: number;
  accounts: Map<string, SAccount>;
  taxRates: STaxRate[];
  tracking: STrackingCategory[];
  contacts: Map<string, SContact>;
  invoices: Map<string, SInvoice>;
  creditNotes: Map<string, SCreditNote>;
  payments: Map<string, SPayment>;
  allocations: Map<string, SAllocation>;
  bankTransactions: Map<string, SBankTransaction>;
  counters: { invoice: number; creditNote: number };
}

function account(a: Omit<SAccount, "AccountID" | "Status" | "EnablePaymentsToAccount" | "updatedAt"> & Partial<SAccount>, now: number): SAccount {
  return { AccountID: randomUUID(), Status: "ACTIVE", EnablePaymentsToAccount: false, updatedAt: now, ...a };
}

/** A new organisation with a small chart of accounts in the shape of Xero's demo company. */
export function createOrg(seed: OrgSeed, now: number): Org {
  const base = (seed.baseCurrency ?? "USD").toUpperCase();
  const rate = seed.taxRate ?? 10;
  const accounts = [
    account({ Code: "090", Name: "Business Bank Account", Type: "BANK", TaxType: "NONE", Class: "ASSET", BankAccountNumber: "0901234567", CurrencyCode: base }, now),
    account({ Code: "091", Name: "Stripe Clearing", Type: "BANK", TaxType: "NONE", Class: "ASSET", BankAccountNumber: "STRIPE-CLEARING", CurrencyCode: base }, now),
    ...(seed.bankAccounts ?? []).map((b) =>
      account({ Code: b.code, Name: b.name, Type: "BANK", TaxType: "NONE", Class: "ASSET", BankAccountNumber: b.code, CurrencyCode: (b.currency ?? base).toUpperCase() }, now),
    ),
    account({ Code: "200", Name: "Sales", Type: "REVENUE", TaxType: "OUTPUT", Class: "REVENUE" }, now),
    account({ Code: "260", Name: "Other Revenue", Type: "REVENUE", TaxType: "OUTPUT", Class: "REVENUE" }, now),
    account({ Code: "270", Name: "Commission Income", Type: "REVENUE", TaxType: "OUTPUT", Class: "REVENUE" }, now),
    account({ Code: "310", Name: "Cost of Goods Sold", Type: "DIRECTCOSTS", TaxType: "INPUT", Class: "EXPENSE" }, now),
    account({ Code: "320", Name: "Gift Fulfilment (brands)", Type: "DIRECTCOSTS", TaxType: "INPUT", Class: "EXPENSE" }, now),
    account({ Code: "404", Name: "Bank Fees", Type: "EXPENSE", TaxType: "NONE", Class: "EXPENSE" }, now),
    account({ Code: "405", Name: "Payment Processing Fees", Type: "EXPENSE", TaxType: "NONE", Class: "EXPENSE" }, now),
    account({ Code: "429", Name: "General Expenses", Type: "EXPENSE", TaxType: "INPUT", Class: "EXPENSE" }, now),
    account({ Code: "610", Name: "Accounts Receivable", Type: "CURRENT", TaxType: "NONE", Class: "ASSET", SystemAccount: "DEBTORS" }, now),
    account({ Code: "800", Name: "Accounts Payable", Type: "CURRLIAB", TaxType: "NONE", Class: "LIABILITY", SystemAccount: "CREDITORS" }, now),
    account({ Code: "820", Name: "Sales Tax", Type: "CURRLIAB", TaxType: "NONE", Class: "LIABILITY", SystemAccount: "GST" }, now),
    account({ Code: "960", Name: "Retained Earnings", Type: "EQUITY", TaxType: "NONE", Class: "EQUITY", SystemAccount: "RETAINEDEARNINGS" }, now),
  ];
  const all: Array<SAccount["Class"]> = ["ASSET", "EQUITY", "EXPENSE", "LIABILITY", "REVENUE"];
  return {
    tenantId: seed.tenantId ?? randomUUID(),
    name: seed.name,
    shortCode: `!${Math.random().toString(36).slice(2, 7)}`,
    baseCurrency: base,
    currencies: new Set([base, ...(seed.currencies ?? []).map((c) => c.toUpperCase())]),
    countryCode: seed.countryCode ?? "US",
    createdAt: now,
    accounts: new Map(accounts.map((a) => [a.AccountID, a])),
    taxRates: [
      { Name: "No Tax", TaxType: "NONE", rate: 0, ReportTaxType: "NONE", Status: "ACTIVE", appliesTo: all },
      { Name: "Tax on Purchases", TaxType: "INPUT", rate, ReportTaxType: "INPUT", Status: "ACTIVE", appliesTo: ["ASSET", "EQUITY", "EXPENSE", "LIABILITY"] },
      { Name: "Tax on Sales", TaxType: "OUTPUT", rate, ReportTaxType: "OUTPUT", Status: "ACTIVE", appliesTo: ["ASSET", "EQUITY", "LIABILITY", "REVENUE"] },
      { Name: "Tax Exempt (Purchases)", TaxType: "EXEMPTEXPENSES", rate: 0, ReportTaxType: "EXEMPTEXPENSES", Status: "ACTIVE", appliesTo: ["ASSET", "EQUITY", "EXPENSE", "LIABILITY"] },
      { Name: "Tax Exempt (Sales)", TaxType: "EXEMPTOUTPUT", rate: 0, ReportTaxType: "EXEMPTOUTPUT", Status: "ACTIVE", appliesTo: ["ASSET", "EQUITY", "LIABILITY", "REVENUE"] },
    ],
    tracking: [
      {
        TrackingCategoryID: randomUUID(),
        Name: "Brand",
        Status: "ACTIVE",
        Options: [
          { TrackingOptionID: randomUUID(), Name: "Northwind", Status: "ACTIVE" },
          { TrackingOptionID: randomUUID(), Name: "Contoso", Status: "ACTIVE" },
        ],
      },
      {
        TrackingCategoryID: randomUUID(),
        Name: "Channel",
        Status: "ACTIVE",
        Options: [
          { TrackingOptionID: randomUUID(), Name: "Gifting", Status: "ACTIVE" },
          { TrackingOptionID: randomUUID(), Name: "Direct", Status: "ACTIVE" },
        ],
      },
    ],
    contacts: new Map(),
    invoices: new Map(),
    creditNotes: new Map(),
    payments: new Map(),
    allocations: new Map(),
    bankTransactions: new Map(),
    counters: { invoice: 0, creditNote: 0 },
  };
}

export function accountByCode(org: Org, code: string): SAccount | undefined {
  for (const a of org.accounts.values()) if (a.Code.toLowerCase() === code.toLowerCase()) return a;
  return undefined;
}

export function taxRate(org: Org, taxType: string): STaxRate | undefined {
  return org.taxRates.find((t) => t.TaxType.toUpperCase() === taxType.toUpperCase());
}

/** ISO 4217 names for the Currencies endpoint. */
export function currencyDescription(code: string): string {
  try {
    return new Intl.DisplayNames(["en"], { type: "currency" }).of(code) ?? code;
  } catch {
    return code;
  }
}
