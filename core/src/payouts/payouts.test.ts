import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, testApp, type TestApp } from "../http/testing.ts";
import { asPlatform } from "../testing/deps.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { commissionOf, unitMoney } from "./money-model.ts";
import { runPayouts } from "./run.ts";
import { updateVendorSettings } from "./settings.ts";
import { daysAgo, paidOrder, setAccount, shipAt } from "./testing.ts";

/**
 * The money model frozen at payment, settlement (what is payable when), and the brand's read
 * API over HTTP (summary, list, detail, CSV; another brand's payout is unknown).
 */
let t: TestApp;
let s: Seeded;
let other: Seeded;
beforeAll(async () => {
  t = await testApp();
  s = await seedVendor(t.deps.db, { shop: "payouts-brand.myshopify.com" });
  other = await seedVendor(t.deps.db, { shop: "other-brand.myshopify.com" });
});
afterAll(async () => {
  await t?.close();
});

const ops = () => asPlatform(t.deps, "ops");

const units = (ids: string[]) =>
  t.deps.db.sql.query<{ id: string; amount: number; item_amount: number; shipping_amount: number; commission_bps: number; commission_amount: number; brand_share_amount: number }>(
    "SELECT id::text, amount, item_amount, shipping_amount, commission_bps, commission_amount, brand_share_amount FROM fulfillment_unit WHERE id = ANY($1::uuid[])",
    [ids],
  );

describe("money model", () => {
  it("rounds the commission half up to the minor unit", () => {
    expect(commissionOf(333, 1000)).toBe(33);
    expect(commissionOf(335, 1000)).toBe(34);
    expect(commissionOf(0, 1000)).toBe(0);
    expect(unitMoney(3000, 800, 1000)).toEqual({ itemAmount: 3000, shippingAmount: 800, commissionBps: 1000, commissionAmount: 300, brandShareAmount: 3500 });
    expect(() => commissionOf(100, 10_001)).toThrow(RangeError);
  });

  it("freezes item, shipping, commission and share on each unit when the order is paid, at the brand's rate then", async () => {
    const a = await paidOrder(t.deps, s, { recipients: 2, country: "CA" });
    for (const u of await units(a.unitIds)) {
      expect(u).toMatchObject({ amount: 4500, item_amount: 3000, shipping_amount: 1500, commission_bps: 1000, commission_amount: 300, brand_share_amount: 4200 });
    }
    await updateVendorSettings(ops(), s.vendorId, { commissionBps: 1250 });
    const b = await paidOrder(t.deps, s, { recipients: 1, country: "US" });
    expect((await units(b.unitIds))[0]).toMatchObject({ item_amount: 3000, shipping_amount: 800, commission_bps: 1250, commission_amount: 375, brand_share_amount: 3425 });
    // Units already paid keep the rate they were frozen at.
    expect((await units(a.unitIds))[0]!.commission_bps).toBe(1000);
    const audit = await t.deps.db.prisma.auditLog.findFirst({ where: { action: "payouts.vendor_settings.update", entityId: s.vendorId } });
    expect(audit?.data).toMatchObject({ before: { commissionBps: null }, after: { commissionBps: 1250 } });
    await updateVendorSettings(ops(), s.vendorId, { commissionBps: null });
  });
});

describe("settlement and the brand's payouts API", () => {
  let payable: string[];
  let orderId: string;
  it("pays only shipped units past the window, not canceled, refunded or on dispute hold; a charged-back order's shipped gifts stay the brand's", async () => {
    await t.deps.db.sql.execute("DELETE FROM fulfillment_unit WHERE vendor_id = $1::uuid", [s.vendorId]);
    const o = await paidOrder(t.deps, s, { recipients: 6 });
    orderId = o.orderId;
    const [old1, old2, recent, canceled, refunded, redeemed] = o.unitIds as [string, string, string, string, string, string];
    await shipAt(t.deps, [old1, old2, canceled, refunded], daysAgo(20));
    await shipAt(t.deps, [recent], daysAgo(3));
    await t.deps.db.sql.execute("UPDATE fulfillment_unit SET status = 'canceled' WHERE id = $1::uuid", [canceled]);
    await t.deps.db.sql.execute("UPDATE fulfillment_unit SET status = 'redeemed' WHERE id = $1::uuid", [redeemed]);
    await t.deps.db.prisma.refund.create({ data: { orderId: o.orderId, unitId: refunded, amount: 3800, currency: "USD", reason: "test", idempotencyKey: `r-${refunded}`, status: "succeeded" } });
    // A second order on dispute hold, shipped long ago: not payable until the dispute closes.
    const held = await paidOrder(t.deps, s, { recipients: 1 });
    await shipAt(t.deps, held.unitIds, daysAgo(30));
    await t.deps.db.sql.execute("UPDATE gift_order SET disputed_at = now() WHERE id = $1::uuid", [held.orderId]);
    // A third order whose chargeback was lost after the gift shipped: the brand keeps its share.
    const lost = await paidOrder(t.deps, s, { recipients: 1 });
    await shipAt(t.deps, lost.unitIds, daysAgo(30));
    await t.deps.db.sql.execute("UPDATE gift_order SET status = 'charged_back', disputed_at = now() - interval '1 day', dispute_closed_at = now() WHERE id = $1::uuid", [lost.orderId]);

    await setAccount(t.deps, s.vendorId, "active", "acct_payouts_test");
    const preview = await runPayouts(ops(), t.deps, { trigger: "operator", dryRun: true });
    const mine = preview.payouts.filter((p) => p.vendorId === s.vendorId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ lineCount: 3, orderCount: 2, linesAmount: 3 * 3500, amount: 3 * 3500, currency: "USD", payoutId: null });
    expect(await t.deps.db.prisma.payout.count()).toBe(0); // the preview wrote nothing
    payable = [old1, old2, ...lost.unitIds];

    const summary = await t.app.request("/v1/vendor/payouts/summary", { headers: bearer(await t.vendorToken("payouts-brand.myshopify.com")) });
    expect(summary.status).toBe(200);
    const usd = ((await summary.json()) as { currencies: Array<Record<string, unknown>> }).currencies[0]!;
    expect(usd).toMatchObject({ currency: "USD", pendingMinor: 3500, settlingMinor: 2 * 3500, payableMinor: 3 * 3500, paidMinor: 0 });
    expect(usd.commissionMinor).toBe(6 * 300);
    expect((usd.earningsByWeek as Array<{ shareMinor: number }>).reduce((n, w) => n + w.shareMinor, 0)).toBe(5 * 3500);
  });

  it("a run makes one payout with a line per unit and a transfer record per order; the brand reads it, another brand cannot", async () => {
    const run = await runPayouts(ops(), t.deps, { trigger: "operator", dryRun: false });
    const p = run.payouts.find((x) => x.vendorId === s.vendorId)!;
    expect(p.status).toBe("approved");
    const lines = await t.deps.db.sql.query<{ unit_id: string }>("SELECT unit_id::text FROM payout_line WHERE payout_id = $1::uuid", [p.payoutId]);
    expect(lines.map((l) => l.unit_id).sort()).toEqual([...payable].sort());
    const transfers = await t.deps.db.sql.query<{ order_id: string; amount: number }>("SELECT order_id::text, amount FROM payout_transfer WHERE payout_id = $1::uuid", [p.payoutId]);
    expect(transfers).toHaveLength(2);
    expect(transfers.find((x) => x.order_id === orderId)?.amount).toBe(2 * 3500);
    // A second run finds nothing left to pay for this brand.
    const again = await runPayouts(ops(), t.deps, { trigger: "operator", dryRun: true });
    expect(again.payouts.filter((x) => x.vendorId === s.vendorId)).toHaveLength(0);

    const brand = bearer(await t.vendorToken("payouts-brand.myshopify.com"));
    const list = await t.app.request("/v1/vendor/payouts", { headers: brand });
    const listed = (await list.json()) as { payouts: Array<{ id: string; amountMinor: number; lineCount: number }>; nextCursor: string | null };
    expect(listed.payouts).toMatchObject([{ id: p.payoutId, amountMinor: 3 * 3500, lineCount: 3 }]);
    expect(listed.nextCursor).toBeNull();
    const detail = await t.app.request(`/v1/vendor/payouts/${p.payoutId}`, { headers: brand });
    const d = (await detail.json()) as { lines: Array<{ recipientFirstName: string; shareMinor: number; commissionMinor: number }>; transfers: unknown[]; transitions: Array<{ to: string }> };
    expect(d.lines).toHaveLength(3);
    expect(d.lines[0]).toMatchObject({ recipientFirstName: "Person", shareMinor: 3500, commissionMinor: 300 });
    expect(JSON.stringify(d)).not.toMatch(/code/i);
    expect(d.transitions.map((x) => x.to)).toEqual(["approved"]);
    const csv = await t.app.request(`/v1/vendor/payouts/${p.payoutId}/lines.csv`, { headers: brand });
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    const rows = (await csv.text()).trim().split(/\r?\n/);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(/^\uFEFF?payout_id,currency,unit_id/);

    const stranger = bearer(await t.vendorToken("other-brand.myshopify.com"));
    expect((await t.app.request(`/v1/vendor/payouts/${p.payoutId}`, { headers: stranger })).status).toBe(404);
    expect((await t.app.request(`/v1/vendor/payouts/${p.payoutId}/lines.csv`, { headers: stranger })).status).toBe(404);
    const bad = await t.app.request("/v1/vendor/payouts?cursor=nonsense", { headers: brand });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe("invalid_cursor");
    expect(other.vendorId).not.toBe(s.vendorId);
  });

  it("a brand whose account is not active carries over, with the reason; nothing is written for it", async () => {
    const o = await paidOrder(t.deps, other, { recipients: 2 });
    await shipAt(t.deps, o.unitIds, daysAgo(15));
    const run = await runPayouts(ops(), t.deps, { trigger: "operator", dryRun: false });
    expect(run.payouts.filter((p) => p.vendorId === other.vendorId)).toHaveLength(0);
    expect(run.carriedOver).toContainEqual(expect.objectContaining({ vendorId: other.vendorId, reason: "account_not_active", unitCount: 2, amountMinor: 7000 }));
    const stored = await t.deps.db.prisma.payoutRun.findUniqueOrThrow({ where: { id: run.runId! } });
    expect(stored.carriedOver).toEqual(run.carriedOver);
  });
});
