/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are read as loose JSON in assertions */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPaymentsStack, type PaymentsStack } from "../payments/testing.ts";
import { waitUntil } from "../jobs/testing/harness.ts";
import { bearer } from "../http/testing.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { txSqlOf } from "../platform/lifecycle/lifecycle.ts";
import { payoutLifecycle } from "./payout-lifecycle.ts";
import { daysAgo, paidOrderViaApi, setAccount, shipAt } from "./testing.ts";
import { enqueueTransfers } from "./transfer.jobs.ts";

/**
 * Payout runs through the operator API against the Stripe stand-in: one transfer per
 * (payout, order) from the order's charge, confirmed by webhook, the payout paid and the
 * brand emailed; approval (refused for a payout already transferring); a currency the account
 * cannot receive; an account deauthorized between the run and its transfers.
 */
let st: PaymentsStack;
let a: Seeded;
let gb: Seeded;
let c: Seeded;
let op: string;

async function connectedAccount(country = "US"): Promise<string> {
  const acct = await st.stripe.accounts.create({
    country,
    controller: { fees: { payer: "application" }, losses: { payments: "application" }, stripe_dashboard: { type: "express" }, requirement_collection: "stripe" },
    capabilities: { transfers: { requested: true } },
  });
  st.standIn.onboard(acct.id, "complete");
  return acct.id;
}

async function call(method: string, url: string, body?: unknown) {
  const res = await st.t.app.request(url, {
    method,
    headers: bearer(op, body === undefined ? {} : { "content-type": "application/json" }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const payoutStatus = async (id: string) => (await st.t.deps.db.prisma.payout.findUniqueOrThrow({ where: { id } })).status;

beforeAll(async () => {
  st = await startPaymentsStack();
  op = await st.t.operatorToken();
  a = await seedVendor(st.t.deps.db, { shop: "transfer-brand.myshopify.com" });
  gb = await seedVendor(st.t.deps.db, { shop: "gb-brand.myshopify.com" });
  await st.t.deps.db.sql.execute("UPDATE vendor SET email = 'payouts@transfer-brand.test' WHERE id = $1::uuid", [a.vendorId]);
  await setAccount(st.t.deps, a.vendorId, "active", await connectedAccount());
  await setAccount(st.t.deps, gb.vendorId, "active", await connectedAccount("GB"));
  c = await seedVendor(st.t.deps.db, { shop: "deauth-brand.myshopify.com" });
  await setAccount(st.t.deps, c.vendorId, "active", await connectedAccount());
}, 60_000);
afterAll(async () => {
  await st?.stop();
});

describe("payout transfers against the Stripe stand-in", () => {
  it("pays one transfer per order from its charge; Stripe's webhook confirms it; the payout is paid and the brand emailed", async () => {
    const o1 = await paidOrderViaApi(st.t, a, { recipients: 3 });
    const o2 = await paidOrderViaApi(st.t, a, { recipients: 2 });
    await shipAt(st.t.deps, [...o1.unitIds, ...o2.unitIds], daysAgo(15));
    const preview = await call("GET", `/v1/operator/payouts/preview?vendorId=${a.vendorId}`);
    expect(preview.status).toBe(200);
    expect(preview.body.payouts).toMatchObject([{ lineCount: 5, orderCount: 2, amount: 5 * 3500 }]);
    const run = await call("POST", "/v1/operator/payouts/runs", { vendorId: a.vendorId });
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    const payoutId = run.body.payouts[0].payoutId as string;
    await waitUntil(async () => (await payoutStatus(payoutId)) === "paid", 30_000, 50, () => call("GET", `/v1/operator/payouts/${payoutId}`));

    for (const o of [o1, o2]) {
      const transfers = await st.stripe.transfers.list({ transfer_group: o.orderId });
      expect(transfers.data).toHaveLength(1);
      const tr = transfers.data[0]!;
      const order = await st.t.deps.db.prisma.giftOrder.findUniqueOrThrow({ where: { id: o.orderId } });
      expect(tr).toMatchObject({ amount: o.unitIds.length * 3500, currency: "usd", source_transaction: order.stripeChargeId, transfer_group: o.orderId });
      expect(tr.metadata).toMatchObject({ payout: payoutId, order: o.orderId, vendor: a.vendorId });
    }
    const detail = await call("GET", `/v1/operator/payouts/${payoutId}`);
    expect(detail.body.transfers.every((t: any) => t.status === "confirmed" && /^tr_/.test(t.stripeTransferId))).toBe(true);
    expect(detail.body.transitions.map((t: any) => t.to)).toEqual(["approved", "transferring", "paid"]);
    await waitUntil(async () => st.smtp.messages().some((m) => m.to.includes("payouts@transfer-brand.test") && /Payout sent/.test(m.subject ?? "")), 20_000);
    const mail = st.smtp.messages().find((m) => /Payout sent/.test(m.subject ?? ""))!;
    expect(mail.text).toContain("$175.00");
    const audit = await st.t.deps.db.prisma.auditLog.findFirst({ where: { action: "payouts.run" } });
    expect(audit?.actor).toBe("operator:ops@giftloop.test");
  }, 90_000);

  it("with approval on, a payout waits in draft; approving starts it; approving it again is refused", async () => {
    const set = await call("PATCH", `/v1/operator/payouts/settings/vendors/${a.vendorId}`, { approvalRequired: true });
    expect(set.status).toBe(200);
    expect(set.body.effective.approvalRequired).toBe(true);
    const o = await paidOrderViaApi(st.t, a, { recipients: 1 });
    await shipAt(st.t.deps, o.unitIds, daysAgo(15));
    const run = await call("POST", "/v1/operator/payouts/runs", { vendorId: a.vendorId });
    const payoutId = run.body.payouts[0].payoutId as string;
    expect(run.body.payouts[0].status).toBe("draft");
    expect(await payoutStatus(payoutId)).toBe("draft");
    const approved = await call("POST", `/v1/operator/payouts/${payoutId}/approve`, {});
    expect(approved.status).toBe(200);
    await waitUntil(async () => (await payoutStatus(payoutId)) === "paid", 30_000);
    const again = await call("POST", `/v1/operator/payouts/${payoutId}/approve`, {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("not_allowed");
    expect((await call("POST", `/v1/operator/payouts/${payoutId}/retry`, {})).status).toBe(409);
    await call("PATCH", `/v1/operator/payouts/settings/vendors/${a.vendorId}`, { approvalRequired: null });
  }, 90_000);

  it("a currency the brand's account cannot receive leaves the payout needing attention with Stripe's reason, and nothing transferred", async () => {
    const o = await paidOrderViaApi(st.t, gb, { recipients: 2 });
    await shipAt(st.t.deps, o.unitIds, daysAgo(15));
    const run = await call("POST", "/v1/operator/payouts/runs", { vendorId: gb.vendorId });
    const payoutId = run.body.payouts[0].payoutId as string;
    await waitUntil(async () => (await payoutStatus(payoutId)) === "needs_attention", 30_000);
    const p = await call("GET", `/v1/operator/payouts/${payoutId}`);
    expect(p.body.failureReason).toMatch(/cannot receive USD/);
    expect((await st.stripe.transfers.list({ transfer_group: o.orderId })).data).toHaveLength(0);
    const listed = await call("GET", "/v1/operator/payouts?status=needs_attention");
    expect(listed.body.items.map((x: any) => x.id)).toContain(payoutId);
    const retried = await call("POST", `/v1/operator/payouts/${payoutId}/retry`, {});
    expect(retried.status).toBe(200);
    await waitUntil(async () => (await payoutStatus(payoutId)) === "needs_attention", 30_000);
  }, 90_000);

  it("approving a payout already transferring is refused with 409, and changes nothing", async () => {
    await call("PATCH", `/v1/operator/payouts/settings/vendors/${c.vendorId}`, { approvalRequired: true });
    const o = await paidOrderViaApi(st.t, c, { recipients: 1 });
    await shipAt(st.t.deps, o.unitIds, daysAgo(15));
    const run = await call("POST", "/v1/operator/payouts/runs", { vendorId: c.vendorId });
    const payoutId = run.body.payouts[0].payoutId as string;
    // The payout's transfers are under way (as the job left it when it started).
    await st.t.deps.db.transaction(async (tx) => {
      await payoutLifecycle.transition(txSqlOf(tx), { id: payoutId, to: "approved", expectedVersion: 1, actor: "test", reason: "approved" });
      await payoutLifecycle.transition(txSqlOf(tx), { id: payoutId, to: "transferring", expectedVersion: 2, actor: "test", reason: "transfers started" });
    });
    const jobs = () => st.t.deps.db.sql.query("SELECT id FROM job WHERE type = 'payouts.transfer' AND payload->>'payoutId' = $1", [payoutId]);
    const before = { jobs: await jobs(), audit: await st.t.deps.db.prisma.auditLog.count({ where: { entityId: payoutId } }) };
    const approved = await call("POST", `/v1/operator/payouts/${payoutId}/approve`, {});
    expect(approved.status).toBe(409);
    expect(approved.body).toMatchObject({ code: "not_allowed", detail: expect.stringMatching(/transferring/) });
    expect(await payoutStatus(payoutId)).toBe("transferring");
    expect({ jobs: await jobs(), audit: await st.t.deps.db.prisma.auditLog.count({ where: { entityId: payoutId } }) }).toEqual(before);
    // Let the job it would have had finish it, for the next test.
    await st.t.deps.db.transaction((tx) => enqueueTransfers(st.t.deps, txSqlOf(tx), [payoutId], "test"));
    await waitUntil(async () => (await payoutStatus(payoutId)) === "paid", 30_000);
  }, 90_000);

  it("a brand's account deauthorized between the run and its transfers: the payout needs attention with the reason, and nothing is transferred", async () => {
    const o1 = await paidOrderViaApi(st.t, c, { recipients: 2 });
    const o2 = await paidOrderViaApi(st.t, c, { recipients: 1 });
    await shipAt(st.t.deps, [...o1.unitIds, ...o2.unitIds], daysAgo(15));
    const run = await call("POST", "/v1/operator/payouts/runs", { vendorId: c.vendorId });
    expect(run.body.payouts[0]).toMatchObject({ status: "draft", orderCount: 2 });
    const payoutId = run.body.payouts[0].payoutId as string;
    // The brand disconnects (account.application.deauthorized keeps the vendor's status).
    const [v] = await st.t.deps.db.sql.query<{ stripe_account_id: string }>("SELECT stripe_account_id FROM vendor WHERE id = $1::uuid", [c.vendorId]);
    st.standIn.deauthorize(v!.stripe_account_id);
    await st.t.deps.db.sql.execute("UPDATE vendor SET payout_account_status = 'disabled', payout_disabled_reason = 'deauthorized' WHERE id = $1::uuid", [c.vendorId]);
    expect((await call("POST", `/v1/operator/payouts/${payoutId}/approve`, {})).status).toBe(200);
    await waitUntil(async () => (await payoutStatus(payoutId)) === "needs_attention", 30_000);
    const p = await call("GET", `/v1/operator/payouts/${payoutId}`);
    expect(p.body.failureReason).toBe("the brand's Stripe account is disabled (deauthorized): no transfer made");
    expect(p.body.transfers.map((x: any) => [x.status, x.stripeTransferId ?? null])).toEqual([
      ["pending", null],
      ["pending", null],
    ]);
    for (const o of [o1, o2]) expect((await st.stripe.transfers.list({ transfer_group: o.orderId })).data).toHaveLength(0);
    // Retried while the account is still gone: the same answer, still nothing sent.
    expect((await call("POST", `/v1/operator/payouts/${payoutId}/retry`, {})).status).toBe(200);
    await waitUntil(async () => (await st.t.deps.db.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM state_transition WHERE entity_id = $1::uuid AND to_state = 'needs_attention'", [payoutId]))[0]!.n === 2, 30_000);
    for (const o of [o1, o2]) expect((await st.stripe.transfers.list({ transfer_group: o.orderId })).data).toHaveLength(0);
  }, 90_000);

  it("bad input: unknown fields, out-of-range settings and unknown payouts are clear 4xx; every settings change is audited", async () => {
    expect((await call("POST", "/v1/operator/payouts/runs", { vendorId: a.vendorId, extra: 1 })).status).toBe(422);
    expect((await call("PATCH", "/v1/operator/payouts/settings", { commissionBps: 10_001 })).status).toBe(422);
    expect((await call("PATCH", "/v1/operator/payouts/settings", { minimumPayout: { usd: 5 } })).status).toBe(422);
    expect((await call("POST", "/v1/operator/payouts/00000000-0000-4000-8000-000000000000/approve", {})).status).toBe(404);
    const ok = await call("PATCH", "/v1/operator/payouts/settings", { minimumPayout: { USD: 2500 }, settlementDays: 10 });
    expect(ok.body).toMatchObject({ minimumPayout: { USD: 2500 }, settlementDays: 10, commissionBps: 1000 });
    const entry = await st.t.deps.db.prisma.auditLog.findFirst({ where: { action: "payouts.settings.update" }, orderBy: { at: "desc" } });
    expect(entry?.data).toMatchObject({ before: { settlementDays: 14 }, after: { settlementDays: 10 } });
    await call("PATCH", "/v1/operator/payouts/settings", { minimumPayout: {}, settlementDays: 14 });
  });
});
