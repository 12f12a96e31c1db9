import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bookRecord } from "./book-record.ts";
import { payoutPaid, payoutReversed, setPayoutSource, type PayoutForBooking, type ReversalForBooking } from "./book-payouts.ts";
import { loadRecord } from "./records.ts";
import { startAccountingStack, TEST_MAPPING, type AccountingStack } from "./testing.ts";

// Payout bills against the Xero stand-in. The payouts are given through a registered
// PayoutSource, as the payouts module registers its own.

let stack: AccountingStack;
const payouts = new Map<string, PayoutForBooking>();
const reversals = new Map<string, ReversalForBooking>();
const vendorId = "0b6f5d9e-6f0e-4c3c-9a8f-111111111111";

function payout(n: number, opts: { vendorName?: string; vendorId?: string } = {}): PayoutForBooking {
  const id = crypto.randomUUID();
  const lines = Array.from({ length: n }, (_, i) => ({
    unitId: crypto.randomUUID(),
    orderId: crypto.randomUUID(),
    gift: `Gift to Recipient ${i}`,
    item: "Enamel mug",
    variant: i % 2 ? "Blue" : null,
    sku: `mug-${i}`,
    amount: 2000 + i,
  }));
  const p: PayoutForBooking = {
    id,
    reference: `GL-P-${id}`,
    vendorId: opts.vendorId ?? vendorId,
    vendorName: opts.vendorName ?? "Northwind",
    vendorEmail: "ap@northwind.test",
    currency: "USD",
    total: lines.reduce((a, l) => a + l.amount, 0),
    paidDay: "2026-12-05",
    transferIds: lines.slice(0, 2).map((_, i) => `tr_test_${id.slice(0, 8)}_${i}`),
    lines,
  };
  payouts.set(id, p);
  return p;
}

const org = () => stack.standIn.organisation(stack.tenantId);
const bills = (reference: string) => [...org().invoices.values()].filter((i) => i.Type === "ACCPAY" && i.InvoiceNumber === reference);

beforeAll(async () => {
  stack = await startAccountingStack();
  setPayoutSource({ payout: async (_d, id) => payouts.get(id) ?? null, reversal: async (_d, id) => reversals.get(id) ?? null });
}, 60_000);

afterAll(async () => {
  setPayoutSource(null);
  expect(await stack.stop()).toEqual([]);
});

describe("payouts into Xero", () => {
  it("a paid payout: one AUTHORISED bill from the brand's contact, a line per unit with account, tax and tracking, paid from clearing with the transfer ids", async () => {
    const p = payout(5);
    const id = await payoutPaid(stack.t.deps, p);
    expect(await payoutPaid(stack.t.deps, p)).toBe(id);
    expect(await bookRecord(stack.t.deps, id)).toBe("booked");
    const [bill] = bills(p.reference);
    expect(bills(p.reference)).toHaveLength(1);
    expect(bill).toMatchObject({ Status: "PAID", CurrencyCode: "USD", totalCents: p.total, paidCents: p.total });
    expect(bill?.lines).toHaveLength(5);
    expect(bill?.lines[1]).toMatchObject({ AccountCode: TEST_MAPPING.billsAccountCode, TaxType: TEST_MAPPING.taxType, Tracking: [expect.objectContaining({ Name: "Brand", Option: "Northwind" })] });
    expect(bill?.lines[1]?.Description).toContain("Enamel mug (Blue)");
    expect(bill?.lines[1]?.Description).toContain("SKU mug-1");
    const payment = [...org().payments.values()].find((x) => x.InvoiceID === bill?.InvoiceID);
    expect(payment?.Reference).toBe(p.transferIds.join(" "));
    const rec = await loadRecord(stack.t.deps, id);
    expect(rec).toMatchObject({ status: "booked", xeroDocumentId: bill?.InvoiceID, xeroPaymentId: payment?.PaymentID });
  });

  it("the brand's contact is cached: a second payout costs two calls (bill, payment)", async () => {
    const p = payout(50);
    const id = await payoutPaid(stack.t.deps, p);
    let caller: { calls: number } | undefined;
    expect(await bookRecord(stack.t.deps, id, { onCaller: (x) => void (caller = x) })).toBe("booked");
    expect(caller?.calls).toBe(2);
    expect(bills(p.reference)[0]?.lines).toHaveLength(50);
  });

  it("a transfer reversal: a supplier credit note, its refund received into clearing; a negative adjustment: allocated to the later bill", async () => {
    const p = payout(2);
    await bookRecord(stack.t.deps, await payoutPaid(stack.t.deps, p));
    const r: ReversalForBooking = { id: crypto.randomUUID(), payoutId: p.id, reference: `GL-PR-${p.id.slice(0, 8)}`, vendorId, vendorName: "Northwind", currency: "USD", amount: 2000, day: "2026-12-06", description: `Unit ${p.lines[0]?.unitId} canceled`, stripeRef: "trr_test_1" };
    reversals.set(r.id, r);
    const rid = await payoutReversed(stack.t.deps, r);
    expect(await bookRecord(stack.t.deps, rid)).toBe("booked");
    const cn = [...org().creditNotes.values()].find((c) => c.CreditNoteNumber === r.reference);
    expect(cn).toMatchObject({ Type: "ACCPAYCREDIT", Status: "PAID" });
    expect([...org().payments.values()].find((x) => x.CreditNoteID === cn?.CreditNoteID)?.Reference).toBe("trr_test_1");

    // A later payout net of the adjustment: its bill has the units, its payment the net amount.
    const later = payout(3);
    const adjustment = 1500;
    later.total -= adjustment;
    await bookRecord(stack.t.deps, await payoutPaid(stack.t.deps, later));
    const adj: ReversalForBooking = { ...r, id: crypto.randomUUID(), payoutId: later.id, reference: `GL-PA-${later.id.slice(0, 8)}`, amount: adjustment, stripeRef: null };
    reversals.set(adj.id, adj);
    expect(await bookRecord(stack.t.deps, await payoutReversed(stack.t.deps, adj))).toBe("booked");
    expect(bills(later.reference)[0]).toMatchObject({ Status: "PAID" });
  });

  it("a brand new to Xero: its contact and its option in the Brand tracking category are created once", async () => {
    const p = payout(2, { vendorName: "Fabrikam Home", vendorId: crypto.randomUUID() });
    expect(await bookRecord(stack.t.deps, await payoutPaid(stack.t.deps, p))).toBe("booked");
    const brand = org().tracking.find((c) => c.Name === "Brand");
    expect(brand?.Options.filter((o) => o.Name === "Fabrikam Home")).toHaveLength(1);
    expect(bills(p.reference)[0]?.lines[0]?.Tracking).toEqual([expect.objectContaining({ Name: "Brand", Option: "Fabrikam Home" })]);
  });

  it("a payout Xero refuses (the brand's name is a tracking option Xero cannot take): needs_attention with Xero's message, nothing booked", async () => {
    const p = payout(1, { vendorName: "", vendorId: crypto.randomUUID() });
    const id = await payoutPaid(stack.t.deps, p);
    expect(await bookRecord(stack.t.deps, id)).toBe("needs_attention");
    const rec = await stack.t.deps.db.sql.query<{ message: string }>(`SELECT message FROM accounting_record WHERE id = $1::uuid`, [id]);
    expect(rec[0]?.message).toBeTruthy();
    expect(bills(p.reference)).toHaveLength(0);
  });
});
