import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startXeroStandIn, type XeroStandIn } from "@giftloop/sandbox/xero/server";
import { uninstallXeroSandboxRouting } from "../integrations/xero/sandbox-routing.ts";
import { memoryAlertSink } from "../integrations/alerts/alerts.ts";
import { bearer, testApp, type TestApp } from "../http/testing.ts";
import { asPlatform } from "../testing/deps.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { bookRecord } from "./book-record.ts";
import { saleInvoiceNumber } from "./book-sales.ts";
import { syncSalesRecords, loadRecord } from "./records.ts";
import { compareDay, type LedgerEntry } from "./reconcile.ts";
import { loadConnection, readTokens, refreshTokens } from "./xero-connection.ts";
import { financeOverview } from "./accounting.queries.ts";
import type { BalanceTransaction } from "../integrations/stripe/balance.ts";

// The accounting module over HTTP (operator token) against the Xero stand-in, reached by the
// unmodified xero-node through the sandbox host routing.

let standIn: XeroStandIn;
let t: TestApp;
let token: string;
let seeded: Seeded;
let tenantId: string;
const alerts = memoryAlertSink();
const MAPPING = { billsAccountCode: "320", taxType: "INPUT", trackingCategory: "Brand", clearingAccountCode: "091", salesAccountCode: "200", feesAccountCode: "405" };

async function api(method: string, url: string, body?: unknown) {
  const res = await t.app.request(url, { method, headers: bearer(token, body ? { "content-type": "application/json" } : {}), ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: res.headers.get("content-type")?.includes("json") ? ((await res.json()) as Record<string, unknown>) : await res.text() };
}

/** Consent through the stand-in; answers the callback's query. */
async function consent(): Promise<string> {
  const start = await api("POST", "/v1/operator/finance/xero/connect");
  expect(start.status).toBe(200);
  const redirect = await standIn.consent((start.body as { consentUrl: string }).consentUrl, { tenantIds: [tenantId] });
  return new URL(redirect).search;
}

async function paidOrder(opts: { currency?: string; recipients?: number } = {}): Promise<string> {
  const db = t.deps.db.prisma;
  const buyer = await db.buyerOrg.create({ data: { name: `Acme ${Math.random().toString(36).slice(2, 6)}`, email: "finance@acme.test" } });
  const n = opts.recipients ?? 2;
  const order = await db.giftOrder.create({
    data: {
      buyerOrgId: buyer.id,
      storefrontId: seeded.storefrontId,
      status: "paid",
      currency: opts.currency ?? "USD",
      itemsAmount: 4000 * n,
      shippingAmount: 500 * n,
      totalAmount: 4500 * n,
      recipientCount: n,
      paidAt: new Date("2026-12-05T10:00:00Z"),
      stripePaymentIntentId: `pi_${Math.random().toString(36).slice(2, 12)}`,
    },
  });
  for (let i = 0; i < n; i++) {
    await db.orderRecipient.create({ data: { orderId: order.id, row: i + 1, offerId: seeded.mugOfferId, name: `R ${i}`, email: `r${i}@example.com`, amount: 4500 } });
  }
  return order.id;
}

async function recordOf(orderId: string): Promise<string> {
  await syncSalesRecords(t.deps);
  const [r] = await t.deps.db.sql.query<{ id: string }>(`SELECT id::text FROM accounting_record WHERE kind = 'sale_invoice' AND source_id = $1`, [orderId]);
  return (r as { id: string }).id;
}

const org = () => standIn.organisation(tenantId);
const invoicesOf = (orderId: string) => [...org().invoices.values()].filter((i) => i.InvoiceNumber === saleInvoiceNumber(orderId));

beforeAll(async () => {
  standIn = await startXeroStandIn();
  tenantId = standIn.organisationNamed("Platform").tenantId;
  const dir = mkdtempSync(path.join(tmpdir(), "xero-ca-"));
  writeFileSync(path.join(dir, "ca.pem"), standIn.caPem);
  t = await testApp({
    env: {
      XERO_CLIENT_ID: standIn.client.clientId,
      XERO_CLIENT_SECRET: standIn.client.clientSecret,
      XERO_REDIRECT_URI: standIn.client.redirectUris[0],
      XERO_SANDBOX_URL: standIn.tlsUrl,
      XERO_SANDBOX_CA_FILE: path.join(dir, "ca.pem"),
      STRIPE_SECRET_KEY: "sk_test_unused",
    },
  });
  const notify = t.deps.alerts.notify;
  t.deps.alerts.notify = async (a) => {
    alerts.sent.push(a);
    await notify(a);
  };
  token = await t.operatorToken();
  seeded = await seedVendor(t.deps.db);
}, 60_000);

afterAll(async () => {
  uninstallXeroSandboxRouting();
  const violations = [...standIn.requestViolations, ...standIn.responseViolations];
  await standIn.stop();
  await t.close();
  expect(violations, "requests or answers that break Xero's yaml").toEqual([]);
});

describe("connecting Xero", () => {
  it("refuses a tampered state, connects, refuses the replayed callback; tokens are encrypted at rest", async () => {
    const query = await consent();
    const tampered = new URLSearchParams(query);
    tampered.set("state", "forged-state");
    // The callback always goes back to the console's Xero page, which says what happened.
    const bad = await t.app.request(`/finance/xero/callback?${tampered}`);
    expect(bad.status).toBe(303);
    expect(bad.headers.get("location")).toBe("/finance/xero?error=invalid_state");
    expect((await api("GET", "/v1/operator/finance/xero")).body).toMatchObject({ status: "not_connected" });

    const ok = await t.app.request(`/finance/xero/callback${query}`);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/finance/xero?status=connected");
    const view = await api("GET", "/v1/operator/finance/xero");
    expect(view.body).toMatchObject({ status: "connected", organisation: { tenantId, baseCurrency: "USD" }, mapping: null });

    const replay = await t.app.request(`/finance/xero/callback${query}`);
    expect(replay.status).toBe(303);
    expect(replay.headers.get("location")).toBe("/finance/xero?error=state_used");

    const tokens = await readTokens(t.deps.db.prisma, t.deps);
    expect(tokens?.refreshToken).toBeTruthy();
    const [row] = await t.deps.db.sql.query<{ ciphertext: Buffer }>(`SELECT ciphertext FROM secret WHERE name = 'xero.tokens'`);
    expect(Buffer.from(row?.ciphertext ?? []).toString("latin1")).not.toContain(tokens?.refreshToken as string);
  });

  it("refuses an organisation in another base currency", async () => {
    const eu = standIn.organisationNamed("Europe").tenantId;
    const r = await api("PUT", "/v1/operator/finance/xero/organisation", { tenantId: eu });
    // Not among this consent's connections, or (when it is) refused for its currency.
    expect([422]).toContain(r.status);
    expect(["unknown_organisation", "base_currency_mismatch"]).toContain((r.body as { code: string }).code);
  });

  it("refuses a mapping naming an archived account, every problem named; saves a good one", async () => {
    const bank = [...org().accounts.values()].find((a) => a.Code === "090");
    const archived = { ...[...org().accounts.values()].find((a) => a.Code === "429")! };
    archived.Status = "ARCHIVED";
    org().accounts.set(archived.AccountID, archived);
    const r = await api("PUT", "/v1/operator/finance/xero/mapping", { ...MAPPING, billsAccountCode: "429", clearingAccountCode: "200", taxType: "NOPE" });
    expect(r.status).toBe(422);
    const errors = (r.body as { errors: Array<{ code: string }> }).errors.map((e) => e.code).sort();
    expect(errors).toEqual(["account_archived", "unknown_tax_type", "wrong_account_type"]);
    expect(bank).toBeDefined();
    const saved = await api("PUT", "/v1/operator/finance/xero/mapping", MAPPING);
    expect(saved.status).toBe(200);
    expect((saved.body as { mapping: unknown }).mapping).toEqual(MAPPING);
  });
});

describe("sales into Xero", () => {
  it("books a paid order as one ACCREC invoice with a line per offer and shipping, paid into clearing", async () => {
    const orderId = await paidOrder();
    const id = await recordOf(orderId);
    expect(await bookRecord(t.deps, id)).toBe("booked");
    const [inv] = invoicesOf(orderId);
    expect(invoicesOf(orderId)).toHaveLength(1);
    expect(inv).toMatchObject({ Type: "ACCREC", Status: "PAID" });
    expect(inv?.lines.map((l) => l.Description)).toEqual([expect.stringContaining("× 2"), "Shipping"]);
    const rec = await loadRecord(t.deps, id);
    expect(rec).toMatchObject({ status: "booked", xeroDocumentId: inv?.InvoiceID });
    expect(rec?.xeroPaymentId).toBeTruthy();
    expect(await bookRecord(t.deps, id)).toBe("skipped");
  });

  it("an answer lost after Xero committed: the retry finds the invoice, never two", async () => {
    const orderId = await paidOrder();
    const id = await recordOf(orderId);
    standIn.setFaults({ dropAfterCommit: 1, hangMs: 50 });
    await expect(bookRecord(t.deps, id)).rejects.toThrow();
    standIn.setFaults({});
    standIn.advanceClock(48 * 3600_000); // past Xero's idempotency replay window: only the look-up helps
    expect(await bookRecord(t.deps, id)).toBe("booked");
    expect(invoicesOf(orderId)).toHaveLength(1);
    expect(invoicesOf(orderId)[0]?.Status).toBe("PAID");
  });

  it("amounts in a currency the organisation has not enabled: needs_attention with the reason", async () => {
    const orderId = await paidOrder({ currency: "JPY" });
    const id = await recordOf(orderId);
    expect(await bookRecord(t.deps, id)).toBe("needs_attention");
    const [row] = await t.deps.db.sql.query<{ message: string }>(`SELECT message FROM accounting_record WHERE id = $1::uuid`, [id]);
    expect(row?.message).toMatch(/JPY.*not enabled/);
    expect(invoicesOf(orderId)).toHaveLength(0);
    const list = await api("GET", "/v1/operator/finance/records?status=needs_attention");
    expect((list.body as { items: Array<{ id: string }> }).items.map((i) => i.id)).toContain(id);
  });

  it("a 429 reschedules the booking after Retry-After", async () => {
    const orderId = await paidOrder();
    const id = await recordOf(orderId);
    standIn.setFaults({ rate: 1, kinds: ["429"] });
    expect(await bookRecord(t.deps, id)).toBe("rescheduled");
    standIn.setFaults({});
    const jobs = await t.deps.db.sql.query<{ key: string; run_at: Date }>(`SELECT idempotency_key AS key, run_at FROM job WHERE idempotency_key LIKE $1 ORDER BY created_at`, [`accounting.book:${id}:%`]);
    expect(jobs.map((j) => j.key)).toEqual([`accounting.book:${id}:0`, `accounting.book:${id}:1`]);
    expect(new Date(jobs[1]?.run_at as Date).getTime()).toBeGreaterThan(Date.now() - 1000);
  });
});

describe("tokens", () => {
  it("racing refreshes: one rotation, the stored refresh token still works", async () => {
    const before = await loadConnection(t.deps.db.prisma);
    const [a, b] = await Promise.all([
      refreshTokens(t.deps, { seenVersion: before!.tokenVersion, force: true }),
      refreshTokens(t.deps, { seenVersion: before!.tokenVersion, force: true }),
    ]);
    expect(a.refreshToken).toBe(b.refreshToken);
    const after = await loadConnection(t.deps.db.prisma);
    expect(after!.tokenVersion).toBe(before!.tokenVersion + 1);
    // A worker that saw the old version does not refresh again: it takes the stored tokens.
    const c = await refreshTokens(t.deps, { seenVersion: before!.tokenVersion, force: true });
    expect(c.refreshToken).toBe(a.refreshToken);
    expect(await t.deps.xero!.refresh(c.refreshToken)).toBeTruthy();
  });

  it("invalid_grant: the connection needs re-authorisation, bookings park and alert; reconnecting resumes them", async () => {
    // The stored refresh token was just spent above (outside our store): Xero refuses it after its 30-minute grace.
    standIn.advanceClock(31 * 60_000);
    const orderId = await paidOrder();
    const id = await recordOf(orderId);
    const row = await loadConnection(t.deps.db.prisma);
    await expect(refreshTokens(t.deps, { seenVersion: row!.tokenVersion, force: true })).rejects.toThrow(/connected again/);
    expect((await loadConnection(t.deps.db.prisma))?.status).toBe("needs_reauth");
    expect(alerts.sent.map((a) => a.kind)).toContain("xero.needs_reauth");
    expect(await bookRecord(t.deps, id)).toBe("parked");

    const query = await consent();
    expect((await t.app.request(`/finance/xero/callback${query}`)).status).toBe(303);
    expect((await loadConnection(t.deps.db.prisma))?.status).toBe("connected");
    const resumed = await t.deps.db.sql.query<{ status: string; generation: number }>(`SELECT status::text, generation FROM accounting_record WHERE id = $1::uuid`, [id]);
    expect(resumed[0]).toMatchObject({ status: "pending", generation: 1 });
    // This file has spent the minute's 60 calls by now: a new minute (ours and the stand-in's).
    await t.deps.db.sql.execute(`DELETE FROM xero_call`);
    standIn.advanceClock(61_000);
    expect(await bookRecord(t.deps, id)).toBe("booked");
    expect(invoicesOf(orderId)).toHaveLength(1);
  });
});

describe("reconciliation (pure comparison)", () => {
  const bt = (o: Partial<BalanceTransaction>): BalanceTransaction => ({ id: `txn_${Math.random()}`, type: "charge", reportingCategory: "", amount: 0, fee: 0, net: 0, currency: "USD", created: 0, sourceId: null, paymentIntentId: null, transferGroup: null, ...o });
  it("a day that matches reconciles; an unknown transfer and a missing Xero payment are listed with their records", () => {
    const stripe = [
      bt({ type: "charge", amount: 9000, fee: 291, net: 8709, sourceId: "ch_1", paymentIntentId: "pi_1" }),
      bt({ type: "refund", amount: -4500, net: -4500, sourceId: "re_1" }),
    ];
    const ledger: LedgerEntry[] = [
      { subject: "sale", ours: "o1", currency: "USD", amount: 9000, stripeIds: ["pi_1"], xeroRef: "pi_1", booked: true },
      { subject: "refund", ours: "r1", currency: "USD", amount: -4500, stripeIds: ["re_1"], xeroRef: "re_1", booked: true },
      { subject: "fees", ours: "2026-12-05:USD", currency: "USD", amount: -291, stripeIds: [], xeroRef: "GL-FEES-2026-12-05-USD", booked: true },
    ];
    const xero = { byReference: new Map([["pi_1", { id: "p1", amount: 9000, currency: "USD" }], ["re_1", { id: "p2", amount: -4500, currency: "USD" }], ["GL-FEES-2026-12-05-USD", { id: "b1", amount: -291, currency: "USD" }]]) };
    const [ok] = compareDay("2026-12-05", stripe, ledger, xero);
    expect(ok).toMatchObject({ reconciled: true, stripeNet: 4209, ledgerNet: 4209, xeroNet: 4209, differences: [] });

    const injected = [...stripe, bt({ type: "transfer", amount: -1200, net: -1200, sourceId: "tr_x" })];
    xero.byReference.delete("re_1");
    const [bad] = compareDay("2026-12-05", injected, ledger, xero);
    expect(bad?.reconciled).toBe(false);
    expect(bad?.differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "unknown_to_us", subject: "transfer", stripe: expect.arrayContaining(["tr_x"]), stripeAmount: -1200 }),
        expect.objectContaining({ kind: "missing_in_xero", subject: "refund", ours: "r1", stripe: [expect.any(String)] }),
      ]),
    );
  });
});

describe("the finance overview", () => {
  it("commission is what units froze, owed is shares of shipped units in no paid payout, paid is paid payouts", async () => {
    const before = await financeOverview(asPlatform(t.deps), t.deps);
    const db = t.deps.db.prisma;
    const orderId = await paidOrder({ recipients: 4 });
    const recipients = await db.orderRecipient.findMany({ where: { orderId }, orderBy: { row: "asc" } });
    // item 4000 + shipping 500; commission 15% of the item = 600; the brand's share 3900.
    const unit = (i: number, status: "shipped" | "delivered" | "canceled" | "redeemed") =>
      db.fulfillmentUnit.create({
        data: {
          orderId, recipientId: recipients[i]!.id, vendorId: seeded.vendorId, offerId: seeded.mugOfferId, status, amount: 4500, currency: "USD",
          recipientName: `R ${i}`, recipientEmail: `r${i}@example.com`, choices: {}, codeHash: `h-${orderId}-${i}`, codeSealed: "x",
          sendAt: new Date(), expiresAt: new Date(Date.now() + 86_400_000), itemAmount: 4000, shippingAmount: 500, commissionBps: 1500, commissionAmount: 600, brandShareAmount: 3900,
        },
      });
    const shippedUnpaid = await unit(0, "shipped");
    const deliveredPaid = await unit(1, "delivered");
    await unit(2, "canceled");
    const refunded = await unit(3, "redeemed");
    await db.refund.create({ data: { orderId, unitId: refunded.id, amount: 4500, currency: "USD", reason: "test", status: "succeeded", idempotencyKey: `rf-${refunded.id}` } });
    const run = await db.payoutRun.create({ data: { trigger: "test", actor: "test", asOf: new Date() } });
    const payout = await db.payout.create({
      data: { runId: run.id, vendorId: seeded.vendorId, currency: "USD", status: "paid", amount: 3900, linesAmount: 3900, commissionAmount: 600, lineCount: 1, paidAt: new Date() },
    });
    await db.payoutLine.create({ data: { payoutId: payout.id, unitId: deliveredPaid.id, orderId, shareAmount: 3900, commissionAmount: 600 } });
    // A draft payout does not settle what the brand is owed.
    const draft = await db.payout.create({ data: { runId: run.id, vendorId: seeded.vendorId, currency: "USD", status: "draft", amount: 3900, linesAmount: 3900, commissionAmount: 600, lineCount: 1 } });
    await db.payoutLine.create({ data: { payoutId: draft.id, unitId: shippedUnpaid.id, orderId, shareAmount: 3900, commissionAmount: 600 } });

    const after = await financeOverview(asPlatform(t.deps), t.deps);
    expect(after.moneyIn - before.moneyIn).toBe(18_000);
    expect(after.refunds - before.refunds).toBe(4500);
    // Two kept units (shipped, delivered): the canceled and the refunded one keep no commission.
    // The old residual (money in - refunds - paid - owed) would have said 18000 - 4500 - 3900 - 3900 = 5700.
    expect(after.commission - before.commission).toBe(1200);
    expect(after.owedToBrands - before.owedToBrands).toBe(3900);
    expect(after.paidToBrands - before.paidToBrands).toBe(3900);
    for (const v of [after.commission, after.owedToBrands, after.paidToBrands, after.moneyIn, after.refunds, after.fees]) expect(v).toBeGreaterThanOrEqual(0);
  });
});
