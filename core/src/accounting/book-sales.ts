import type { Deps } from "../platform/deps.ts";
import type { XeroLineInput } from "../integrations/xero/xero.ts";
import { ensureContact } from "./contacts.ts";
import { ensureDocument, ensurePayment, itemValue, NeedsAttention } from "./document-steps.ts";
import type { AccountingRecord } from "./records.ts";
import type { XeroCaller } from "./xero-calls.ts";

/**
 * Sales into Xero: a paid gift order becomes an ACCREC invoice to the buyer organisation's
 * contact (a line per offer and one for shipping), paid into the Stripe clearing account; a
 * refund a customer credit note with its refund payment out of the clearing account; a day of
 * Stripe fees one spend transaction on the clearing account. Amounts are tax-inclusive, so
 * each document totals exactly the money Stripe moved.
 */
const LIVE = (s: string) => s !== "VOIDED" && s !== "DELETED";

export const saleInvoiceNumber = (orderId: string) => `GL-O-${orderId}`;
export const refundCreditNoteNumber = (refundId: string) => `GL-R-${refundId}`;
export const feesReference = (day: string, currency: string) => `GL-FEES-${day}-${currency}`;

/** Refuses amounts in a currency the organisation has not enabled (one call, foreign currencies only). */
export async function checkCurrency(x: XeroCaller, currency: string): Promise<void> {
  if (currency === x.session.connection.baseCurrency) return;
  const enabled = await x.call((xero, auth) => xero.currencies(auth));
  if (!enabled.value.includes(currency)) {
    throw new NeedsAttention(`amounts in ${currency}: the currency is not enabled in the Xero organisation ${x.session.connection.tenantName ?? ""}`.trim());
  }
}

/** Splits `total` over `weights` in proportion, exactly (the last part takes the rounding). */
export function splitExact(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  let left = total;
  return weights.map((w, i) => {
    if (i === weights.length - 1) return left;
    const part = sum === 0 ? 0 : Math.round((total * w) / sum);
    left -= part;
    return part;
  });
}

interface OrderRow {
  id: string;
  currency: string;
  items_amount: number;
  shipping_amount: number;
  total_amount: number;
  pi: string | null;
  buyer_id: string;
  buyer_name: string;
  buyer_email: string;
}

async function loadOrder(deps: Deps, orderId: string): Promise<OrderRow> {
  const [o] = await deps.db.sql.query<OrderRow>(
    `SELECT o.id::text, o.currency, o.items_amount, o.shipping_amount, o.total_amount, o.stripe_payment_intent_id AS pi,
            b.id::text AS buyer_id, b.name AS buyer_name, b.email AS buyer_email
     FROM gift_order o JOIN buyer_org b ON b.id = o.buyer_org_id WHERE o.id = $1::uuid`,
    [orderId],
  );
  if (!o) throw new NeedsAttention(`order ${orderId} is not in the ledger`);
  return o;
}

export async function saleLines(deps: Deps, o: OrderRow, accountCode: string): Promise<XeroLineInput[]> {
  const offers = await deps.db.sql.query<{ name: string; n: number; amount: number }>(
    `SELECT g.name, count(*)::int AS n, sum(r.amount)::int AS amount
     FROM order_recipient r JOIN gift_offer g ON g.id = r.offer_id WHERE r.order_id = $1::uuid GROUP BY g.id, g.name ORDER BY g.name`,
    [o.id],
  );
  const items = splitExact(o.items_amount, offers.map((f) => f.amount));
  const lines: XeroLineInput[] = offers.map((f, i) => ({ description: `${f.name} × ${f.n}`, unitAmountMinor: items[i] ?? 0, accountCode }));
  if (o.shipping_amount > 0) lines.push({ description: "Shipping", unitAmountMinor: o.shipping_amount, accountCode });
  return lines;
}

export async function bookSale(deps: Deps, x: XeroCaller, rec: AccountingRecord): Promise<void> {
  const o = await loadOrder(deps, rec.sourceId);
  const { mapping } = x.session;
  await checkCurrency(x, o.currency);
  const contactId = await ensureContact(deps, x, { party: "buyer", partyId: o.buyer_id, name: o.buyer_name, email: o.buyer_email });
  const number = saleInvoiceNumber(o.id);
  const invoiceId = await ensureDocument(deps, rec, {
    async find() {
      const r = await x.call((xero, auth) => xero.invoices(auth, { invoiceNumbers: [number] }));
      const inv = r.value.find((i) => i.type === "ACCREC" && LIVE(i.status));
      return inv ? { id: inv.invoiceId, number: inv.invoiceNumber } : null;
    },
    async create() {
      const lines = await saleLines(deps, o, mapping.salesAccountCode);
      const r = await x.call((xero, auth) =>
        xero.createInvoices(
          auth,
          [{ type: "ACCREC", contactId, invoiceNumber: number, ...(o.pi ? { reference: o.pi } : {}), date: rec.day, dueDate: rec.day, currency: o.currency, lineAmountTypes: "Inclusive", lines }],
          `gl-invoice-${rec.id}`,
        ),
      );
      const inv = itemValue(r.items[0], "sales invoice");
      return { id: inv.invoiceId, number: inv.invoiceNumber };
    },
  });
  await ensurePayment(deps, rec, {
    async find() {
      const r = await x.call((xero, auth) => xero.invoice(auth, invoiceId));
      return r.value.amountPaidMinor > 0 ? (r.value.paymentIds[0] ?? null) : null;
    },
    async pay() {
      const r = await x.call((xero, auth) =>
        xero.createPayments(
          auth,
          [{ invoiceId, accountCode: mapping.clearingAccountCode, date: rec.day, amountMinor: o.total_amount, currency: o.currency, ...(o.pi ? { reference: o.pi } : {}) }],
          `gl-payment-${rec.id}`,
        ),
      );
      return itemValue(r.items[0], "invoice payment").paymentId;
    },
  });
  await deps.db.sql.execute(`UPDATE accounting_record SET xero_contact_id = $2 WHERE id = $1::uuid`, [rec.id, contactId]);
}

export async function bookRefund(deps: Deps, x: XeroCaller, rec: AccountingRecord): Promise<void> {
  const [f] = await deps.db.sql.query<{ order_id: string; unit_id: string | null; amount: number; currency: string; reason: string; stripe_refund_id: string | null }>(
    `SELECT order_id::text, unit_id::text, amount, currency, reason, stripe_refund_id FROM refund WHERE id = $1::uuid`,
    [rec.sourceId],
  );
  if (!f) throw new NeedsAttention(`refund ${rec.sourceId} is not in the ledger`);
  const o = await loadOrder(deps, f.order_id);
  const { mapping } = x.session;
  await checkCurrency(x, f.currency);
  const contactId = await ensureContact(deps, x, { party: "buyer", partyId: o.buyer_id, name: o.buyer_name, email: o.buyer_email });
  const number = refundCreditNoteNumber(rec.sourceId);
  const creditNoteId = await ensureDocument(deps, rec, {
    async find() {
      const r = await x.call((xero, auth) => xero.creditNotes(auth, { where: `CreditNoteNumber=="${number}"` }));
      const cn = r.value.find((c) => LIVE(c.status));
      return cn ? { id: cn.creditNoteId, number: cn.creditNoteNumber } : null;
    },
    async create() {
      const description = `Refund (${f.reason}) of order ${saleInvoiceNumber(o.id)}${f.unit_id ? `, gift ${f.unit_id}` : ""}`;
      const r = await x.call((xero, auth) =>
        xero.createCreditNotes(
          auth,
          [
            {
              type: "ACCRECCREDIT",
              contactId,
              creditNoteNumber: number,
              ...(f.stripe_refund_id ? { reference: f.stripe_refund_id } : {}),
              date: rec.day,
              currency: f.currency,
              lineAmountTypes: "Inclusive",
              lines: [{ description, unitAmountMinor: f.amount, accountCode: mapping.salesAccountCode }],
            },
          ],
          `gl-credit-note-${rec.id}`,
        ),
      );
      const cn = itemValue(r.items[0], "credit note");
      return { id: cn.creditNoteId, number: cn.creditNoteNumber };
    },
  });
  await ensurePayment(deps, rec, {
    async find() {
      const r = await x.call((xero, auth) => xero.payments(auth, { where: `CreditNote.CreditNoteID==guid("${creditNoteId}")` }));
      return r.value.find((p) => p.status !== "DELETED")?.paymentId ?? null;
    },
    async pay() {
      const r = await x.call((xero, auth) =>
        xero.createPayments(
          auth,
          [{ creditNoteId, accountCode: mapping.clearingAccountCode, date: rec.day, amountMinor: f.amount, currency: f.currency, ...(f.stripe_refund_id ? { reference: f.stripe_refund_id } : {}) }],
          `gl-payment-${rec.id}`,
        ),
      );
      return itemValue(r.items[0], "refund payment").paymentId;
    },
  });
}

export async function bookFees(deps: Deps, x: XeroCaller, rec: AccountingRecord): Promise<void> {
  const { mapping } = x.session;
  await checkCurrency(x, rec.currency);
  const contactId = await ensureContact(deps, x, { party: "stripe", partyId: "stripe", name: "Stripe" });
  const reference = feesReference(rec.day, rec.currency);
  await ensureDocument(deps, rec, {
    async find() {
      const r = await x.call((xero, auth) => xero.bankTransactions(auth, { where: `Reference=="${reference}"` }));
      const t = r.value.find((b) => LIVE(b.status));
      return t ? { id: t.bankTransactionId, number: reference } : null;
    },
    async create() {
      const r = await x.call((xero, auth) =>
        xero.createBankTransactions(
          auth,
          [
            {
              type: "SPEND",
              contactId,
              bankAccountCode: mapping.clearingAccountCode,
              date: rec.day,
              currency: rec.currency,
              reference,
              lineAmountTypes: "NoTax",
              lines: [{ description: `Stripe fees ${rec.day}`, unitAmountMinor: rec.amount, accountCode: mapping.feesAccountCode }],
            },
          ],
          `gl-fees-${rec.id}`,
        ),
      );
      const t = itemValue(r.items[0], "fees transaction");
      return { id: t.bankTransactionId, number: reference };
    },
  });
}
