import { randomUUID } from "node:crypto";
import { check } from "./errors.ts";
import { decimals, roundHalfAway, roundTo, toCents } from "./format.ts";
import { accountByCode, taxRate, type LineAmountTypes, type Org, type SAccount, type SLine, type SLineTracking } from "./state.ts";

/**
 * Line items and totals as Xero computes them. Per line:
 *   LineAmount = Quantity x UnitAmount (less DiscountRate %), rounded to cents
 *   TaxAmount  = LineAmount x rate            (Exclusive)
 *              = LineAmount x rate / (1+rate) (Inclusive)
 *              = 0                           (NoTax)
 * rounded per line; SubTotal is the sum of lines net of tax, TotalTax the sum of line taxes,
 * Total = SubTotal + TotalTax. A LineAmount or TaxAmount sent with the line must agree.
 */

type Json = Record<string, unknown>;

export interface LineRules {
  /** Document kind for messages and rules ("invoice", "credit note", "bank transaction"). */
  kind: string;
  /** Discounts are allowed (sales invoices only). */
  discounts: boolean;
  /** Account codes and a line are required (not for drafts). */
  strict: boolean;
  unitdp: 2 | 4;
}

export interface Totals {
  lines: SLine[];
  subTotalCents: number;
  totalTaxCents: number;
  totalCents: number;
}

function resolveAccount(org: Org, l: Json, errors: string[], strict: boolean): SAccount | undefined {
  const code = typeof l.AccountCode === "string" ? l.AccountCode : undefined;
  const id = typeof l.AccountID === "string" ? l.AccountID : undefined;
  if (!code && !id) {
    if (strict) errors.push("Account code must be specified");
    return undefined;
  }
  const account = id ? org.accounts.get(id) : accountByCode(org, code as string);
  const label = code ?? id;
  if (!account) {
    errors.push(`Account code '${label}' is not a valid code for this document.`);
    return undefined;
  }
  if (account.Status !== "ACTIVE") {
    errors.push(`Account code '${account.Code}' has been archived, or deleted. Each line item must reference a valid account.`);
    return undefined;
  }
  if (account.SystemAccount) {
    errors.push(`Account code '${account.Code}' is a system account and cannot be used on a line item.`);
    return undefined;
  }
  if (account.Type === "BANK") {
    errors.push(`Account code '${account.Code}' is a bank account and cannot be used on a line item.`);
    return undefined;
  }
  return account;
}

function resolveTracking(org: Org, l: Json, errors: string[]): SLineTracking[] {
  const raw = Array.isArray(l.Tracking) ? (l.Tracking as Json[]) : [];
  if (raw.length > 2) errors.push("A maximum of two tracking categories can be used per line item.");
  const out: SLineTracking[] = [];
  for (const t of raw.slice(0, 2)) {
    const cat = org.tracking.find((c) =>
      typeof t.TrackingCategoryID === "string" ? c.TrackingCategoryID === t.TrackingCategoryID : typeof t.Name === "string" && c.Name.toLowerCase() === t.Name.toLowerCase(),
    );
    if (!cat || cat.Status !== "ACTIVE") {
      errors.push(`Tracking category '${String(t.Name ?? t.TrackingCategoryID ?? "")}' does not exist or has been archived.`);
      continue;
    }
    const opt = cat.Options.find((o) =>
      typeof t.TrackingOptionID === "string" ? o.TrackingOptionID === t.TrackingOptionID : typeof t.Option === "string" && o.Name.toLowerCase() === t.Option.toLowerCase(),
    );
    if (!opt || opt.Status !== "ACTIVE") {
      errors.push(`Tracking option '${String(t.Option ?? t.TrackingOptionID ?? "")}' does not exist for tracking category '${cat.Name}'.`);
      continue;
    }
    if (out.some((o) => o.TrackingCategoryID === cat.TrackingCategoryID)) {
      errors.push(`Tracking category '${cat.Name}' is used twice on one line item.`);
      continue;
    }
    out.push({ TrackingCategoryID: cat.TrackingCategoryID, TrackingOptionID: opt.TrackingOptionID, Name: cat.Name, Option: opt.Name });
  }
  return out;
}

/** Validates and computes the lines of a document; throws ItemInvalid with every problem found. */
export function buildLines(org: Org, rawLines: unknown, amountTypes: LineAmountTypes, rules: LineRules): Totals {
  const errors: string[] = [];
  const items = Array.isArray(rawLines) ? (rawLines as Json[]) : [];
  if (rules.strict && items.length === 0) errors.push(`The ${rules.kind} must contain at least one line item.`);
  const lines: SLine[] = [];
  let subTotal = 0;
  let totalTax = 0;
  items.forEach((l, i) => {
    const lineErrors: string[] = [];
    const n = items.length > 1 ? ` (line ${i + 1})` : "";
    const account = resolveAccount(org, l, lineErrors, rules.strict);
    const description = typeof l.Description === "string" ? l.Description : undefined;
    if (description !== undefined && description.length > 4000) lineErrors.push(`Description must be 4000 characters or less${n}.`);
    if (!description && !account && rules.strict) lineErrors.push(`A line item must have a Description or an Account Code${n}.`);
    let quantity = typeof l.Quantity === "number" ? l.Quantity : 1;
    quantity = roundTo(quantity, 4);
    let unit = typeof l.UnitAmount === "number" ? roundTo(l.UnitAmount, rules.unitdp) : undefined;
    const given = typeof l.LineAmount === "number" ? l.LineAmount : undefined;
    if (unit === undefined) {
      if (given === undefined) lineErrors.push(`A line item must have a UnitAmount or a LineAmount${n}.`);
      unit = given !== undefined && quantity !== 0 ? roundTo(given / quantity, rules.unitdp) : 0;
    }
    const discount = typeof l.DiscountRate === "number" ? l.DiscountRate : undefined;
    if (discount !== undefined && !rules.discounts) lineErrors.push(`Discounts are only supported on sales invoices${n}.`);
    if (discount !== undefined && (discount < 0 || discount > 100)) lineErrors.push(`DiscountRate must be between 0 and 100${n}.`);
    let lineCents = roundHalfAway(quantity * unit * 100);
    if (discount !== undefined) lineCents = roundHalfAway(lineCents * (1 - discount / 100));
    if (given !== undefined && Math.abs(toCents(given) - lineCents) > 1) {
      lineErrors.push(`The line total ${given.toFixed(2)} does not match the expected line total ${(lineCents / 100).toFixed(2)}${n}.`);
    }
    if (typeof l.UnitAmount === "number" && decimals(l.UnitAmount) > 4) lineErrors.push(`UnitAmount can have at most 4 decimal places${n}.`);
    const taxType = amountTypes === "NoTax" ? "NONE" : typeof l.TaxType === "string" && l.TaxType ? l.TaxType.toUpperCase() : (account?.TaxType ?? "NONE");
    const rate = taxRate(org, taxType);
    if (!rate || rate.Status !== "ACTIVE") lineErrors.push(`The TaxType code '${taxType}' does not exist or cannot be used with this type of transaction${n}.`);
    else if (account && !rate.appliesTo.includes(account.Class)) lineErrors.push(`The TaxType code '${taxType}' cannot be used with account code '${account.Code}'${n}.`);
    const pct = amountTypes === "NoTax" ? 0 : (rate?.rate ?? 0);
    let taxCents = amountTypes === "Inclusive" ? roundHalfAway((lineCents * pct) / (100 + pct)) : roundHalfAway((lineCents * pct) / 100);
    if (typeof l.TaxAmount === "number" && amountTypes !== "NoTax") {
      const sent = toCents(l.TaxAmount);
      if (Math.abs(sent - taxCents) > 1 && sent !== 0) lineErrors.push(`The TaxAmount ${l.TaxAmount.toFixed(2)} does not match the tax calculated for the line, ${(taxCents / 100).toFixed(2)}${n}.`);
      else taxCents = sent;
    }
    const tracking = resolveTracking(org, l, lineErrors);
    errors.push(...lineErrors);
    if (lineErrors.length) return;
    lines.push({
      LineItemID: randomUUID(),
      ...(description !== undefined ? { Description: description } : {}),
      Quantity: quantity,
      UnitAmount: unit,
      AccountCode: account?.Code ?? "",
      AccountID: account?.AccountID ?? "",
      TaxType: taxType,
      taxCents,
      lineCents,
      ...(discount !== undefined ? { DiscountRate: discount } : {}),
      ...(typeof l.ItemCode === "string" ? { ItemCode: l.ItemCode } : {}),
      Tracking: tracking,
    });
    subTotal += amountTypes === "Inclusive" ? lineCents - taxCents : lineCents;
    totalTax += taxCents;
  });
  check(errors);
  return { lines, subTotalCents: subTotal, totalTaxCents: totalTax, totalCents: subTotal + totalTax };
}

/** Checks SubTotal / TotalTax / Total sent with a document against the computed ones. */
export function checkSentTotals(doc: Json, t: Totals): string[] {
  const errors: string[] = [];
  const pairs: Array<[string, number]> = [
    ["SubTotal", t.subTotalCents],
    ["TotalTax", t.totalTaxCents],
    ["Total", t.totalCents],
  ];
  for (const [field, cents] of pairs) {
    const sent = doc[field];
    if (typeof sent === "number" && toCents(sent) !== cents) errors.push(`The document ${field} ${sent.toFixed(2)} does not equal the sum of the lines, ${(cents / 100).toFixed(2)}.`);
  }
  return errors;
}

export function lineAmountTypes(value: unknown): LineAmountTypes {
  return value === "Inclusive" || value === "NoTax" ? value : "Exclusive";
}
