import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { brandContext, testDeps, type TestDeps } from "../testing/deps.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { installVendor, markVendorUninstalled, vendorByShop, InvalidShopError } from "./vendors.service.ts";
import { vendorDashboard } from "./dashboard.ts";
import { listVendorOrders, vendorOrder, vendorUnit, type UnitStatus } from "./vendor-orders.ts";
import { updateVendorSettings, vendorSettings, type SettingsResult } from "./settings.ts";

let deps: TestDeps;
let a: Seeded;
let b: Seeded;

/** A paid order from one buyer with units for the given vendors' mug offers. */
async function paidOrder(units: Array<{ seeded: Seeded; status: UnitStatus; name: string }>, ref = "PO-1") {
  const p = deps.db.prisma;
  const buyer = await p.buyerOrg.create({ data: { name: "Initech", email: "gifts@initech.test" } });
  const order = await p.giftOrder.create({
    data: {
      buyerOrgId: buyer.id,
      storefrontId: units[0]!.seeded.storefrontId,
      status: "paid",
      currency: "USD",
      itemsAmount: 3000 * units.length,
      shippingAmount: 800 * units.length,
      totalAmount: 3800 * units.length,
      recipientCount: units.length,
      buyerReference: ref,
      paidAt: new Date(),
    },
  });
  const ids: string[] = [];
  for (const [row, u] of units.entries()) {
    const email = `${u.name.toLowerCase().replace(/\W/g, "")}@example.test`;
    const rec = await p.orderRecipient.create({
      data: { orderId: order.id, row: row + 1, offerId: u.seeded.mugOfferId, name: u.name, email, amount: 3800, country: "US" },
    });
    const sent = u.status !== "issued";
    const redeemed = ["redeemed", "pushed", "shipped", "delivered"].includes(u.status);
    const unit = await p.fulfillmentUnit.create({
      data: {
        orderId: order.id,
        recipientId: rec.id,
        vendorId: u.seeded.vendorId,
        offerId: u.seeded.mugOfferId,
        status: u.status,
        amount: 3800,
        currency: "USD",
        recipientName: u.name,
        recipientEmail: email,
        message: "Thank you for a great year!",
        choices: [u.seeded.variants["mug:default"]!],
        codeHash: randomUUID(),
        codeSealed: "sealed",
        sendAt: new Date(),
        sentAt: sent ? new Date() : null,
        expiresAt: new Date(Date.now() + 60 * 86400_000),
        redeemedAt: redeemed ? new Date() : null,
        chosenVariantId: redeemed ? u.seeded.variants["mug:default"] : null,
        shippingAddress: redeemed ? { name: u.name, line1: "1 Main St", city: "Springfield", country: "US" } : undefined,
        trackingNumber: u.status === "shipped" ? "1Z999" : null,
      },
    });
    ids.push(unit.id);
  }
  return { orderId: order.id, unitIds: ids };
}

beforeAll(async () => {
  deps = await testDeps();
  a = await seedVendor(deps.db);
  b = await seedVendor(deps.db);
});
afterAll(async () => {
  await deps?.close();
});

describe("installVendor", () => {
  it("creates the vendor on first install, leaves it on repeat, reactivates after uninstall", async () => {
    const shop = "fresh-brand.myshopify.com";
    const first = await installVendor(deps, { shop, shopName: "Fresh Brand Co", email: "owner@fresh.test", currency: "EUR" });
    expect(first.outcome).toBe("created");
    expect(first.vendor).toMatchObject({ shopDomain: shop, name: "Fresh Brand Co", status: "active", currency: "EUR", email: "owner@fresh.test" });

    const again = await installVendor(deps, { shop });
    expect(again.outcome).toBe("unchanged");
    expect(again.vendor.id).toBe(first.vendor.id);

    expect(await markVendorUninstalled(deps, shop)).toBe(true);
    expect(await markVendorUninstalled(deps, shop)).toBe(false);
    expect((await vendorByShop(deps, shop))).toMatchObject({ status: "uninstalled" });

    const back = await installVendor(deps, { shop });
    expect(back.outcome).toBe("reactivated");
    expect(back.vendor).toMatchObject({ id: first.vendor.id, status: "active", uninstalledAt: null, name: "Fresh Brand Co" });
  });

  it("names a vendor after its shop when Shopify's shop name is unavailable", async () => {
    const { vendor } = await installVendor(deps, { shop: "north-wind-goods.myshopify.com" });
    expect(vendor.name).toBe("North Wind Goods");
  });

  it("two concurrent first installs create one vendor", async () => {
    const shop = "race-brand.myshopify.com";
    const results = await Promise.all([installVendor(deps, { shop }), installVendor(deps, { shop })]);
    expect(new Set(results.map((r) => r.vendor.id)).size).toBe(1);
    expect(await deps.db.prisma.vendor.count({ where: { shopDomain: shop } })).toBe(1);
  });

  it.each(["evil.com", "Foo.myshopify.com", "foo.myshopify.com.evil.com", "https://foo.myshopify.com"])(
    "refuses the shop domain %j and writes nothing",
    async (shop) => {
      const before = await deps.db.prisma.vendor.count();
      await expect(installVendor(deps, { shop })).rejects.toBeInstanceOf(InvalidShopError);
      expect(await deps.db.prisma.vendor.count()).toBe(before);
    },
  );
});

describe("vendorDashboard", () => {
  it("counts only this vendor's gifts and reports the setup checklist", async () => {
    const fresh = await installVendor(deps, { shop: "empty-brand.myshopify.com" });
    const empty = await vendorDashboard(brandContext(deps, fresh.vendor.id));
    expect(empty.figures).toEqual({ orders: 0, giftsSent: 0, redeemed: 0, pending: 0, shipped: 0 });
    expect(empty.checklist.map((c) => [c.key, c.done])).toEqual([
      ["catalog", false],
      ["offer", false],
      ["storefront", false],
      ["shipping", false],
      ["payouts", false],
    ]);

    await paidOrder([
      { seeded: a, status: "issued", name: "Ada" },
      { seeded: a, status: "sent", name: "Grace" },
      { seeded: a, status: "redeemed", name: "Linus" },
      { seeded: a, status: "shipped", name: "Ken" },
      { seeded: b, status: "sent", name: "Other Vendor Person" },
    ]);
    const d = await vendorDashboard(brandContext(deps, a.vendorId));
    expect(d.figures).toEqual({ orders: 1, giftsSent: 3, redeemed: 2, pending: 2, shipped: 1 });
    expect(Object.fromEntries(d.checklist.map((c) => [c.key, c.done]))).toEqual({
      catalog: true,
      offer: true,
      storefront: true, // seeded welcome text
      shipping: true,
      payouts: false,
    });
    expect(d.counts).toMatchObject({ products: 3, giftableProducts: 3, offers: 2, activeOffers: 2, shippingRules: 2 });
    expect(d.checklist.find((c) => c.key === "payouts")).toEqual({ key: "payouts", done: false, payoutStatus: "not_started" });
    // The payouts step is done when the brand's Stripe account can receive transfers.
    await deps.db.prisma.vendor.update({ where: { id: a.vendorId }, data: { payoutAccountStatus: "active" } });
    expect((await vendorDashboard(brandContext(deps, a.vendorId))).checklist.find((c) => c.key === "payouts")).toEqual({ key: "payouts", done: true, payoutStatus: "active" });
    await deps.db.prisma.vendor.update({ where: { id: a.vendorId }, data: { payoutAccountStatus: "not_started" } });
  });
});

describe("vendor orders", () => {
  it("lists only orders holding this vendor's units, with its own counts, filters and search", async () => {
    const mixed = await paidOrder(
      [
        { seeded: a, status: "sent", name: "Margaret Hamilton" },
        { seeded: a, status: "redeemed", name: "Katherine Johnson" },
        { seeded: b, status: "issued", name: "Not For A" },
      ],
      "Q4-THANKS",
    );
    const onlyB = await paidOrder([{ seeded: b, status: "sent", name: "Only B" }], "B-ONLY");

    const all = await listVendorOrders(brandContext(deps, a.vendorId));
    expect(all.rows.map((r) => r.id)).toContain(mixed.orderId);
    expect(all.rows.map((r) => r.id)).not.toContain(onlyB.orderId);
    const row = all.rows.find((r) => r.id === mixed.orderId)!;
    expect(row).toMatchObject({ units: 2, amount: 7600, buyerName: "Initech", buyerReference: "Q4-THANKS", statusCounts: { sent: 1, redeemed: 1 } });
    // "Your share" is the brand's share frozen at payment (net of commission) where the unit has one.
    const margaret = await deps.db.prisma.fulfillmentUnit.findFirstOrThrow({ where: { orderId: mixed.orderId, recipientName: "Margaret Hamilton" } });
    await deps.db.prisma.fulfillmentUnit.update({ where: { id: margaret.id }, data: { brandShareAmount: 3420, commissionAmount: 380 } });
    expect((await listVendorOrders(brandContext(deps, a.vendorId))).rows.find((r) => r.id === mixed.orderId)?.amount).toBe(3420 + 3800);

    expect((await listVendorOrders(brandContext(deps, a.vendorId), { query: "katherine" })).rows.map((r) => r.id)).toEqual([mixed.orderId]);
    expect((await listVendorOrders(brandContext(deps, a.vendorId), { query: "q4-th" })).rows.map((r) => r.id)).toEqual([mixed.orderId]);
    expect((await listVendorOrders(brandContext(deps, a.vendorId), { query: "Not For A" })).rows).toEqual([]);
    expect((await listVendorOrders(brandContext(deps, a.vendorId), { query: "100%_" })).rows).toEqual([]);
    const shipped = await listVendorOrders(brandContext(deps, a.vendorId), { statuses: ["shipped"] });
    expect(shipped.rows.every((r) => (r.statusCounts.shipped ?? 0) > 0)).toBe(true);
    expect(shipped.rows.map((r) => r.id)).not.toContain(mixed.orderId);

    const paged = await listVendorOrders(brandContext(deps, a.vendorId), { pageSize: 1, page: 2 });
    expect(paged).toMatchObject({ page: 2, pageSize: 1, total: all.total });
    expect(paged.rows).toHaveLength(1);
  });

  it("shows an order's units and a unit's detail to its vendor only", async () => {
    const o = await paidOrder(
      [
        { seeded: a, status: "shipped", name: "Dorothy Vaughan" },
        { seeded: b, status: "sent", name: "Vendor B Recipient" },
      ],
      "DETAIL",
    );
    const detail = await vendorOrder(brandContext(deps, a.vendorId), o.orderId);
    expect(detail?.units.rows.map((u) => u.recipientName)).toEqual(["Dorothy Vaughan"]);
    expect(detail?.statusCounts).toEqual({ shipped: 1 });
    expect(detail?.order).toMatchObject({ buyerReference: "DETAIL", recipientCount: 2, onHold: false });
    // The buyer's payment is disputed: the brand sees the order on hold, until the dispute closes.
    await deps.db.prisma.giftOrder.update({ where: { id: o.orderId }, data: { disputedAt: new Date(), disputeStatus: "needs_response" } });
    expect((await vendorOrder(brandContext(deps, a.vendorId), o.orderId))?.order.onHold).toBe(true);
    await deps.db.prisma.giftOrder.update({ where: { id: o.orderId }, data: { disputeClosedAt: new Date(), disputeStatus: "won" } });
    expect((await vendorOrder(brandContext(deps, a.vendorId), o.orderId))?.order.onHold).toBe(false);

    const unit = await vendorUnit(brandContext(deps, a.vendorId), o.unitIds[0]!);
    expect(unit).toMatchObject({
      recipientName: "Dorothy Vaughan",
      status: "shipped",
      trackingNumber: "1Z999",
      offerName: "Morning mug",
      chosen: { productTitle: "Stoneware Mug", variantTitle: "Default Title" },
      shippingAddress: { city: "Springfield" },
    });

    expect(await vendorUnit(brandContext(deps, a.vendorId), o.unitIds[1]!)).toBeUndefined(); // vendor B's unit
    expect(await vendorUnit(brandContext(deps, a.vendorId), "not-a-uuid")).toBeUndefined();
    const onlyB = await paidOrder([{ seeded: b, status: "sent", name: "B" }]);
    expect(await vendorOrder(brandContext(deps, a.vendorId), onlyB.orderId)).toBeUndefined();
  });
});

/** A refusal's field errors as field → message. */
const messagesByField = (r: SettingsResult) => (r.ok ? {} : Object.fromEntries((r.errors ?? []).map((e) => [e.path, e.message])));

describe("vendor settings", () => {
  it("reads and updates notification email, default expiry and Shopify notifications", async () => {
    const before = await vendorSettings(brandContext(deps, a.vendorId));
    expect(before).toMatchObject({ notificationEmail: null, defaultExpiryDays: 90, shopifyNotifyCustomer: false });
    expect(before?.data.products).toBe(3);

    const ok = await updateVendorSettings(brandContext(deps, a.vendorId), {
      notificationEmail: " ops@northwind.test ",
      defaultExpiryDays: "120",
      shopifyNotifyCustomer: true,
    });
    expect(ok).toMatchObject({ ok: true, settings: { notificationEmail: "ops@northwind.test", defaultExpiryDays: 120, shopifyNotifyCustomer: true } });

    const bad = await updateVendorSettings(brandContext(deps, a.vendorId), { notificationEmail: "nope", defaultExpiryDays: 3 });
    expect(bad).toMatchObject({ ok: false, code: "invalid_settings" });
    expect(messagesByField(bad)).toEqual({ notificationEmail: "Enter a valid email address", defaultExpiryDays: "Gifts must stay redeemable for at least 7 days" });
    expect(await vendorSettings(brandContext(deps, a.vendorId))).toMatchObject({ defaultExpiryDays: 120 });

    expect(await updateVendorSettings(brandContext(deps, a.vendorId), { notificationEmail: "", defaultExpiryDays: 30 })).toMatchObject({
      ok: true,
      settings: { notificationEmail: null, defaultExpiryDays: 30 },
    });
    // Another vendor's settings are untouched.
    expect(await vendorSettings(brandContext(deps, b.vendorId))).toMatchObject({ defaultExpiryDays: 90 });
  });

  it("keeps the brand's reminder schedule, typed as days, and leaves it alone when a form does not send it", async () => {
    expect((await vendorSettings(brandContext(deps, a.vendorId)))?.reminders).toEqual({ afterSentDays: [3, 10], beforeExpiryDays: [3] });
    const ok = await updateVendorSettings(brandContext(deps, a.vendorId), { notificationEmail: "", defaultExpiryDays: 30, remindersAfterSent: "7, 2;2", remindersBeforeExpiry: "" });
    expect(ok).toMatchObject({ ok: true, settings: { reminders: { afterSentDays: [2, 7], beforeExpiryDays: [] } } });
    expect(await updateVendorSettings(brandContext(deps, a.vendorId), { notificationEmail: "", defaultExpiryDays: 30 })).toMatchObject({
      settings: { reminders: { afterSentDays: [2, 7], beforeExpiryDays: [] } },
    });
    const bad = await updateVendorSettings(brandContext(deps, a.vendorId), { notificationEmail: "", defaultExpiryDays: 30, remindersAfterSent: "3, soon", remindersBeforeExpiry: "1 2 3 4 5 6" });
    expect(bad).toMatchObject({ ok: false, code: "invalid_settings" });
    expect(messagesByField(bad)).toEqual({ remindersAfterSent: "Enter whole numbers of days from 1 to 365, separated by commas", remindersBeforeExpiry: "At most 5 reminders before expiry" });
    expect((await vendorSettings(brandContext(deps, b.vendorId)))?.reminders).toEqual({ afterSentDays: [3, 10], beforeExpiryDays: [3] });
  });
});
