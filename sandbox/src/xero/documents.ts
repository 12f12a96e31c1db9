import { randomUUID } from "node:crypto";
import { documentContact } from "./contacts.ts";
import { check, ItemInvalid } from "./errors.ts";
import { parseDay, toCents, today } from "./format.ts";
import { buildLines, checkSentTotals, lineAmountTypes } from "./lines.ts";
import { accountByCode, type Org, type SAccount, type SBankTransaction, type SCreditNote, type SInvoice, type SPayment } from "./state.ts";

/**
 * Creating invoices (ACCPAY bills, ACCREC sales invoices), credit notes, bank transactions,
 * payments and credit-note allocations, with Xero's rules:
 * - new documents are DRAFT unless sent SUBMITTED or AUTHORISED; lines are required and
 *   checked (accounts, tax types, tracking) unless DRAFT;
 * - the currency must be enabled in the organisation; a bank transaction is in its bank
 *   account's currency;
 * - ACCREC invoice numbers are unique and generated when absent (INV-0001); ACCPAY invoice
 *   numbers are free text, shown as "Reference" in Xero; the `Reference` field is ACCREC only
 *   (Xero drops it on bills);
 * - payments and allocations only against AUTHORISED documents, never above what is
 *   outstanding; a document paid or credited in full becomes PAID.
 */

type Json = Record<string, unknown>;

export interface DocContext {
  now: number;
  unitdp: 2 | 4;
}

function day(value: unknown, field: string, fallback: string, errors: string[]): string {
  if (value === undefined || value === null || value === "") return fallback;
  const d = parseDay(value);
  if (!d) errors.push(`${field} '${String(value)}' is not a valid date.`);
  return d ?? fallback;
}

function currency(org: Org, value: unknown, fallback: string, errors: string[]): string {
  const code = typeof value === "string" && value ? value.toUpperCase() : fallback;
  if (!org.currencies.has(code)) errors.push(`Organisation is not subscribed to currency ${code}`);
  return code;
}

function status<T extends string>(value: unknown, allowed: readonly T[], fallback: T, kind: string, errors: string[]): T {
  if (value === undefined || value === null || value === "") return fallback;
  if (!allowed.includes(value as T)) errors.push(`${kind} not of valid status for creation`);
  return (allowed.includes(value as T) ? value : fallback) as T;
}

function nextNumber(prefix: string, n: number): string {
  return `${prefix}-${String(n).padStart(4, "0")}`;
}

function url(value: unknown, errors: string[]): string | undefined {
  if (typeof value !== "string" || !value) return undefined;
  try {
    const u = new URL(value);
    if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error("scheme");
    if (/xero/i.test(value)) errors.push("The Url cannot contain the word 'xero'.");
    return value;
  } catch {
    errors.push("The Url is not a valid absolute URL.");
    return undefined;
  }
}

export function createInvoice(org: Org, item: Json, ctx: DocContext): SInvoice {
  const errors: string[] = [];
  const type = item.Type;
  if (type !== "ACCPAY" && type !== "ACCREC") throw new ItemInvalid([`'${String(type ?? "")}' is not a valid invoice type; use ACCPAY or ACCREC.`]);
  const st = status(item.Status, ["DRAFT", "SUBMITTED", "AUTHORISED"] as const, "DRAFT", "Invoice", errors);
  const contact = documentContact(org, item.Contact, ctx.now, errors);
  const date = day(item.Date, "Date", today(ctx.now), errors);
  const due = day(item.DueDate, "DueDate", date, errors);
  const cur = currency(org, item.CurrencyCode, org.baseCurrency, errors);
  const amountTypes = lineAmountTypes(item.LineAmountTypes);
  let number = typeof item.InvoiceNumber === "string" ? item.InvoiceNumber.trim() : "";
  if (number.length > 255) errors.push("The InvoiceNumber must be 255 characters or less.");
  if (type === "ACCREC") {
    if (number && [...org.invoices.values()].some((i) => i.Type === "ACCREC" && i.InvoiceNumber.toLowerCase() === number.toLowerCase() && i.Status !== "DELETED")) {
      errors.push("Invoice # must be unique.");
    }
  }
  const link = url(item.Url, errors);
  let totals;
  try {
    totals = buildLines(org, item.LineItems, amountTypes, { kind: "invoice", discounts: type === "ACCREC", strict: st !== "DRAFT", unitdp: ctx.unitdp });
  } catch (e) {
    if (!(e instanceof ItemInvalid)) throw e;
    errors.push(...e.messages);
  }
  if (totals) {
    errors.push(...checkSentTotals(item, totals));
    if (totals.totalCents < 0) errors.push("The invoice total cannot be negative.");
  }
  check(errors);
  if (!contact || !totals) throw new ItemInvalid(["The invoice could not be created."]);
  org.contacts.set(contact.ContactID, contact);
  if (type === "ACCREC" && !number) number = nextNumber("INV", ++org.counters.invoice);
  const inv: SInvoice = {
    InvoiceID: randomUUID(),
    Type: type,
    InvoiceNumber: number,
    Status: st,
    ContactID: contact.ContactID,
    day: date,
    dueDay: due,
    LineAmountTypes: amountTypes,
    ...totals,
    CurrencyCode: cur,
    CurrencyRate: typeof item.CurrencyRate === "number" && cur !== org.baseCurrency ? item.CurrencyRate : 1,
    ...(type === "ACCREC" && typeof item.Reference === "string" ? { Reference: item.Reference } : {}),
    ...(link ? { Url: link } : {}),
    paidCents: 0,
    creditedCents: 0,
    paymentIds: [],
    allocationIds: [],
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  org.invoices.set(inv.InvoiceID, inv);
  if (st === "AUTHORISED") {
    if (type === "ACCPAY") contact.IsSupplier = true;
    else contact.IsCustomer = true;
  }
  return inv;
}

/** POST /Invoices element naming an InvoiceID: the changes Xero allows on an existing invoice. */
export function updateInvoice(org: Org, inv: SInvoice, item: Json, ctx: DocContext): SInvoice {
  const errors: string[] = [];
  const to = item.Status;
  if (to !== undefined && to !== inv.Status) {
    const paidOrCredited = inv.paidCents + inv.creditedCents > 0;
    const ok =
      (to === "AUTHORISED" && (inv.Status === "DRAFT" || inv.Status === "SUBMITTED")) ||
      (to === "SUBMITTED" && inv.Status === "DRAFT") ||
      (to === "DELETED" && (inv.Status === "DRAFT" || inv.Status === "SUBMITTED")) ||
      (to === "VOIDED" && inv.Status === "AUTHORISED" && !paidOrCredited);
    if (!ok) errors.push(paidOrCredited ? "This document cannot be edited as it has a payment or credit note allocated to it." : "Invoice not of valid status for modification");
  }
  if (item.LineItems !== undefined && inv.Status !== "DRAFT" && inv.Status !== "SUBMITTED" && inv.Status !== "AUTHORISED") errors.push("Invoice not of valid status for modification");
  check(errors);
  if (typeof item.InvoiceNumber === "string") inv.InvoiceNumber = item.InvoiceNumber;
  if (inv.Type === "ACCREC" && typeof item.Reference === "string") inv.Reference = item.Reference;
  if (item.DueDate !== undefined) inv.dueDay = day(item.DueDate, "DueDate", inv.dueDay, errors);
  if (typeof to === "string") inv.Status = to as SInvoice["Status"];
  inv.updatedAt = ctx.now;
  check(errors);
  return inv;
}

export function createCreditNote(org: Org, item: Json, ctx: DocContext): SCreditNote {
  const errors: string[] = [];
  const type = item.Type;
  if (type !== "ACCPAYCREDIT" && type !== "ACCRECCREDIT") throw new ItemInvalid([`'${String(type ?? "")}' is not a valid credit note type; use ACCPAYCREDIT or ACCRECCREDIT.`]);
  const st = status(item.Status, ["DRAFT", "SUBMITTED", "AUTHORISED"] as const, "DRAFT", "Credit note", errors);
  const contact = documentContact(org, item.Contact, ctx.now, errors);
  const date = day(item.Date, "Date", today(ctx.now), errors);
  const cur = currency(org, item.CurrencyCode, org.baseCurrency, errors);
  const amountTypes = lineAmountTypes(item.LineAmountTypes);
  let number = typeof item.CreditNoteNumber === "string" ? item.CreditNoteNumber.trim() : "";
  if (type === "ACCRECCREDIT" && number && [...org.creditNotes.values()].some((c) => c.Type === "ACCRECCREDIT" && c.CreditNoteNumber.toLowerCase() === number.toLowerCase())) {
    errors.push("Credit note # must be unique.");
  }
  let totals;
  try {
    totals = buildLines(org, item.LineItems, amountTypes, { kind: "credit note", discounts: false, strict: st !== "DRAFT", unitdp: ctx.unitdp });
  } catch (e) {
    if (!(e instanceof ItemInvalid)) throw e;
    errors.push(...e.messages);
  }
  if (totals) {
    errors.push(...checkSentTotals(item, totals));
    if (totals.totalCents < 0) errors.push("The credit note total cannot be negative.");
  }
  check(errors);
  if (!contact || !totals) throw new ItemInvalid(["The credit note could not be created."]);
  org.contacts.set(contact.ContactID, contact);
  if (type === "ACCRECCREDIT" && !number) number = nextNumber("CN", ++org.counters.creditNote);
  const cn: SCreditNote = {
    CreditNoteID: randomUUID(),
    Type: type,
    CreditNoteNumber: number,
    Status: st,
    ContactID: contact.ContactID,
    day: date,
    LineAmountTypes: amountTypes,
    ...totals,
    CurrencyCode: cur,
    CurrencyRate: typeof item.CurrencyRate === "number" && cur !== org.baseCurrency ? item.CurrencyRate : 1,
    ...(typeof item.Reference === "string" ? { Reference: item.Reference } : {}),
    allocatedCents: 0,
    paidCents: 0,
    paymentIds: [],
    allocationIds: [],
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  org.creditNotes.set(cn.CreditNoteID, cn);
  return cn;
}

function bankAccount(org: Org, raw: unknown, errors: string[], purpose: "payment" | "bank"): SAccount | undefined {
  const ref = raw && typeof raw === "object" ? (raw as Json) : undefined;
  const account = typeof ref?.AccountID === "string" ? org.accounts.get(ref.AccountID) : typeof ref?.Code === "string" ? accountByCode(org, ref.Code) : undefined;
  if (!ref || (typeof ref.AccountID !== "string" && typeof ref.Code !== "string")) {
    errors.push(purpose === "payment" ? "An Account must be specified for the payment." : "A bank account must be specified.");
    return undefined;
  }
  if (!account) {
    errors.push(`Account could not be found (${String(ref.AccountID ?? ref.Code)}).`);
    return undefined;
  }
  if (account.Status !== "ACTIVE") {
    errors.push(`The account '${account.Code}' has been archived, or deleted.`);
    return undefined;
  }
  if (purpose === "bank" && account.Type !== "BANK") {
    errors.push(`Account '${account.Code}' is not a bank account.`);
    return undefined;
  }
  if (purpose === "payment" && account.Type !== "BANK" && !account.EnablePaymentsToAccount) {
    errors.push("Payments can only be made to or from BANK accounts or accounts with EnablePaymentsToAccount set to true.");
    return undefined;
  }
  return account;
}

export function createBankTransaction(org: Org, item: Json, ctx: DocContext): SBankTransaction {
  const errors: string[] = [];
  const type = item.Type;
  if (type !== "SPEND" && type !== "RECEIVE") throw new ItemInvalid([`Bank transactions of type '${String(type ?? "")}' are not supported here; use SPEND or RECEIVE.`]);
  const contact = documentContact(org, item.Contact, ctx.now, errors);
  const account = bankAccount(org, item.BankAccount, errors, "bank");
  const date = day(item.Date, "Date", today(ctx.now), errors);
  const accountCurrency = account?.CurrencyCode ?? org.baseCurrency;
  const cur = currency(org, item.CurrencyCode, accountCurrency, errors);
  if (account && cur !== accountCurrency) errors.push(`The currency of the bank transaction (${cur}) must match the currency of the bank account (${accountCurrency}).`);
  const st = status(item.Status, ["AUTHORISED"] as const, "AUTHORISED", "Bank transaction", errors);
  const amountTypes = lineAmountTypes(item.LineAmountTypes);
  let totals;
  try {
    totals = buildLines(org, item.LineItems, amountTypes, { kind: "bank transaction", discounts: false, strict: true, unitdp: ctx.unitdp });
  } catch (e) {
    if (!(e instanceof ItemInvalid)) throw e;
    errors.push(...e.messages);
  }
  if (totals) {
    errors.push(...checkSentTotals(item, totals));
    if (totals.totalCents <= 0) errors.push("The bank transaction total must be greater than zero.");
  }
  const link = url(item.Url, errors);
  check(errors);
  if (!contact || !account || !totals) throw new ItemInvalid(["The bank transaction could not be created."]);
  org.contacts.set(contact.ContactID, contact);
  const t: SBankTransaction = {
    BankTransactionID: randomUUID(),
    Type: type,
    AccountID: account.AccountID,
    Status: st,
    IsReconciled: item.IsReconciled === true,
    ContactID: contact.ContactID,
    day: date,
    LineAmountTypes: amountTypes,
    ...totals,
    CurrencyCode: cur,
    CurrencyRate: 1,
    ...(typeof item.Reference === "string" ? { Reference: item.Reference } : {}),
    ...(link ? { Url: link } : {}),
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  org.bankTransactions.set(t.BankTransactionID, t);
  return t;
}

function findInvoice(org: Org, ref: Json | undefined): SInvoice | undefined {
  if (!ref) return undefined;
  if (typeof ref.InvoiceID === "string") return org.invoices.get(ref.InvoiceID);
  if (typeof ref.InvoiceNumber === "string") {
    const n = ref.InvoiceNumber.toLowerCase();
    return [...org.invoices.values()].find((i) => i.InvoiceNumber.toLowerCase() === n && i.Status !== "DELETED" && i.Status !== "VOIDED");
  }
  return undefined;
}

function findCreditNote(org: Org, ref: Json | undefined): SCreditNote | undefined {
  if (!ref) return undefined;
  if (typeof ref.CreditNoteID === "string") return org.creditNotes.get(ref.CreditNoteID);
  if (typeof ref.CreditNoteNumber === "string") {
    const n = ref.CreditNoteNumber.toLowerCase();
    return [...org.creditNotes.values()].find((c) => c.CreditNoteNumber.toLowerCase() === n);
  }
  return undefined;
}

export function invoiceDue(inv: SInvoice): number {
  return inv.totalCents - inv.paidCents - inv.creditedCents;
}

export function creditRemaining(cn: SCreditNote): number {
  return cn.totalCents - cn.allocatedCents - cn.paidCents;
}

export function createPayment(org: Org, item: Json, ctx: DocContext): SPayment {
  const errors: string[] = [];
  const invRef = item.Invoice && typeof item.Invoice === "object" ? (item.Invoice as Json) : undefined;
  const cnRef = item.CreditNote && typeof item.CreditNote === "object" ? (item.CreditNote as Json) : undefined;
  if (!invRef && !cnRef) throw new ItemInvalid(["A payment must be made against an Invoice or a CreditNote."]);
  const inv = invRef ? findInvoice(org, invRef) : undefined;
  const cn = !invRef && cnRef ? findCreditNote(org, cnRef) : undefined;
  if (invRef && !inv) errors.push("Invoice could not be found.");
  if (!invRef && cnRef && !cn) errors.push("Credit note could not be found.");
  const account = bankAccount(org, item.Account, errors, "payment");
  const date = day(item.Date, "Date", today(ctx.now), errors);
  const amount = typeof item.Amount === "number" ? toCents(item.Amount) : NaN;
  if (!(amount > 0)) errors.push("Payment amount must be greater than zero.");
  const doc = inv ?? cn;
  if (doc) {
    if (doc.Status !== "AUTHORISED") errors.push(doc.Status === "PAID" ? "Payment amount exceeds the amount outstanding on this document" : "Payments can only be made against authorised documents.");
    const outstanding = inv ? invoiceDue(inv) : creditRemaining(cn as SCreditNote);
    if (doc.Status === "AUTHORISED" && amount > outstanding) errors.push("Payment amount exceeds the amount outstanding on this document");
    const bankCur = account?.CurrencyCode ?? org.baseCurrency;
    if (account && bankCur !== doc.CurrencyCode && bankCur !== org.baseCurrency) {
      errors.push(`The bank account currency (${bankCur}) must be the document currency (${doc.CurrencyCode}) or the base currency.`);
    }
  }
  check(errors);
  if (!doc || !account) throw new ItemInvalid(["The payment could not be created."]);
  const p: SPayment = {
    PaymentID: randomUUID(),
    day: date,
    amountCents: amount,
    ...(typeof item.Reference === "string" ? { Reference: item.Reference } : {}),
    AccountID: account.AccountID,
    CurrencyRate: typeof item.CurrencyRate === "number" ? item.CurrencyRate : doc.CurrencyRate,
    PaymentType: inv ? (inv.Type === "ACCPAY" ? "ACCPAYPAYMENT" : "ACCRECPAYMENT") : (cn as SCreditNote).Type === "ACCPAYCREDIT" ? "APCREDITPAYMENT" : "ARCREDITPAYMENT",
    ...(inv ? { InvoiceID: inv.InvoiceID } : { CreditNoteID: (cn as SCreditNote).CreditNoteID }),
    Status: "AUTHORISED",
    updatedAt: ctx.now,
  };
  org.payments.set(p.PaymentID, p);
  if (inv) {
    inv.paidCents += amount;
    inv.paymentIds.push(p.PaymentID);
    settle(inv, invoiceDue(inv), date, ctx.now);
  } else {
    const c = cn as SCreditNote;
    c.paidCents += amount;
    c.paymentIds.push(p.PaymentID);
    settle(c, creditRemaining(c), date, ctx.now);
  }
  return p;
}

function settle(doc: SInvoice | SCreditNote, outstanding: number, date: string, now: number): void {
  doc.updatedAt = now;
  if (outstanding === 0) {
    doc.Status = "PAID";
    doc.fullyPaidDay = date;
  }
}

export function createAllocation(org: Org, cn: SCreditNote, item: Json, ctx: DocContext): { allocationId: string } {
  const errors: string[] = [];
  const inv = findInvoice(org, item.Invoice && typeof item.Invoice === "object" ? (item.Invoice as Json) : undefined);
  if (!inv) errors.push("Invoice could not be found.");
  const amount = typeof item.Amount === "number" ? toCents(item.Amount) : NaN;
  if (!(amount > 0)) errors.push("The allocation amount must be greater than zero.");
  const date = day(item.Date, "Date", today(ctx.now), errors);
  if (cn.Status !== "AUTHORISED") errors.push("Only authorised credit notes with remaining credit can be allocated.");
  if (inv) {
    const pair = (cn.Type === "ACCPAYCREDIT" && inv.Type === "ACCPAY") || (cn.Type === "ACCRECCREDIT" && inv.Type === "ACCREC");
    if (!pair) errors.push(`A ${cn.Type} credit note cannot be allocated to an ${inv.Type} invoice.`);
    if (inv.ContactID !== cn.ContactID) errors.push("The credit note and the invoice must be for the same contact.");
    if (inv.CurrencyCode !== cn.CurrencyCode) errors.push("The credit note and the invoice must be in the same currency.");
    if (inv.Status !== "AUTHORISED") errors.push("The invoice must be authorised and not fully paid.");
    if (amount > invoiceDue(inv)) errors.push("The allocation amount exceeds the amount due on the invoice.");
  }
  if (amount > creditRemaining(cn)) errors.push("The allocation amount exceeds the remaining credit on the credit note.");
  check(errors);
  const invoice = inv as SInvoice;
  const allocationId = randomUUID();
  org.allocations.set(allocationId, { AllocationID: allocationId, CreditNoteID: cn.CreditNoteID, InvoiceID: invoice.InvoiceID, amountCents: amount, day: date, createdAt: ctx.now });
  cn.allocatedCents += amount;
  cn.allocationIds.push(allocationId);
  invoice.creditedCents += amount;
  invoice.allocationIds.push(allocationId);
  settle(cn, creditRemaining(cn), date, ctx.now);
  settle(invoice, invoiceDue(invoice), date, ctx.now);
  return { allocationId };
}
