import { dayString, fromCents, msDate, msDay } from "./format.ts";
import type { Org, SAccount, SAllocation, SBankTransaction, SContact, SCreditNote, SInvoice, SLine, SPayment, STaxRate, STrackingCategory } from "./state.ts";

/** The stand-in's objects in Xero's JSON (PascalCase, Microsoft dates, decimal amounts). */

type Json = Record<string, unknown>;

export function renderAccount(a: SAccount): Json {
  return {
    AccountID: a.AccountID,
    Code: a.Code,
    Name: a.Name,
    Status: a.Status,
    Type: a.Type,
    TaxType: a.TaxType,
    Class: a.Class,
    EnablePaymentsToAccount: a.EnablePaymentsToAccount,
    ShowInExpenseClaims: false,
    ...(a.Type === "BANK" ? { BankAccountNumber: a.BankAccountNumber ?? "", BankAccountType: "BANK", CurrencyCode: a.CurrencyCode } : {}),
    ...(a.SystemAccount ? { SystemAccount: a.SystemAccount } : {}),
    ...(a.Description ? { Description: a.Description } : {}),
    ReportingCode: a.Class === "ASSET" ? "ASS" : a.Class === "LIABILITY" ? "LIA" : a.Class === "REVENUE" ? "REV" : a.Class === "EQUITY" ? "EQU" : "EXP",
    ReportingCodeName: a.Class.charAt(0) + a.Class.slice(1).toLowerCase(),
    HasAttachments: false,
    UpdatedDateUTC: msDate(a.updatedAt),
    AddToWatchlist: false,
  };
}

export function renderTaxRate(t: STaxRate): Json {
  const can = (c: SAccount["Class"]) => t.appliesTo.includes(c);
  return {
    Name: t.Name,
    TaxType: t.TaxType,
    ReportTaxType: t.ReportTaxType,
    CanApplyToAssets: can("ASSET"),
    CanApplyToEquity: can("EQUITY"),
    CanApplyToExpenses: can("EXPENSE"),
    CanApplyToLiabilities: can("LIABILITY"),
    CanApplyToRevenue: can("REVENUE"),
    DisplayTaxRate: t.rate,
    EffectiveRate: t.rate,
    Status: t.Status,
    TaxComponents: [{ Name: t.Name, Rate: t.rate, IsCompound: false, IsNonRecoverable: false }],
  };
}

export function renderTrackingCategory(c: STrackingCategory, includeArchived: boolean): Json {
  return {
    Name: c.Name,
    Status: c.Status,
    TrackingCategoryID: c.TrackingCategoryID,
    Options: c.Options.filter((o) => includeArchived || o.Status === "ACTIVE").map((o) => ({
      TrackingOptionID: o.TrackingOptionID,
      Name: o.Name,
      Status: o.Status,
    })),
  };
}

export function renderContact(c: SContact, summary = false): Json {
  const core: Json = {
    ContactID: c.ContactID,
    ContactStatus: c.ContactStatus,
    Name: c.Name,
    ...(c.ContactNumber ? { ContactNumber: c.ContactNumber } : {}),
    ...(c.AccountNumber ? { AccountNumber: c.AccountNumber } : {}),
    ...(c.FirstName ? { FirstName: c.FirstName } : {}),
    ...(c.LastName ? { LastName: c.LastName } : {}),
    ...(c.EmailAddress ? { EmailAddress: c.EmailAddress } : {}),
    ...(c.TaxNumber ? { TaxNumber: c.TaxNumber } : {}),
    ...(c.DefaultCurrency ? { DefaultCurrency: c.DefaultCurrency } : {}),
    UpdatedDateUTC: msDate(c.updatedAt),
    IsSupplier: c.IsSupplier,
    IsCustomer: c.IsCustomer,
  };
  if (summary) return core;
  return { ...core, Addresses: [], Phones: [], ContactGroups: [], ContactPersons: [], HasAttachments: false, HasValidationErrors: false };
}

/** The contact as documents embed it. */
function contactRef(org: Org, id: string): Json {
  const c = org.contacts.get(id);
  return c ? renderContact(c, true) : { ContactID: id };
}

function renderLine(l: SLine): Json {
  return {
    LineItemID: l.LineItemID,
    ...(l.Description !== undefined ? { Description: l.Description } : {}),
    Quantity: l.Quantity,
    UnitAmount: l.UnitAmount,
    ...(l.ItemCode ? { ItemCode: l.ItemCode } : {}),
    AccountCode: l.AccountCode,
    AccountID: l.AccountID,
    TaxType: l.TaxType,
    TaxAmount: fromCents(l.taxCents),
    LineAmount: fromCents(l.lineCents),
    ...(l.DiscountRate !== undefined ? { DiscountRate: l.DiscountRate } : {}),
    Tracking: l.Tracking.map((t) => ({ ...t })),
  };
}

function paymentSummary(p: SPayment): Json {
  return {
    PaymentID: p.PaymentID,
    Date: msDay(p.day),
    Amount: fromCents(p.amountCents),
    ...(p.Reference ? { Reference: p.Reference } : {}),
    CurrencyRate: p.CurrencyRate,
    HasAccount: false,
    HasValidationErrors: false,
  };
}

/** `withLines`: Xero leaves line items out of multi-document reads that are not paged. */
export function renderInvoice(org: Org, inv: SInvoice, withLines = true): Json {
  const due = inv.totalCents - inv.paidCents - inv.creditedCents;
  return {
    Type: inv.Type,
    InvoiceID: inv.InvoiceID,
    InvoiceNumber: inv.InvoiceNumber,
    ...(inv.Type === "ACCREC" ? { Reference: inv.Reference ?? "" } : {}),
    Payments: inv.paymentIds.map((id) => paymentSummary(org.payments.get(id) as SPayment)),
    CreditNotes: inv.allocationIds.map((id) => {
      const a = org.allocations.get(id) as SAllocation;
      const cn = org.creditNotes.get(a.CreditNoteID) as SCreditNote;
      return { CreditNoteID: cn.CreditNoteID, CreditNoteNumber: cn.CreditNoteNumber, AppliedAmount: fromCents(a.amountCents), Date: msDay(a.day), Total: fromCents(cn.totalCents) };
    }),
    Prepayments: [],
    Overpayments: [],
    AmountDue: fromCents(due),
    AmountPaid: fromCents(inv.paidCents),
    AmountCredited: fromCents(inv.creditedCents),
    CurrencyRate: inv.CurrencyRate,
    IsDiscounted: inv.lines.some((l) => l.DiscountRate !== undefined),
    HasAttachments: false,
    HasErrors: false,
    Contact: contactRef(org, inv.ContactID),
    DateString: dayString(inv.day),
    Date: msDay(inv.day),
    DueDateString: dayString(inv.dueDay),
    DueDate: msDay(inv.dueDay),
    ...(inv.fullyPaidDay ? { FullyPaidOnDate: msDay(inv.fullyPaidDay) } : {}),
    Status: inv.Status,
    LineAmountTypes: inv.LineAmountTypes,
    ...(withLines ? { LineItems: inv.lines.map(renderLine) } : {}),
    SubTotal: fromCents(inv.subTotalCents),
    TotalTax: fromCents(inv.totalTaxCents),
    Total: fromCents(inv.totalCents),
    UpdatedDateUTC: msDate(inv.updatedAt),
    CurrencyCode: inv.CurrencyCode,
    ...(inv.Url ? { Url: inv.Url } : {}),
  };
}

export function renderCreditNote(org: Org, cn: SCreditNote, withLines = true): Json {
  return {
    CreditNoteID: cn.CreditNoteID,
    CreditNoteNumber: cn.CreditNoteNumber,
    Type: cn.Type,
    ...(cn.Reference ? { Reference: cn.Reference } : {}),
    Payments: cn.paymentIds.map((id) => paymentSummary(org.payments.get(id) as SPayment)),
    Allocations: cn.allocationIds.map((id) => renderAllocation(org, org.allocations.get(id) as SAllocation, "invoice")),
    RemainingCredit: fromCents(cn.totalCents - cn.allocatedCents - cn.paidCents),
    AppliedAmount: fromCents(cn.allocatedCents + cn.paidCents),
    HasAttachments: false,
    HasErrors: false,
    Contact: contactRef(org, cn.ContactID),
    DateString: dayString(cn.day),
    Date: msDay(cn.day),
    ...(cn.fullyPaidDay ? { FullyPaidOnDate: msDay(cn.fullyPaidDay) } : {}),
    Status: cn.Status,
    LineAmountTypes: cn.LineAmountTypes,
    ...(withLines ? { LineItems: cn.lines.map(renderLine) } : {}),
    SubTotal: fromCents(cn.subTotalCents),
    TotalTax: fromCents(cn.totalTaxCents),
    Total: fromCents(cn.totalCents),
    UpdatedDateUTC: msDate(cn.updatedAt),
    CurrencyCode: cn.CurrencyCode,
    CurrencyRate: cn.CurrencyRate,
  };
}

/** `side`: which document the allocation is embedded in names the other one. */
export function renderAllocation(org: Org, a: SAllocation, side: "invoice" | "both"): Json {
  const inv = org.invoices.get(a.InvoiceID) as SInvoice;
  const cn = org.creditNotes.get(a.CreditNoteID) as SCreditNote;
  return {
    AllocationID: a.AllocationID,
    Amount: fromCents(a.amountCents),
    Date: msDay(a.day),
    Invoice: { InvoiceID: inv.InvoiceID, InvoiceNumber: inv.InvoiceNumber, Type: inv.Type, Payments: [], CreditNotes: [], Prepayments: [], Overpayments: [], HasErrors: false, IsDiscounted: false, LineItems: [] },
    ...(side === "both" ? { CreditNote: { CreditNoteID: cn.CreditNoteID, CreditNoteNumber: cn.CreditNoteNumber, Type: cn.Type } } : {}),
    IsDeleted: false,
  };
}

export function renderPayment(org: Org, p: SPayment): Json {
  const account = org.accounts.get(p.AccountID) as SAccount;
  const inv = p.InvoiceID ? org.invoices.get(p.InvoiceID) : undefined;
  const cn = p.CreditNoteID ? org.creditNotes.get(p.CreditNoteID) : undefined;
  return {
    PaymentID: p.PaymentID,
    Date: msDay(p.day),
    BankAmount: fromCents(p.amountCents),
    Amount: fromCents(p.amountCents),
    ...(p.Reference ? { Reference: p.Reference } : {}),
    CurrencyRate: p.CurrencyRate,
    PaymentType: p.PaymentType,
    Status: p.Status,
    UpdatedDateUTC: msDate(p.updatedAt),
    HasAccount: true,
    IsReconciled: false,
    HasValidationErrors: false,
    Account: { AccountID: account.AccountID, Code: account.Code, Name: account.Name },
    ...(inv
      ? {
          Invoice: {
            Type: inv.Type,
            InvoiceID: inv.InvoiceID,
            InvoiceNumber: inv.InvoiceNumber,
            Contact: contactRef(org, inv.ContactID),
            CurrencyCode: inv.CurrencyCode,
            Payments: [],
            CreditNotes: [],
            Prepayments: [],
            Overpayments: [],
            HasErrors: false,
            IsDiscounted: false,
            LineItems: [],
          },
        }
      : {}),
    ...(cn
      ? { CreditNote: { CreditNoteID: cn.CreditNoteID, CreditNoteNumber: cn.CreditNoteNumber, Type: cn.Type, Contact: contactRef(org, cn.ContactID), CurrencyCode: cn.CurrencyCode, LineItems: [] } }
      : {}),
  };
}

export function renderBankTransaction(org: Org, t: SBankTransaction, withLines = true): Json {
  const account = org.accounts.get(t.AccountID) as SAccount;
  return {
    BankTransactionID: t.BankTransactionID,
    Type: t.Type,
    Status: t.Status,
    IsReconciled: t.IsReconciled,
    ...(t.Reference ? { Reference: t.Reference } : {}),
    Contact: contactRef(org, t.ContactID),
    BankAccount: { AccountID: account.AccountID, Code: account.Code, Name: account.Name },
    DateString: dayString(t.day),
    Date: msDay(t.day),
    LineAmountTypes: t.LineAmountTypes,
    ...(withLines ? { LineItems: t.lines.map(renderLine) } : {}),
    SubTotal: fromCents(t.subTotalCents),
    TotalTax: fromCents(t.totalTaxCents),
    Total: fromCents(t.totalCents),
    CurrencyCode: t.CurrencyCode,
    CurrencyRate: t.CurrencyRate,
    UpdatedDateUTC: msDate(t.updatedAt),
    HasAttachments: false,
    ...(t.Url ? { Url: t.Url } : {}),
  };
}

export function renderOrganisation(org: Org): Json {
  return {
    OrganisationID: org.tenantId,
    APIKey: "",
    Name: org.name,
    LegalName: org.name,
    PaysTax: true,
    Version: "GLOBAL",
    OrganisationType: "COMPANY",
    BaseCurrency: org.baseCurrency,
    CountryCode: org.countryCode,
    IsDemoCompany: false,
    OrganisationStatus: "ACTIVE",
    FinancialYearEndDay: 31,
    FinancialYearEndMonth: 12,
    SalesTaxBasis: "ACCRUALS",
    SalesTaxPeriod: "QUARTERLY",
    DefaultSalesTax: "Tax Exclusive",
    DefaultPurchasesTax: "Tax Exclusive",
    CreatedDateUTC: msDate(org.createdAt),
    OrganisationEntityType: "COMPANY",
    Timezone: "UTC",
    ShortCode: org.shortCode,
    Class: "STANDARD",
    Edition: "BUSINESS",
    LineOfBusiness: "Gifting",
    Addresses: [],
    Phones: [],
    ExternalLinks: [],
    PaymentTerms: {},
  };
}
