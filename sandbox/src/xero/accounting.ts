import { randomUUID } from "node:crypto";
import { createContact, updateContact, upsertContact } from "./contacts.ts";
import { createAllocation, createBankTransaction, createCreditNote, createInvoice, createPayment, updateInvoice, type DocContext } from "./documents.ts";
import { ItemInvalid, notFound, queryParseException, validationException, XeroHttpError } from "./errors.ts";
import { msDate } from "./format.ts";
import {
  renderAccount,
  renderAllocation,
  renderBankTransaction,
  renderContact,
  renderCreditNote,
  renderInvoice,
  renderOrganisation,
  renderPayment,
  renderTaxRate,
  renderTrackingCategory,
} from "./render.ts";
import type { XeroSpec } from "./spec.ts";
import { currencyDescription, type Org } from "./state.ts";
import { compileWhere, WhereError } from "./where.ts";

/**
 * The Accounting API operations the stand-in serves, by the yaml's operationId. Every answer
 * is wrapped as Xero wraps it: { Id, Status: "OK", ProviderName, DateTimeUTC, <Collection> }.
 */

type Json = Record<string, unknown>;

export interface ApiRequest {
  operationId: string;
  pathParams: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  org: Org;
  now: number;
  appName: string;
  spec: XeroSpec;
}

export interface ApiResult {
  status: number;
  body: unknown;
  /** The request changed the organisation (so the idempotency store keeps its answer). */
  wrote?: boolean;
}

type Handler = (req: ApiRequest) => ApiResult;

function q(req: ApiRequest, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of req.query.entries()) if (k.toLowerCase() === lower) return v;
  return undefined;
}

function envelope(req: ApiRequest, key: string, items: unknown[], extra: Json = {}): ApiResult {
  return { status: 200, body: { Id: randomUUID(), Status: "OK", ProviderName: req.appName, DateTimeUTC: msDate(req.now), ...extra, [key]: items } };
}

function ctx(req: ApiRequest): DocContext {
  return { now: req.now, unitdp: q(req, "unitdp") === "4" ? 4 : 2 };
}

/** Rows filtered by `where`, IDs and other list parameters, ordered and paged as Xero does. */
function list(req: ApiRequest, type: string, rows: Json[], opts: { idField?: string; paged?: boolean; extraFilters?: Array<(r: Json) => boolean> } = {}): { rows: Json[]; pagination?: Json } {
  let out = rows;
  const where = q(req, "where");
  if (where) {
    let pred;
    try {
      pred = compileWhere(where, type, new Set([...req.spec.propertyNames(type), "datestring", "duedatestring"]));
    } catch (e) {
      if (e instanceof WhereError) throw queryParseException(e.message);
      throw e;
    }
    out = out.filter(pred);
  }
  const ids = q(req, "IDs");
  if (ids && opts.idField) {
    const set = new Set(ids.split(",").map((s) => s.trim().toLowerCase()));
    out = out.filter((r) => set.has(String(r[opts.idField as string]).toLowerCase()));
  }
  for (const f of opts.extraFilters ?? []) out = out.filter(f);
  const order = q(req, "order");
  if (order) {
    const [field, dir] = order.trim().split(/\s+/);
    const key = Object.keys(out[0] ?? {}).find((k) => k.toLowerCase() === field?.toLowerCase());
    if (key) {
      const sign = dir?.toUpperCase() === "DESC" ? -1 : 1;
      out = [...out].sort((a, b) => (String(a[key]) < String(b[key]) ? -sign : String(a[key]) > String(b[key]) ? sign : 0));
    }
  }
  const page = q(req, "page");
  if (page === undefined || !opts.paged) return { rows: out };
  const pageSize = Math.min(1000, Math.max(1, Number(q(req, "pageSize") ?? 100) || 100));
  const p = Math.max(1, Number(page) || 1);
  return {
    rows: out.slice((p - 1) * pageSize, p * pageSize),
    pagination: { page: p, pageSize, pageCount: Math.ceil(out.length / pageSize), itemCount: out.length },
  };
}

function elements(req: ApiRequest, key: string): Json[] {
  const body = req.body as Json | undefined;
  const items = body?.[key];
  if (Array.isArray(items)) return items as Json[];
  // Some operations take one element instead of a collection.
  return body && typeof body === "object" ? [body] : [];
}

/**
 * A batch of creates. summarizeErrors=true (the default): all or nothing, 400 with every
 * element when one fails. summarizeErrors=false: each element on its own, 200, and every
 * element carries StatusAttributeString OK or ERROR with its ValidationErrors.
 */
function batch(req: ApiRequest, key: string, create: (item: Json) => Json, errorFlags: Json): ApiResult {
  const items = elements(req, key);
  const summarize = (q(req, "summarizeErrors") ?? "true").toLowerCase() !== "false";
  const before = summarize ? structuredClone(req.org) : null;
  const results: Json[] = [];
  let failed = false;
  for (const item of items) {
    try {
      const done = create(item);
      results.push(summarize ? done : { ...done, StatusAttributeString: "OK" });
    } catch (e) {
      if (!(e instanceof ItemInvalid)) throw e;
      failed = true;
      results.push({ ...item, ...errorFlags, StatusAttributeString: "ERROR", ValidationErrors: e.messages.map((Message) => ({ Message })) });
    }
  }
  if (summarize && failed) {
    Object.assign(req.org, before);
    throw validationException(results.map((r) => (r.StatusAttributeString === "ERROR" ? stripStatus(r) : { ...r, ValidationErrors: [] })));
  }
  return { ...envelope(req, key, results), wrote: results.some((r) => r.StatusAttributeString !== "ERROR") };
}

function stripStatus(r: Json): Json {
  const { StatusAttributeString: _s, ...rest } = r;
  return rest;
}

function one<T>(found: T | undefined): T {
  if (found === undefined) throw notFound();
  return found;
}

const invoiceRows = (req: ApiRequest, withLines: boolean) => [...req.org.invoices.values()].map((i) => renderInvoice(req.org, i, withLines));

export const accountingHandlers: Record<string, Handler> = {
  getOrganisations: (req) => envelope(req, "Organisations", [renderOrganisation(req.org)]),
  getCurrencies: (req) =>
    envelope(
      req,
      "Currencies",
      list(req, "Currency", [...req.org.currencies].map((c) => ({ Code: c, Description: currencyDescription(c) }))).rows,
    ),
  getAccounts: (req) => envelope(req, "Accounts", list(req, "Account", [...req.org.accounts.values()].map(renderAccount)).rows),
  getAccount: (req) => envelope(req, "Accounts", [renderAccount(one(req.org.accounts.get(req.pathParams.AccountID ?? "")))]),
  getTaxRates: (req) => envelope(req, "TaxRates", list(req, "TaxRate", req.org.taxRates.map(renderTaxRate)).rows),
  getTrackingCategories: (req) => {
    const archived = q(req, "includeArchived") === "true";
    const rows = req.org.tracking.filter((c) => archived || c.Status === "ACTIVE").map((c) => renderTrackingCategory(c, archived));
    return envelope(req, "TrackingCategories", list(req, "TrackingCategory", rows).rows);
  },
  createTrackingOptions: (req) => {
    const cat = one(req.org.tracking.find((c) => c.TrackingCategoryID === req.pathParams.TrackingCategoryID));
    const body = (req.body ?? {}) as Json;
    const name = typeof body.Name === "string" ? body.Name.trim() : "";
    const errors: string[] = [];
    if (!name) errors.push("The tracking option name must be specified.");
    if (name.length > 100) errors.push("The tracking option name must be 100 characters or less.");
    if (cat.Options.some((o) => o.Name.toLowerCase() === name.toLowerCase())) errors.push(`The tracking option '${name}' already exists.`);
    if (errors.length) throw validationException([{ ...body, ValidationErrors: errors.map((Message) => ({ Message })) }]);
    const option = { TrackingOptionID: randomUUID(), Name: name, Status: "ACTIVE" as const };
    cat.Options.push(option);
    return { ...envelope(req, "Options", [{ ...option, TrackingCategoryID: cat.TrackingCategoryID }]), wrote: true };
  },

  getContacts: (req) => {
    const archived = q(req, "includeArchived") === "true";
    const term = q(req, "searchTerm")?.toLowerCase();
    const summary = q(req, "summaryOnly") === "true";
    const rows = [...req.org.contacts.values()].filter((c) => archived || c.ContactStatus === "ACTIVE").map((c) => renderContact(c, summary));
    const r = list(req, "Contact", rows, {
      idField: "ContactID",
      paged: true,
      extraFilters: term
        ? [(c) => ["Name", "FirstName", "LastName", "ContactNumber", "EmailAddress"].some((f) => String(c[f] ?? "").toLowerCase().includes(term))]
        : [],
    });
    return envelope(req, "Contacts", r.rows, r.pagination ? { pagination: r.pagination } : {});
  },
  getContact: (req) => envelope(req, "Contacts", [renderContact(one(req.org.contacts.get(req.pathParams.ContactID ?? "")))]),
  getContactByContactNumber: (req) => {
    const n = (req.pathParams.ContactNumber ?? "").toLowerCase();
    return envelope(req, "Contacts", [renderContact(one([...req.org.contacts.values()].find((c) => c.ContactNumber?.toLowerCase() === n)))]);
  },
  createContacts: (req) => batch(req, "Contacts", (item) => renderContact(createContact(req.org, item, req.now)), { HasValidationErrors: true }),
  updateOrCreateContacts: (req) => batch(req, "Contacts", (item) => renderContact(upsertContact(req.org, item, req.now)), { HasValidationErrors: true }),
  updateContact: (req) => {
    one(req.org.contacts.get(req.pathParams.ContactID ?? ""));
    return batch(req, "Contacts", (item) => renderContact(updateContact(req.org, req.pathParams.ContactID as string, item, req.now)), { HasValidationErrors: true });
  },

  getInvoices: (req) => {
    const paged = q(req, "page") !== undefined;
    const numbers = q(req, "InvoiceNumbers")?.split(",").map((s) => s.trim().toLowerCase());
    const contacts = q(req, "ContactIDs")?.split(",").map((s) => s.trim().toLowerCase());
    const statuses = q(req, "Statuses")?.split(",").map((s) => s.trim().toUpperCase());
    const r = list(req, "Invoice", invoiceRows(req, paged), {
      idField: "InvoiceID",
      paged: true,
      extraFilters: [
        ...(numbers ? [(i: Json) => numbers.includes(String(i.InvoiceNumber).toLowerCase())] : []),
        ...(contacts ? [(i: Json) => contacts.includes(String((i.Contact as Json).ContactID).toLowerCase())] : []),
        ...(statuses ? [(i: Json) => statuses.includes(String(i.Status))] : []),
      ],
    });
    return envelope(req, "Invoices", r.rows, r.pagination ? { pagination: r.pagination } : {});
  },
  getInvoice: (req) => envelope(req, "Invoices", [renderInvoice(req.org, one(req.org.invoices.get(req.pathParams.InvoiceID ?? "")))]),
  createInvoices: (req) => batch(req, "Invoices", (item) => renderInvoice(req.org, createInvoice(req.org, item, ctx(req))), { HasErrors: true }),
  updateOrCreateInvoices: (req) =>
    batch(
      req,
      "Invoices",
      (item) => {
        const existing = typeof item.InvoiceID === "string" ? req.org.invoices.get(item.InvoiceID) : undefined;
        if (typeof item.InvoiceID === "string" && !existing) throw new ItemInvalid([`Invoice ${item.InvoiceID} could not be found.`]);
        return renderInvoice(req.org, existing ? updateInvoice(req.org, existing, item, ctx(req)) : createInvoice(req.org, item, ctx(req)));
      },
      { HasErrors: true },
    ),
  updateInvoice: (req) => {
    const inv = one(req.org.invoices.get(req.pathParams.InvoiceID ?? ""));
    return batch(req, "Invoices", (item) => renderInvoice(req.org, updateInvoice(req.org, inv, item, ctx(req))), { HasErrors: true });
  },

  getCreditNotes: (req) => {
    const paged = q(req, "page") !== undefined;
    const r = list(req, "CreditNote", [...req.org.creditNotes.values()].map((c) => renderCreditNote(req.org, c, paged)), { paged: true });
    return envelope(req, "CreditNotes", r.rows, r.pagination ? { pagination: r.pagination } : {});
  },
  getCreditNote: (req) => envelope(req, "CreditNotes", [renderCreditNote(req.org, one(req.org.creditNotes.get(req.pathParams.CreditNoteID ?? "")))]),
  createCreditNotes: (req) => batch(req, "CreditNotes", (item) => renderCreditNote(req.org, createCreditNote(req.org, item, ctx(req))), { HasErrors: true }),
  createCreditNoteAllocation: (req) => {
    const cn = one(req.org.creditNotes.get(req.pathParams.CreditNoteID ?? ""));
    return batch(
      req,
      "Allocations",
      (item) => {
        const { allocationId } = createAllocation(req.org, cn, item, ctx(req));
        return renderAllocation(req.org, req.org.allocations.get(allocationId) as never, "both");
      },
      {},
    );
  },

  getPayments: (req) => {
    const r = list(req, "Payment", [...req.org.payments.values()].map((p) => renderPayment(req.org, p)), { paged: true });
    return envelope(req, "Payments", r.rows, r.pagination ? { pagination: r.pagination } : {});
  },
  getPayment: (req) => envelope(req, "Payments", [renderPayment(req.org, one(req.org.payments.get(req.pathParams.PaymentID ?? "")))]),
  createPayments: (req) => batch(req, "Payments", (item) => renderPayment(req.org, createPayment(req.org, item, ctx(req))), { HasValidationErrors: true }),
  createPayment: (req) => batch(req, "Payments", (item) => renderPayment(req.org, createPayment(req.org, item, ctx(req))), { HasValidationErrors: true }),

  getBankTransactions: (req) => {
    const paged = q(req, "page") !== undefined;
    const r = list(req, "BankTransaction", [...req.org.bankTransactions.values()].map((t) => renderBankTransaction(req.org, t, paged)), { paged: true });
    return envelope(req, "BankTransactions", r.rows, r.pagination ? { pagination: r.pagination } : {});
  },
  getBankTransaction: (req) =>
    envelope(req, "BankTransactions", [renderBankTransaction(req.org, one(req.org.bankTransactions.get(req.pathParams.BankTransactionID ?? "")))]),
  createBankTransactions: (req) =>
    batch(req, "BankTransactions", (item) => renderBankTransaction(req.org, createBankTransaction(req.org, item, ctx(req))), {}),
};

/** Runs an Accounting operation; Xero's errors come back as XeroHttpError. */
export function runAccounting(req: ApiRequest): ApiResult {
  const handler = accountingHandlers[req.operationId];
  if (!handler) {
    throw new XeroHttpError(501, {
      Title: "Not Implemented",
      Status: 501,
      Detail: `The Xero stand-in does not serve ${req.operationId}; the real API does.`,
    });
  }
  return handler(req);
}
