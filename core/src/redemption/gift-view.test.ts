import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBuyerOrg } from "../buyers/buyers.service.ts";
import { createOrder } from "../orders/create-order.ts";
import { splitOrder } from "../orders/split-order.ts";
import { testDeps, type TestDeps } from "../testing/deps.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { assembleView, giftViewJson, giftViewsJson, loadGift } from "./gift-view.ts";

/**
 * The GET gift route answers with the view PostgreSQL builds as JSON (giftViewsJson); the
 * redeem route with the one assembleView builds from rows. They must be the same view, in
 * every state a unit can be in.
 */
let t: TestDeps;
let s: Seeded;
let units: string[];

beforeAll(async () => {
  t = await testDeps();
  s = await seedVendor(t.db);
  const org = await createBuyerOrg(t.db, { name: "Acme", email: "a@acme.test" }, { actor: "test" });
  const created = await createOrder(t, { buyerOrgId: org.id, apiKeyId: org.apiKey.id }, {
    storefront: s.storefrontSlug,
    offerId: s.choiceOfferId,
    senderName: "Acme People Team",
    recipients: Array.from({ length: 6 }, (_, i) => ({ name: `R${i}`, email: `r${i}@example.test`, country: "US", message: i % 2 ? `Thanks, R${i}! "Cheers" \\ é 🎁` : undefined })),
  });
  if (!created.ok) throw new Error(JSON.stringify(created));
  await t.db.prisma.giftOrder.update({ where: { id: created.orderId }, data: { stripePaymentIntentId: "pi_view" } });
  await splitOrder(t, { paymentIntentId: "pi_view", amount: created.quote.totalAmount, currency: "usd" });
  units = (await t.db.prisma.fulfillmentUnit.findMany({ where: { orderId: created.orderId }, orderBy: { recipientName: "asc" } })).map((u) => u.id);
});
afterAll(async () => {
  await t?.close();
});

async function bothViews(unitId: string, now: Date) {
  const gift = await loadGift(t.db, unitId);
  const fromRows = gift && assembleView(gift, now);
  const text = (await giftViewsJson(t.db, [unitId], now)).get(unitId);
  return { fromRows, fromSql: text === undefined ? undefined : (JSON.parse(text) as unknown) };
}

describe("gift view built by the database", () => {
  it("equals assembleView's for available, expired, redeemed, shipped and canceled units", async () => {
    const now = new Date();
    const [available, expired, redeemed, shipped, canceled, untracked] = units as [string, string, string, string, string, string];
    const address = { name: "Ada Lovelace", line1: "1 Main St", line2: null, city: "Springfield", region: "IL", postalCode: "62701", country: "US" };
    await t.db.prisma.fulfillmentUnit.update({ where: { id: expired }, data: { expiresAt: new Date(now.getTime() - 1000) } });
    const variantId = s.variants["hoodie:M/Navy"]!;
    await t.db.prisma.fulfillmentUnit.update({
      where: { id: redeemed },
      data: { status: "redeemed", chosenVariantId: variantId, shippingAddress: address, redeemedAt: new Date("2026-11-20T10:11:12.345Z") },
    });
    await t.db.prisma.fulfillmentUnit.update({
      where: { id: shipped },
      data: {
        status: "shipped",
        chosenVariantId: s.variants["hoodie:L/Sand"]!,
        shippingAddress: address,
        redeemedAt: new Date("2026-11-19T00:00:00.000Z"),
        trackingCarrier: "UPS",
        trackingNumber: "1Z999AA10123456784",
        trackingUrl: "https://www.ups.com/track?tracknum=1Z999AA10123456784",
      },
    });
    await t.db.prisma.fulfillmentUnit.update({ where: { id: canceled }, data: { status: "canceled" } });
    // A variant the brand stops tracking, one with no image of its own, and one no longer giftable.
    await t.db.prisma.variant.update({ where: { id: s.variants["hoodie:S/Navy"]! }, data: { inventoryTracked: false, imageUrl: "https://cdn.example.test/s-navy.jpg" } });
    await t.db.prisma.variant.update({ where: { id: s.variants["hoodie:S/Sand"]! }, data: { giftable: false } });

    const seen = new Set<string>();
    for (const id of [available, expired, redeemed, shipped, canceled, untracked]) {
      const { fromRows, fromSql } = await bothViews(id, now);
      expect(fromRows).toBeDefined();
      expect(fromSql).toEqual(fromRows);
      seen.add((fromSql as { status: string }).status);
    }
    expect(seen).toEqual(new Set(["available", "expired", "redeemed", "shipped", "canceled"]));
    const shippedView = (await bothViews(shipped, now)).fromSql as { redemption: { tracking: { number: string }; choice: { variantTitle: string } } };
    expect(shippedView.redemption).toMatchObject({ tracking: { number: "1Z999AA10123456784" }, choice: { variantTitle: "L / Sand" } });
  });

  it("ships anywhere when the brand has a '*' rule, and to nowhere without rules", async () => {
    const now = new Date();
    const [id] = units as [string];
    await t.db.prisma.shippingRule.create({ data: { vendorId: s.vendorId, country: "*", rateAmount: 0, currency: "USD" } });
    let v = await bothViews(id, now);
    expect(v.fromSql).toEqual(v.fromRows);
    expect((v.fromSql as { shipsTo: unknown }).shipsTo).toBe("anywhere");
    await t.db.prisma.shippingRule.deleteMany({ where: { vendorId: s.vendorId } });
    v = await bothViews(id, now);
    expect(v.fromSql).toEqual(v.fromRows);
    expect((v.fromSql as { shipsTo: unknown }).shipsTo).toEqual([]);
  });

  it("answers concurrent lookups from one statement, each with its own unit, and nothing for unknown ids", async () => {
    const views = await Promise.all([...units.map((id) => giftViewJson(t.db, id)), giftViewJson(t.db, "00000000-0000-4000-8000-000000000000"), giftViewJson(t.db, "not-a-uuid")]);
    expect(views.slice(-2)).toEqual([undefined, undefined]);
    const names = views.slice(0, -2).map((v) => (JSON.parse(v!) as { recipientName: string }).recipientName);
    expect(names).toEqual(["R0", "R1", "R2", "R3", "R4", "R5"]);
  });
});
