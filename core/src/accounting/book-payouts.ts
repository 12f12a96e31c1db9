import type { Deps } from "../platform/deps.ts";
import { ensureContact, ensureTrackingOption } from "./contacts.ts";
import { ensureDocument, ensurePayment, itemValue, NeedsAttention } from "./document-steps.ts";
import { ensureRecord, type AccountingRecord } from "./records.ts";
import { sqlPayoutSource } from "./payout-source.ts";
import { XeroNotReady } from "./xero-connection.ts";
import type { XeroCaller } from "./xero-calls.ts";

/**
 * Payouts into Xero: a paid payout (all its transfers confirmed) becomes one ACCPAY bill from
 * the brand's contact, AUTHORISED, with one line per unit (gift, order, item and variant, SKU,
 * the brand's share, the mapped account, tax type and the brand's tracking option), then a
 * payment from the Stripe clearing account for the total with the transfer ids as its
 * reference. A reversal becomes a supplier credit note: a Stripe transfer reversal (money
 * back in the platform's balance) as a refund received into the clearing account, a negative
 * adjustment on a later payout allocated to that payout's bill (`payoutId`).
 *
 * The payouts module owns its tables; what booking needs from them is read through a
 * `PayoutSource` (payout-source.ts reads them; tests register their own).
 */
export interface PayoutLine {
  unitId: string;
  orderId: string;
  /** e.g. "Gift to Ada L." */
  gift: string;
  item: string;
  variant: string | null;
  sku: string | null;
  /** The brand's share, minor units. */
  amount: number;
}

export interface PayoutForBooking {
  id: string;
  /** Our reference for the payout (the bill's number in Xero), unique. */
  reference: string;
  vendorId: string;
  vendorName: string;
  vendorEmail: string | null;
  currency: string;
  total: number;
  /** The day the last transfer was confirmed (UTC). */
  paidDay: string;
  transferIds: string[];
  lines: PayoutLine[];
}

export interface ReversalForBooking {
  id: string;
  /** The payout whose bill the credit belongs to (for an adjustment: the payout it is deducted from). */
  payoutId: string;
  reference: string;
  vendorId: string;
  vendorName: string;
  currency: string;
  amount: number;
  day: string;
  description: string;
  /** Stripe's transfer reversal ids. */
  stripeRef: string | null;
}

export interface PayoutSource {
  payout(deps: Deps, payoutId: string): Promise<PayoutForBooking | null>;
  reversal(deps: Deps, reversalId: string): Promise<ReversalForBooking | null>;
}

let source: PayoutSource | null = null;

/** How payouts are read (null: from the payouts module's tables). */
export function setPayoutSource(s: PayoutSource | null): void {
  source = s;
}

function requireSource(): PayoutSource {
  return source ?? sqlPayoutSource;
}

/** Called by the payouts module when a payout is paid: its bill gets booked (once). */
export async function payoutPaid(deps: Deps, p: Pick<PayoutForBooking, "id" | "paidDay" | "currency" | "total" | "transferIds">): Promise<string> {
  return ensureRecord(deps, { kind: "payout_bill", sourceId: p.id, day: p.paidDay, currency: p.currency, amount: p.total, stripeRef: p.transferIds.join(",") });
}

/** Called by the payouts module when a paid unit's transfer is reversed. */
export async function payoutReversed(deps: Deps, r: Pick<ReversalForBooking, "id" | "day" | "currency" | "amount" | "stripeRef">): Promise<string> {
  return ensureRecord(deps, { kind: "payout_reversal", sourceId: r.id, day: r.day, currency: r.currency, amount: r.amount, stripeRef: r.stripeRef });
}

export function lineDescription(l: PayoutLine): string {
  const item = l.variant ? `${l.item} (${l.variant})` : l.item;
  return [l.gift, `order ${l.orderId}`, item, l.sku ? `SKU ${l.sku}` : null, `unit ${l.unitId}`].filter(Boolean).join(" · ");
}

export async function bookPayout(deps: Deps, x: XeroCaller, rec: AccountingRecord): Promise<void> {
  const p = await requireSource().payout(deps, rec.sourceId);
  if (!p) throw new NeedsAttention(`payout ${rec.sourceId} is not in the ledger`);
  if (!p.lines.length) throw new NeedsAttention(`payout ${p.reference} has no lines`);
  const { mapping } = x.session;
  if (p.currency !== x.session.connection.baseCurrency) {
    const enabled = await x.call((xero, auth) => xero.currencies(auth));
    if (!enabled.value.includes(p.currency)) throw new NeedsAttention(`amounts in ${p.currency}: the currency is not enabled in the Xero organisation`);
  }
  const contactId = await ensureContact(deps, x, { party: "vendor", partyId: p.vendorId, name: p.vendorName, email: p.vendorEmail });
  await ensureTrackingOption(deps, x, mapping.trackingCategory, p.vendorId, p.vendorName);
  const billId = await ensureDocument(deps, rec, {
    async find() {
      const r = await x.call((xero, auth) => xero.invoices(auth, { invoiceNumbers: [p.reference] }));
      const bill = r.value.find((i) => i.type === "ACCPAY" && i.status !== "VOIDED" && i.status !== "DELETED");
      return bill ? { id: bill.invoiceId, number: bill.invoiceNumber } : null;
    },
    async create() {
      const lines = p.lines.map((l) => ({
        description: lineDescription(l),
        unitAmountMinor: l.amount,
        accountCode: mapping.billsAccountCode,
        taxType: mapping.taxType,
        tracking: [{ category: mapping.trackingCategory, option: p.vendorName }],
      }));
      const r = await x.call((xero, auth) =>
        xero.createInvoices(
          auth,
          [{ type: "ACCPAY", contactId, invoiceNumber: p.reference, date: p.paidDay, dueDate: p.paidDay, currency: p.currency, status: "AUTHORISED", lineAmountTypes: "Inclusive", lines }],
          `gl-bill-${rec.id}`,
        ),
      );
      const bill = itemValue(r.items[0], "bill");
      return { id: bill.invoiceId, number: bill.invoiceNumber };
    },
  });
  if (p.total <= 0) return; // adjustments took it all: nothing was transferred, the credit settles the bill
  await ensurePayment(deps, rec, {
    async find() {
      const r = await x.call((xero, auth) => xero.invoice(auth, billId));
      return r.value.amountPaidMinor > 0 ? (r.value.paymentIds[0] ?? null) : null;
    },
    async pay() {
      const reference = p.transferIds.join(" ").slice(0, 255);
      const r = await x.call((xero, auth) =>
        xero.createPayments(auth, [{ invoiceId: billId, accountCode: mapping.clearingAccountCode, date: p.paidDay, amountMinor: p.total, currency: p.currency, reference }], `gl-payment-${rec.id}`),
      );
      return itemValue(r.items[0], "bill payment").paymentId;
    },
  });
  await deps.db.sql.execute(`UPDATE accounting_record SET xero_contact_id = $2 WHERE id = $1::uuid`, [rec.id, contactId]);
}

export async function bookPayoutReversal(deps: Deps, x: XeroCaller, rec: AccountingRecord): Promise<void> {
  const r = await requireSource().reversal(deps, rec.sourceId);
  if (!r) throw new NeedsAttention(`reversal ${rec.sourceId} is not in the ledger`);
  const [bill] = await deps.db.sql.query<{ xero_document_id: string | null }>(
    `SELECT xero_document_id FROM accounting_record WHERE kind = 'payout_bill' AND source_id = $1`,
    [r.payoutId],
  );
  // The credit goes with the payout's bill: wait for it (the sweep resumes the record).
  if (!bill?.xero_document_id) throw new XeroNotReady("waiting_for_bill", `the bill of payout ${r.payoutId} is not booked yet`, new Date(Date.now() + 60_000));
  const billId = bill.xero_document_id;
  const { mapping } = x.session;
  const contactId = await ensureContact(deps, x, { party: "vendor", partyId: r.vendorId, name: r.vendorName });
  await ensureTrackingOption(deps, x, mapping.trackingCategory, r.vendorId, r.vendorName);
  const creditNoteId = await ensureDocument(deps, rec, {
    async find() {
      const f = await x.call((xero, auth) => xero.creditNotes(auth, { where: `CreditNoteNumber=="${r.reference}"` }));
      const cn = f.value.find((c) => c.status !== "VOIDED" && c.status !== "DELETED");
      return cn ? { id: cn.creditNoteId, number: cn.creditNoteNumber } : null;
    },
    async create() {
      const c = await x.call((xero, auth) =>
        xero.createCreditNotes(
          auth,
          [
            {
              type: "ACCPAYCREDIT",
              contactId,
              creditNoteNumber: r.reference,
              date: r.day,
              currency: r.currency,
              lineAmountTypes: "Inclusive",
              lines: [{ description: r.description, unitAmountMinor: r.amount, accountCode: mapping.billsAccountCode, taxType: mapping.taxType, tracking: [{ category: mapping.trackingCategory, option: r.vendorName }] }],
            },
          ],
          `gl-supplier-credit-${rec.id}`,
        ),
      );
      const cn = itemValue(c.items[0], "supplier credit note");
      return { id: cn.creditNoteId, number: cn.creditNoteNumber };
    },
  });
  if (r.stripeRef) {
    // A Stripe transfer reversal brought the money back to the platform's balance: the
    // brand's refund of the credit is received into the clearing account.
    await ensurePayment(deps, rec, {
      async find() {
        const f = await x.call((xero, auth) => xero.payments(auth, { where: `CreditNote.CreditNoteID==guid("${creditNoteId}")` }));
        return f.value.find((p) => p.status !== "DELETED")?.paymentId ?? null;
      },
      async pay() {
        const reference = (r.stripeRef ?? "").split(",").join(" ").slice(0, 255);
        const p = await x.call((xero, auth) =>
          xero.createPayments(auth, [{ creditNoteId, accountCode: mapping.clearingAccountCode, date: r.day, amountMinor: r.amount, currency: r.currency, reference }], `gl-payment-${rec.id}`),
        );
        return itemValue(p.items[0], "supplier credit refund").paymentId;
      },
    });
    return;
  }
  // A negative adjustment on a later payout: the credit is allocated to that payout's bill.
  await ensurePayment(deps, rec, {
    async find() {
      const c = await x.call((xero, auth) => xero.creditNote(auth, creditNoteId));
      return c.value.allocations.some((a) => a.invoiceId === billId) ? `allocation:${creditNoteId}` : null;
    },
    async pay() {
      const a = await x.call((xero, auth) => xero.allocateCreditNote(auth, creditNoteId, [{ invoiceId: billId, amountMinor: r.amount, currency: r.currency, date: r.day }], `gl-allocation-${rec.id}`));
      const al = itemValue(a.items[0], "credit note allocation");
      return al.allocationId ?? `allocation:${creditNoteId}`;
    },
  });
}
