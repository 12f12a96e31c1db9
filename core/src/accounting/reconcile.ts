import type { Deps } from "../platform/deps.ts";
import type { PlatformContext } from "../platform/use-case.ts";
import type { BalanceTransaction } from "../integrations/stripe/balance.ts";
import type { XeroBankTransaction, XeroPayment } from "../integrations/xero/xero.ts";
import { feesReference } from "./book-sales.ts";
import { xeroCaller } from "./xero-calls.ts";

/**
 * The daily three-way reconciliation: for one day, Stripe's balance transactions against our
 * ledger (paid orders, succeeded refunds, payouts' transfers, the day's fees: the accounting
 * records) against what Xero holds on the clearing account (payments and bank transactions).
 * Each of our records names the Stripe ids it covers (PaymentIntent, refund, transfers) and
 * Xero's payment carries them as its reference, so the three sides join on those ids.
 * Every difference is listed with the records on each side; the day is stored, and an
 * unreconciled day alerts.
 */
export type DifferenceKind = "missing_in_xero" | "missing_in_stripe" | "unknown_to_us" | "amount_differs" | "not_booked";

export interface Difference {
  kind: DifferenceKind;
  /** What it is about: "sale", "refund", "payout", "fees", or a Stripe balance transaction type. */
  subject: string;
  /** Our record (order, refund, payout id, or the fees day), when we have one. */
  ours: string | null;
  stripe: string[];
  xero: string | null;
  stripeAmount: number | null;
  ledgerAmount: number | null;
  xeroAmount: number | null;
  currency: string;
  detail: string;
}

export interface DayReport {
  day: string;
  currency: string;
  reconciled: boolean;
  stripeNet: number;
  ledgerNet: number;
  xeroNet: number;
  differences: Difference[];
}

/** One of our ledger's money movements of the day, signed as the clearing account sees it. */
export interface LedgerEntry {
  subject: "sale" | "refund" | "payout" | "reversal" | "fees";
  ours: string;
  currency: string;
  amount: number;
  /** Stripe ids it covers (pi_, re_, tr_ ...); fees: none (it covers the day's fees). */
  stripeIds: string[];
  /** The Xero document/payment reference we booked it under, and what Xero has for it. */
  xeroRef: string;
  booked: boolean;
}

const SIGN: Record<string, number> = { sale_invoice: 1, refund_credit_note: -1, stripe_fees: -1, payout_bill: -1, payout_reversal: 1 };
const SUBJECT: Record<string, LedgerEntry["subject"]> = { sale_invoice: "sale", refund_credit_note: "refund", stripe_fees: "fees", payout_bill: "payout", payout_reversal: "reversal" };

export async function ledgerEntries(ctx: PlatformContext, day: string): Promise<LedgerEntry[]> {
  const rows = await ctx.db.sql.query<{ kind: string; source_id: string; currency: string; amount: number; stripe_ref: string | null; status: string }>(
    `SELECT kind, source_id, currency, amount, stripe_ref, status::text FROM accounting_record WHERE day = $1::date`,
    [day],
  );
  // A reversal taken as an adjustment on a later payout moves no money at Stripe (nor on the clearing account).
  return rows.filter((r) => !(r.kind === "payout_reversal" && !r.stripe_ref)).map((r) => {
    const ref = r.stripe_ref ?? "";
    const stripeIds = ref.includes(",") ? ref.split(",").filter(Boolean) : ref ? [ref] : [];
    return {
      subject: SUBJECT[r.kind] ?? "sale",
      ours: r.source_id,
      currency: r.currency,
      amount: (SIGN[r.kind] ?? 1) * r.amount,
      stripeIds,
      xeroRef: r.kind === "stripe_fees" ? feesReference(day, r.currency) : stripeIds.join(" "),
      booked: r.status === "booked",
    };
  });
}

/** What Xero holds on the clearing account for the day: signed amounts by reference. */
export interface XeroSide {
  byReference: Map<string, { id: string; amount: number; currency: string }>;
}

/** A reference as a key: its ids in order (a payout's transfer ids in any order are one key). */
export const refKey = (ref: string) => (/[\s,]/.test(ref) ? ref.split(/[\s,]+/).filter(Boolean).sort().join(" ") : ref);

const PAYMENT_SIGN: Record<string, number> = { ACCRECPAYMENT: 1, ARCREDITPAYMENT: -1, ACCPAYPAYMENT: -1, APCREDITPAYMENT: 1 };

export function xeroSideFrom(payments: XeroPayment[], bankTxns: XeroBankTransaction[], currencyOf: (p: XeroPayment) => string): XeroSide {
  const byReference = new Map<string, { id: string; amount: number; currency: string }>();
  for (const p of payments) {
    if (p.status === "DELETED" || !p.reference) continue;
    byReference.set(refKey(p.reference), { id: p.paymentId, amount: (PAYMENT_SIGN[p.paymentType] ?? 1) * p.amountMinor, currency: currencyOf(p) });
  }
  for (const t of bankTxns) {
    if (t.status === "DELETED" || t.status === "VOIDED" || !t.reference) continue;
    byReference.set(refKey(t.reference), { id: t.bankTransactionId, amount: (t.type.startsWith("SPEND") ? -1 : 1) * t.totalMinor, currency: t.currency });
  }
  return { byReference };
}

/** The Stripe amount of a balance transaction as it moves the clearing account (fees apart). */
function stripeKey(t: BalanceTransaction): string | null {
  if ((t.type === "charge" || t.type === "payment") && t.paymentIntentId) return t.paymentIntentId;
  return t.sourceId;
}

/** Pure: compares the three sides of one day (all currencies). */
export function compareDay(day: string, stripe: BalanceTransaction[], ledger: LedgerEntry[], xero: XeroSide): DayReport[] {
  const byStripeId = new Map<string, BalanceTransaction[]>();
  const fees = new Map<string, { amount: number; ids: string[] }>();
  const currencies = new Set<string>();
  for (const t of stripe) {
    currencies.add(t.currency);
    const fee = t.type === "stripe_fee" ? -t.amount : t.fee;
    if (fee) {
      const f = fees.get(t.currency) ?? { amount: 0, ids: [] };
      f.amount += fee;
      f.ids.push(t.id);
      fees.set(t.currency, f);
    }
    if (t.type === "stripe_fee") continue;
    const key = stripeKey(t);
    if (!key) continue;
    const list = byStripeId.get(key) ?? [];
    list.push(t);
    byStripeId.set(key, list);
  }
  for (const e of ledger) currencies.add(e.currency);
  const reports = new Map<string, DayReport>();
  const report = (currency: string) => {
    let r = reports.get(currency);
    if (!r) reports.set(currency, (r = { day, currency, reconciled: true, stripeNet: 0, ledgerNet: 0, xeroNet: 0, differences: [] }));
    return r;
  };
  for (const c of currencies) report(c);
  for (const t of stripe) report(t.currency).stripeNet += t.net;
  const covered = new Set<string>();
  for (const e of ledger) {
    const r = report(e.currency);
    r.ledgerNet += e.amount;
    let stripeAmount: number;
    let stripeIds: string[];
    if (e.subject === "fees") {
      const f = fees.get(e.currency);
      stripeAmount = -(f?.amount ?? 0);
      stripeIds = f?.ids ?? [];
      fees.delete(e.currency);
    } else {
      const txns = e.stripeIds.length === 1 ? (byStripeId.get(e.stripeIds[0]!) ?? []) : e.stripeIds.flatMap((id) => byStripeId.get(id) ?? []);
      for (const id of e.stripeIds) covered.add(id);
      stripeAmount = txns.reduce((a, t) => a + t.amount, 0);
      stripeIds = txns.map((t) => t.id);
    }
    const x = xero.byReference.get(refKey(e.xeroRef));
    if (x) r.xeroNet += x.amount;
    if (stripeIds.length && stripeAmount === e.amount && x && x.amount === e.amount) continue;
    const base = { subject: e.subject, ours: e.ours, stripe: stripeIds, xero: x?.id ?? null, stripeAmount: stripeIds.length ? stripeAmount : null, ledgerAmount: e.amount, xeroAmount: x?.amount ?? null, currency: e.currency };
    if (!stripeIds.length) r.differences.push({ ...base, kind: "missing_in_stripe", detail: `no Stripe balance transaction on ${day} for ${e.subject} ${e.ours}` });
    else if (stripeAmount !== e.amount) r.differences.push({ ...base, kind: "amount_differs", detail: `Stripe moved ${stripeAmount}, our ledger ${e.amount}` });
    if (!x) r.differences.push({ ...base, kind: e.booked ? "missing_in_xero" : "not_booked", detail: e.booked ? `booked, but Xero has nothing under ${e.xeroRef}` : `not booked in Xero yet` });
    else if (x.amount !== e.amount) r.differences.push({ ...base, kind: "amount_differs", detail: `Xero has ${x.amount}, our ledger ${e.amount}` });
  }
  for (const [key, txns] of byStripeId) {
    if (covered.has(key)) continue;
    for (const t of txns) {
      if (t.amount === 0) continue;
      report(t.currency).differences.push({
        kind: "unknown_to_us",
        subject: t.type,
        ours: null,
        stripe: [t.id, ...(t.sourceId ? [t.sourceId] : [])],
        xero: null,
        stripeAmount: t.amount,
        ledgerAmount: null,
        xeroAmount: null,
        currency: t.currency,
        detail: `Stripe ${t.type} ${t.sourceId ?? t.id} of ${t.amount} is not in our ledger`,
      });
    }
  }
  for (const [currency, f] of fees) {
    if (f.amount === 0) continue;
    report(currency).differences.push({ kind: "not_booked", subject: "fees", ours: null, stripe: f.ids, xero: null, stripeAmount: -f.amount, ledgerAmount: null, xeroAmount: null, currency, detail: `Stripe's fees of ${day} are not recorded yet` });
  }
  for (const r of reports.values()) r.reconciled = r.differences.length === 0;
  return [...reports.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

async function xeroSide(deps: Deps, day: string): Promise<XeroSide> {
  const x = await xeroCaller(deps, { maxWaitMs: 60_000 });
  const [y, m, d] = day.split("-").map(Number);
  const where = `Date==DateTime(${y}, ${m}, ${d})`;
  const payments: XeroPayment[] = [];
  for (let page = 1; ; page++) {
    const r = await x.call((xero, auth) => xero.payments(auth, { where, page, pageSize: 1000 }));
    payments.push(...r.value);
    if (r.value.length < 1000) break;
  }
  const bank = await x.call((xero, auth) => xero.bankTransactions(auth, { where }));
  const base = x.session.connection.baseCurrency;
  return xeroSideFrom(payments, bank.value, () => base);
}

/** Where the day's Stripe and Xero sides come from (the live APIs unless given). */
export interface ReconcileSources {
  stripe?: (day: string) => Promise<BalanceTransaction[]>;
  xero?: (day: string) => Promise<XeroSide>;
}

/** Reconciles one day (UTC), stores it, alerts when a currency does not reconcile. */
export async function reconcileDay(ctx: PlatformContext, deps: Deps, day: string, sources: ReconcileSources = {}): Promise<DayReport[]> {
  const from = new Date(`${day}T00:00:00Z`);
  const [stripe, ledger, xero] = await Promise.all([
    sources.stripe ? sources.stripe(day) : deps.stripeBalance.list({ from, to: new Date(from.getTime() + 86_400_000) }),
    ledgerEntries(ctx, day),
    sources.xero ? sources.xero(day) : xeroSide(deps, day),
  ]);
  const reports = compareDay(day, stripe, ledger, xero);
  for (const r of reports) {
    await ctx.db.sql.execute(
      `INSERT INTO reconciliation_day (day, currency, reconciled, stripe_net, ledger_net, xero_net, differences, run_at)
       VALUES ($1::date, $2, $3, $4, $5, $6, $7::jsonb, now())
       ON CONFLICT (day, currency) DO UPDATE SET reconciled = EXCLUDED.reconciled, stripe_net = EXCLUDED.stripe_net, ledger_net = EXCLUDED.ledger_net,
         xero_net = EXCLUDED.xero_net, differences = EXCLUDED.differences, run_at = now()`,
      [day, r.currency, r.reconciled, r.stripeNet, r.ledgerNet, r.xeroNet, JSON.stringify(r.differences)],
    );
    if (!r.reconciled) {
      await deps.alerts.notify({
        kind: "reconciliation.unreconciled",
        message: `${day} (${r.currency}) does not reconcile: ${r.differences.length} difference(s)`,
        details: { day, currency: r.currency, differences: r.differences.length },
      });
    }
  }
  return reports;
}
