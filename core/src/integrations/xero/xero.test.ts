import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startXeroStandIn, type XeroStandIn } from "@giftloop/sandbox/xero/server";
import { installXeroSandboxRouting, uninstallXeroSandboxRouting } from "./sandbox-routing.ts";
import {
  createXeroAccounting,
  XeroAuthExpired,
  XeroForbidden,
  XeroInvalidGrant,
  XeroOAuthError,
  XeroRateLimited,
  XeroUnavailable,
  XeroValidation,
  type XeroAccounting,
  type XeroAuth,
  type XeroTokenSet,
} from "./xero.ts";

// xero-node, unmodified, against the Xero stand-in through the sandbox host routing: every
// call below leaves xero-node for https://identity.xero.com or https://api.xero.com and is
// answered by the stand-in over TLS. Every request and answer is checked against Xero's yaml
// by the stand-in; the suite fails if any broke it.

let standIn: XeroStandIn;
let xero: XeroAccounting;
let tokens: XeroTokenSet;
let auth: XeroAuth;
let supplierId: string;

async function connect(state = "state-1", tenantIds?: string[]): Promise<XeroTokenSet> {
  const url = await xero.consentUrl(state);
  const callback = await standIn.consent(url, tenantIds ? { tenantIds } : {});
  return xero.exchangeCode(callback, state);
}

beforeAll(async () => {
  standIn = await startXeroStandIn();
  installXeroSandboxRouting({ url: standIn.tlsUrl, ca: standIn.caPem });
  xero = createXeroAccounting({ clientId: standIn.client.clientId, clientSecret: standIn.client.clientSecret, redirectUri: standIn.client.redirectUris[0] as string, callTimeoutMs: 5_000 });
});

afterEach(() => {
  standIn.setFaults({});
  standIn.setLimits({ perMinute: 60, perDay: 5000, concurrent: 5, appPerMinute: 10_000, enabled: true, latencyMs: 0 });
});

afterAll(async () => {
  uninstallXeroSandboxRouting();
  const violations = [...standIn.requestViolations, ...standIn.responseViolations];
  await standIn.stop();
  expect(violations, "requests or answers that break Xero's yaml").toEqual([]);
});

describe("connecting (OAuth code flow through xero-node)", () => {
  it("builds the consent URL, exchanges the code, lists the connection", async () => {
    const url = new URL(await xero.consentUrl("abc123"));
    expect(url.searchParams.get("state")).toBe("abc123");
    expect(url.searchParams.get("scope")).toContain("accounting.invoices");
    expect(url.searchParams.get("scope")).toContain("offline_access");
    const platform = standIn.organisationNamed("Platform");
    tokens = await connect("state-1", [platform.tenantId]);
    expect(tokens.accessToken).toMatch(/^ey/);
    expect(tokens.refreshToken).toBeTruthy();
    expect(tokens.expiresAt.getTime() - Date.now()).toBeGreaterThan(29 * 60_000);
    const connections = await xero.connections(tokens.accessToken);
    expect(connections).toEqual([expect.objectContaining({ tenantId: platform.tenantId, tenantName: "Giftloop Platform (US)", tenantType: "ORGANISATION" })]);
    auth = { accessToken: tokens.accessToken, tenantId: platform.tenantId };
    const org = await xero.organisation(auth);
    expect(org.value).toMatchObject({ tenantId: platform.tenantId, baseCurrency: "USD" });
    expect(org.rateLimit.minuteRemaining).toBeLessThan(60);
    expect(org.rateLimit.dayRemaining).toBeGreaterThan(4000);
    expect(org.rateLimit.appMinuteRemaining).toBeGreaterThan(9000);
    expect((await xero.currencies(auth)).value.sort()).toEqual(["EUR", "GBP", "USD"]);
    const banks = await xero.accounts(auth, { where: 'Type=="BANK" AND Status=="ACTIVE"' });
    expect(banks.value.map((a) => a.code).sort()).toEqual(["090", "091", "092"]);
    expect(banks.value.find((a) => a.code === "092")?.currency).toBe("EUR");
    expect((await xero.taxRates(auth)).value.map((t) => t.taxType)).toContain("INPUT");
    const tracking = await xero.trackingCategories(auth);
    const brand = tracking.value.find((c) => c.name === "Brand");
    expect(brand?.options.map((o) => o.name)).toContain("Northwind");
    const option = await xero.createTrackingOption(auth, brand?.categoryId as string, "Fabrikam", "tracking:fabrikam");
    expect(option.value.name).toBe("Fabrikam");
  });

  it("a tampered state, a denied consent and a replayed callback are typed errors", async () => {
    const url = await xero.consentUrl("good-state");
    const callback = await standIn.consent(url);
    await expect(xero.exchangeCode(callback, "other-state")).rejects.toMatchObject({ name: "XeroOAuthError", code: "state_mismatch" });
    const denied = await standIn.consent(await xero.consentUrl("s2"), { deny: true });
    await expect(xero.exchangeCode(denied, "s2")).rejects.toMatchObject({ name: "XeroOAuthError", code: "access_denied" });
    const fresh = await standIn.consent(await xero.consentUrl("s3"));
    await xero.exchangeCode(fresh, "s3");
    await expect(xero.exchangeCode(fresh, "s3")).rejects.toBeInstanceOf(XeroInvalidGrant);
  });
});

describe("booking (contacts, bills, payments, credit notes, bank transactions)", () => {
  it("creates contacts item by item: one bad element does not stop the others", async () => {
    const r = await xero.createContacts(
      auth,
      [
        { name: "Northwind Traders", contactNumber: "vendor-1", email: "ap@northwind.test" },
        { name: "Broken", email: "not-an-email" },
      ],
      "contacts:batch-1",
    );
    expect(r.items[0]).toMatchObject({ ok: true, value: { name: "Northwind Traders", contactNumber: "vendor-1" } });
    expect(r.items[1]).toEqual({ ok: false, messages: ["Email address must be valid."] });
    supplierId = r.items[0]?.ok ? r.items[0].value.contactId : "";
    const found = await xero.contacts(auth, { where: 'ContactNumber=="vendor-1"' });
    expect(found.value.map((c) => c.contactId)).toEqual([supplierId]);
  });

  it("books a bill with lines, finds it by its reference, pays it, credits it", async () => {
    const bill = await xero.createInvoices(
      auth,
      [
        {
          type: "ACCPAY",
          contactId: supplierId,
          invoiceNumber: "payout-p1",
          date: "2026-05-01",
          dueDate: "2026-05-01",
          currency: "USD",
          lines: [
            { description: "Gift g1 · order o1 · Candle / Large (SKU C-L)", unitAmountMinor: 2599, accountCode: "320", taxType: "NONE", tracking: [{ category: "Brand", option: "Northwind" }] },
            { description: "Gift g2 · order o1 · Mug (SKU M-1)", quantity: 2, unitAmountMinor: 1250, accountCode: "320", taxType: "INPUT" },
          ],
        },
      ],
      "bill:p1",
    );
    const created = bill.items[0];
    if (!created?.ok) throw new Error(`bill refused: ${JSON.stringify(created)}`);
    // 25.99 + 2 x 12.50 = 50.99, tax 10% on the second line = 2.50
    expect(created.value).toMatchObject({ type: "ACCPAY", status: "AUTHORISED", invoiceNumber: "payout-p1", subTotalMinor: 5099, totalTaxMinor: 250, totalMinor: 5349, amountDueMinor: 5349 });
    expect(created.value.lines?.[0]?.tracking).toEqual([{ category: "Brand", option: "Northwind" }]);
    const billId = created.value.invoiceId;

    const byRef = await xero.invoices(auth, { invoiceNumbers: ["payout-p1"] });
    expect(byRef.value.map((i) => i.invoiceId)).toEqual([billId]);
    expect(byRef.value[0]?.lines).toHaveLength(2);
    expect((await xero.invoices(auth, { where: 'Type=="ACCPAY" AND InvoiceNumber=="payout-p1"' })).value).toHaveLength(1);

    const credit = await xero.createCreditNotes(
      auth,
      [{ type: "ACCPAYCREDIT", contactId: supplierId, creditNoteNumber: "reversal-r1", date: "2026-05-02", currency: "USD", lines: [{ description: "Gift g2 reversed", unitAmountMinor: 1349, accountCode: "320", taxType: "NONE" }] }],
      "credit:r1",
    );
    if (!credit.items[0]?.ok) throw new Error(JSON.stringify(credit.items[0]));
    const creditId = credit.items[0].value.creditNoteId;
    const alloc = await xero.allocateCreditNote(auth, creditId, [{ invoiceId: billId, amountMinor: 1349, currency: "USD", date: "2026-05-02" }], "alloc:r1");
    expect(alloc.items[0]).toMatchObject({ ok: true, value: { invoiceId: billId, amountMinor: 1349 } });
    expect((await xero.creditNote(auth, creditId)).value).toMatchObject({ status: "PAID", remainingCreditMinor: 0 });

    const pay = await xero.createPayments(auth, [{ invoiceId: billId, accountCode: "091", date: "2026-05-03", amountMinor: 4000, currency: "USD", reference: "tr_1,tr_2" }], "pay:p1");
    expect(pay.items[0]).toMatchObject({ ok: true, value: { invoiceId: billId, amountMinor: 4000, paymentType: "ACCPAYPAYMENT", reference: "tr_1,tr_2" } });
    const paid = (await xero.invoice(auth, billId)).value;
    expect(paid).toMatchObject({ status: "PAID", amountDueMinor: 0, amountPaidMinor: 4000, amountCreditedMinor: 1349 });
    expect((await xero.payments(auth, { where: `Invoice.InvoiceID==guid("${billId}")` })).value).toHaveLength(1);
  });

  it("refuses what Xero refuses, element by element: an archived account, a currency not enabled, overpaying", async () => {
    await fetch(`${standIn.url}/_sandbox/organisations/${auth.tenantId}/accounts/429/archive`, { method: "POST" });
    const r = await xero.createInvoices(
      auth,
      [
        { type: "ACCPAY", contactId: supplierId, invoiceNumber: "bad-1", date: "2026-05-04", currency: "USD", lines: [{ description: "x", unitAmountMinor: 100, accountCode: "429" }] },
        { type: "ACCPAY", contactId: supplierId, invoiceNumber: "bad-2", date: "2026-05-04", currency: "JPY", lines: [{ description: "x", unitAmountMinor: 100, accountCode: "320" }] },
        { type: "ACCPAY", contactId: supplierId, invoiceNumber: "good-3", date: "2026-05-04", currency: "USD", lines: [{ description: "x", unitAmountMinor: 100, accountCode: "320", taxType: "NONE" }] },
      ],
      "bill:mixed",
    );
    expect(r.items[0]).toEqual({ ok: false, messages: ["Account code '429' has been archived, or deleted. Each line item must reference a valid account."] });
    expect(r.items[1]).toEqual({ ok: false, messages: ["Organisation is not subscribed to currency JPY"] });
    expect(r.items[2]?.ok).toBe(true);
    const good = r.items[2]?.ok ? r.items[2].value : null;
    const over = await xero.createPayments(auth, [{ invoiceId: good?.invoiceId as string, accountCode: "091", date: "2026-05-04", amountMinor: 101, currency: "USD" }], "pay:over");
    expect(over.items[0]).toEqual({ ok: false, messages: ["Payment amount exceeds the amount outstanding on this document"] });
  });

  it("a paid sales invoice and its refund: an ACCREC credit note refunded from the clearing account", async () => {
    const buyer = await xero.createContacts(auth, [{ name: "Acme Corp (buyer)" }], "contact:buyer-1");
    const buyerId = buyer.items[0]?.ok ? buyer.items[0].value.contactId : "";
    const sale = await xero.createInvoices(
      auth,
      [{ type: "ACCREC", contactId: buyerId, reference: "order o1", date: "2026-05-01", currency: "USD", lines: [{ description: "Gift offer x2", quantity: 2, unitAmountMinor: 3000, accountCode: "200", taxType: "NONE" }] }],
      "sale:o1",
    );
    if (!sale.items[0]?.ok) throw new Error(JSON.stringify(sale.items[0]));
    expect(sale.items[0].value).toMatchObject({ type: "ACCREC", reference: "order o1", totalMinor: 6000 });
    expect(sale.items[0].value.invoiceNumber).toMatch(/^INV-/);
    await xero.createPayments(auth, [{ invoiceId: sale.items[0].value.invoiceId, accountCode: "091", date: "2026-05-01", amountMinor: 6000, currency: "USD" }], "sale-pay:o1");
    const refund = await xero.createCreditNotes(
      auth,
      [{ type: "ACCRECCREDIT", contactId: buyerId, reference: "refund re_1", date: "2026-05-03", currency: "USD", lines: [{ description: "Unredeemed gift refunded", unitAmountMinor: 3000, accountCode: "200", taxType: "NONE" }] }],
      "refund:re_1",
    );
    if (!refund.items[0]?.ok) throw new Error(JSON.stringify(refund.items[0]));
    const paid = await xero.createPayments(auth, [{ creditNoteId: refund.items[0].value.creditNoteId, accountCode: "091", date: "2026-05-03", amountMinor: 3000, currency: "USD" }], "refund-pay:re_1");
    expect(paid.items[0]).toMatchObject({ ok: true, value: { creditNoteId: refund.items[0].value.creditNoteId, paymentType: "ARCREDITPAYMENT", amountMinor: 3000 } });
    expect((await xero.creditNotes(auth, { where: 'Reference=="refund re_1"' })).value).toEqual([expect.objectContaining({ status: "PAID", remainingCreditMinor: 0 })]);
  });

  it("records a spend bank transaction on the clearing account", async () => {
    const fees = await xero.createBankTransactions(
      auth,
      [{ type: "SPEND", contactId: supplierId, bankAccountCode: "091", date: "2026-05-05", currency: "USD", reference: "stripe-fees-2026-05-05", lines: [{ description: "Stripe fees", unitAmountMinor: 1234, accountCode: "405" }] }],
      "fees:2026-05-05",
    );
    expect(fees.items[0]).toMatchObject({ ok: true, value: { type: "SPEND", status: "AUTHORISED", totalMinor: 1234, currency: "USD" } });
    const eur = await xero.createBankTransactions(
      auth,
      [{ type: "SPEND", contactId: supplierId, bankAccountCode: "092", date: "2026-05-05", currency: "USD", lines: [{ description: "fees", unitAmountMinor: 100, accountCode: "405" }] }],
      "fees:eur",
    );
    expect(eur.items[0]).toEqual({ ok: false, messages: ["The currency of the bank transaction (USD) must match the currency of the bank account (EUR)."] });
  });
});

describe("idempotency, limits and faults", () => {
  const bill = (n: string, amount = 500) => ({
    type: "ACCPAY" as const,
    contactId: supplierId,
    invoiceNumber: n,
    date: "2026-05-06",
    currency: "USD",
    lines: [{ description: "gift", unitAmountMinor: amount, accountCode: "320", taxType: "NONE" }],
  });
  const billsNamed = (n: string) => [...standIn.organisation(auth.tenantId).invoices.values()].filter((i) => i.InvoiceNumber === n);

  it("replays the same request under the same key; another request under it is refused", async () => {
    const a = await xero.createInvoices(auth, [bill("idem-1")], "bill:idem-1");
    const b = await xero.createInvoices(auth, [bill("idem-1")], "bill:idem-1");
    expect(a.items[0]?.ok && b.items[0]?.ok && a.items[0].value.invoiceId === b.items[0].value.invoiceId).toBe(true);
    expect(billsNamed("idem-1")).toHaveLength(1);
    const err = await xero.createInvoices(auth, [bill("idem-1", 999)], "bill:idem-1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XeroValidation);
    expect((err as XeroValidation).messages.join()).toContain("is used with a different request");
  });

  it("an answer lost after the write committed: the retry under the same key gets the original", async () => {
    standIn.setFaults({ dropAfterCommit: 1 });
    await expect(xero.createInvoices(auth, [bill("lost-1")], "bill:lost-1")).rejects.toBeInstanceOf(XeroUnavailable);
    expect(billsNamed("lost-1")).toHaveLength(1);
    const retry = await xero.createInvoices(auth, [bill("lost-1")], "bill:lost-1");
    expect(retry.items[0]?.ok && retry.items[0].value.invoiceId).toBe(billsNamed("lost-1")[0]?.InvoiceID);
    expect(billsNamed("lost-1")).toHaveLength(1);
  });

  it("500s and timeouts are XeroUnavailable, with nothing written", async () => {
    standIn.setFaults({ rate: 1, kinds: ["500"] });
    await expect(xero.createInvoices(auth, [bill("f-500")], "bill:f-500")).rejects.toBeInstanceOf(XeroUnavailable);
    standIn.setFaults({ rate: 1, kinds: ["timeout"], hangMs: 8_000 });
    const slow = createXeroAccounting({ clientId: standIn.client.clientId, clientSecret: standIn.client.clientSecret, redirectUri: standIn.client.redirectUris[0] as string, callTimeoutMs: 300 });
    await expect(slow.organisation(auth)).rejects.toThrow(/did not answer within 300 ms/);
    standIn.setFaults({});
    expect(billsNamed("f-500")).toHaveLength(0);
  });

  it("429 per minute, per day and for concurrency come out as XeroRateLimited with what to wait", async () => {
    standIn.rateLimiter.reset();
    standIn.setLimits({ perMinute: 2 });
    const first = await xero.organisation(auth);
    expect(first.rateLimit.minuteRemaining).toBe(1);
    await xero.organisation(auth);
    const minute = await xero.organisation(auth).catch((e: unknown) => e);
    expect(minute).toBeInstanceOf(XeroRateLimited);
    expect(minute).toMatchObject({ problem: "minute", rateLimit: { minuteRemaining: 0 } });
    expect((minute as XeroRateLimited).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect((minute as XeroRateLimited).retryAfterSeconds).toBeLessThanOrEqual(60);

    standIn.rateLimiter.reset();
    standIn.setLimits({ perMinute: 60, perDay: 1 });
    await xero.organisation(auth);
    await expect(xero.organisation(auth)).rejects.toMatchObject({ problem: "day" });

    standIn.rateLimiter.reset();
    standIn.setLimits({ perDay: 5000, concurrent: 1, latencyMs: 400 });
    const results = await Promise.allSettled([xero.organisation(auth), xero.organisation(auth), xero.organisation(auth)]);
    const refused = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason);
    expect(results.some((r) => r.status === "fulfilled")).toBe(true);
    expect(refused.length).toBeGreaterThan(0);
    for (const e of refused) expect(e).toMatchObject({ name: "XeroRateLimited", problem: "concurrent", retryAfterSeconds: 1 });
    standIn.rateLimiter.reset();
  });
});

describe("tokens: rotation, grace, expiry, revocation", () => {
  it("rotates the refresh token; the previous one works during the grace period, then invalid_grant", async () => {
    const t0 = await connect("rot", [auth.tenantId]);
    const t1 = await xero.refresh(t0.refreshToken);
    expect(t1.refreshToken).not.toBe(t0.refreshToken);
    expect(t1.accessToken).not.toBe(t0.accessToken);
    // The answer to the first refresh may have been lost: the old token still works for a while.
    standIn.advanceClock(10 * 60_000);
    const again = await xero.refresh(t0.refreshToken);
    expect(again.refreshToken).not.toBe(t1.refreshToken);
    standIn.advanceClock(21 * 60_000);
    await expect(xero.refresh(t0.refreshToken)).rejects.toBeInstanceOf(XeroInvalidGrant);
    // The rotated one was never used: it works, and its access token reaches the API.
    const t2 = await xero.refresh(t1.refreshToken);
    expect((await xero.organisation({ accessToken: t2.accessToken, tenantId: auth.tenantId })).value.name).toBe("Giftloop Platform (US)");
    // Access tokens last 30 minutes.
    standIn.advanceClock(31 * 60_000);
    await expect(xero.organisation({ accessToken: t2.accessToken, tenantId: auth.tenantId })).rejects.toBeInstanceOf(XeroAuthExpired);
    // Refresh tokens last 60 days unused.
    standIn.advanceClock(61 * 86_400_000);
    await expect(xero.refresh(t2.refreshToken)).rejects.toBeInstanceOf(XeroInvalidGrant);
  });

  it("a token refresh whose answer was lost can be retried with the same token", async () => {
    const t0 = await connect("lost-refresh", [auth.tenantId]);
    standIn.setFaults({ dropAfterCommit: 1, scope: "token" });
    await expect(xero.refresh(t0.refreshToken)).rejects.toBeInstanceOf(XeroUnavailable);
    const t1 = await xero.refresh(t0.refreshToken);
    expect(t1.refreshToken).toBeTruthy();
  });

  it("a disconnected app gives invalid_grant and 401; a removed organisation gives 403", async () => {
    const t0 = await connect("revoke", [auth.tenantId]);
    const res = await fetch(`${standIn.url}/_sandbox/grants/revoke`, { method: "POST", body: JSON.stringify({ refreshToken: t0.refreshToken }) });
    expect(res.status).toBe(200);
    await expect(xero.refresh(t0.refreshToken)).rejects.toBeInstanceOf(XeroInvalidGrant);
    await expect(xero.organisation({ accessToken: t0.accessToken, tenantId: auth.tenantId })).rejects.toBeInstanceOf(XeroAuthExpired);

    const t1 = await connect("disconnect", [auth.tenantId]);
    const [conn] = await xero.connections(t1.accessToken);
    await xero.disconnect(t1.accessToken, conn?.id as string);
    expect(await xero.connections(t1.accessToken)).toEqual([]);
    await expect(xero.organisation({ accessToken: t1.accessToken, tenantId: auth.tenantId })).rejects.toBeInstanceOf(XeroForbidden);
  });

  it("revoke() ends the app's access to its organisations", async () => {
    const t0 = await connect("revoke-api", [auth.tenantId]);
    await xero.revoke(t0.refreshToken);
    await expect(xero.refresh(t0.refreshToken)).rejects.toBeInstanceOf(XeroInvalidGrant);
  });

  it("an organisation in another base currency says so", async () => {
    const eu = standIn.organisationNamed("Europe");
    const t = await connect("eu", [eu.tenantId]);
    const org = await xero.organisation({ accessToken: t.accessToken, tenantId: eu.tenantId });
    expect(org.value.baseCurrency).toBe("EUR");
  });
});

describe("typed errors", () => {
  it("XeroOAuthError carries the OAuth error code", () => {
    expect(new XeroOAuthError("access_denied", "no").code).toBe("access_denied");
  });
});
