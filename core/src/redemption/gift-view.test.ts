import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBuyerOrg } from "../buyers/buyers.service.ts";
import { createOrder } from "../orders/create-order.ts";
import { splitOrder } from "../orders/split-order.ts";
import { asPlatform, testDeps, type TestDeps } from "../testing/deps.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { giftViewJson, giftViewsJson, type GiftView } from "./gift-view.ts";
import { GiftViewSchema } from "./gift-view.schema.ts";
import { redeemUnit } from "./redeem.ts";
import { recipientContext } from "./recipient-context.ts";
import { asBuyer } from "../testing/buyer.ts";

/**
 * The recipient's view, built as JSON by PostgreSQL (the GET gift route's body; the
 * redemption statement builds the same view of the unit it redeems), in every state a unit
 * can be in.
 */
let t: TestDeps;
let s: Seeded;
let units: string[];

beforeAll(async () => {
  t = await testDeps();
  s = await seedVendor(t.db);
  const org = await createBuyerOrg(asPlatform(t), { name: "Acme", email: "a@acme.test" });
  const created = await createOrder(asBuyer(t, { buyerOrgId: org.id, apiKeyId: org.apiKey.id }), t, {
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

/** A unit's view; every view the tests see must also match the API description (strictly). */
async function view(unitId: string, now = new Date(), publicUrl = ""): Promise<GiftView> {
  const text = (await giftViewsJson(t.db, [unitId], now, publicUrl)).get(unitId);
  if (text === undefined) throw new Error(`no view of ${unitId}`);
  const parsed = JSON.parse(text) as GiftView;
  GiftViewSchema.parse(parsed);
  return parsed;
}

/** The recipient of `unitId`'s use-case context. */
const recipient = (unitId: string) => recipientContext({ db: t.db, unitId, log: t.log });

const address = { name: "Ada Lovelace", line1: "1 Main St", line2: "Suite 5", city: "Springfield", region: "IL", postalCode: "62701", country: "US" };

describe("gift view built by the database", () => {
  it("shows an available gift: brand, message, the unit's choices with options, images and stock, countries", async () => {
    const v = await view(units[1]!);
    expect(v).toMatchObject({
      status: "available",
      brand: { name: "Northwind Goods" },
      recipientName: "R1",
      senderName: "Acme People Team",
      message: 'Thanks, R1! "Cheers" \\ é 🎁',
      offerName: expect.any(String),
      shipsTo: ["US"], // the country the buyer paid shipping to
      redemption: null,
    });
    expect(new Date(v.expiresAt).toISOString()).toBe(v.expiresAt);
    const unit = await t.db.prisma.fulfillmentUnit.findUniqueOrThrow({ where: { id: units[1]! } });
    expect(v.expiresAt).toBe(unit.expiresAt.toISOString());
    expect(v.choices.map((c) => c.variantId).sort()).toEqual([...(unit.choices as string[])].sort());
    const mNavy = v.choices.find((c) => c.variantTitle === "M / Navy")!;
    expect(mNavy).toEqual({
      variantId: s.variants["hoodie:M/Navy"],
      productId: expect.any(String),
      productTitle: "Organic Hoodie",
      variantTitle: "M / Navy",
      options: [{ name: "Size", value: "M" }, { name: "Color", value: "Navy" }],
      imageUrl: "https://cdn.example.test/hoodie.jpg",
      available: 5,
    });
    expect((await view(units[0]!)).message).toBeNull();
  });

  it("shows expired, canceled and shipped gifts, untracked stock, own images, and leaves out what is no longer giftable", async () => {
    const now = new Date();
    const [, , expired, shipped, canceled] = units as [string, string, string, string, string];
    await t.db.prisma.fulfillmentUnit.update({ where: { id: expired }, data: { expiresAt: new Date(now.getTime() - 1000) } });
    expect((await view(expired, now)).status).toBe("expired");
    await t.db.prisma.fulfillmentUnit.update({ where: { id: canceled }, data: { status: "canceled" } });
    expect((await view(canceled, now)).status).toBe("canceled");
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
    const sv = await view(shipped, now);
    expect(sv.status).toBe("shipped");
    expect(sv.redemption).toEqual({
      redeemedAt: "2026-11-19T00:00:00.000Z",
      choice: expect.objectContaining({ variantTitle: "L / Sand" }),
      shippingAddress: address,
      tracking: { carrier: "UPS", number: "1Z999AA10123456784", url: "https://www.ups.com/track?tracknum=1Z999AA10123456784" },
      addressEditable: false,
      thankYou: null,
    });

    await t.db.prisma.variant.update({ where: { id: s.variants["hoodie:S/Navy"]! }, data: { inventoryTracked: false, imageUrl: "https://cdn.example.test/s-navy.jpg" } });
    await t.db.prisma.variant.update({ where: { id: s.variants["hoodie:S/Sand"]! }, data: { giftable: false } });
    const v = await view(units[0]!, now);
    expect(v.choices.find((c) => c.variantTitle === "S / Navy")).toMatchObject({ available: null, imageUrl: "https://cdn.example.test/s-navy.jpg" });
    expect(v.choices.map((c) => c.variantTitle)).not.toContain("S / Sand");
  });

  it("shows a gift not yet redeemed as on hold while its payment is disputed, past its expiry too; redeemed ones as they are", async () => {
    const now = new Date();
    const [open, , pastExpiry, shipped] = units as [string, string, string, string];
    const { orderId } = await t.db.prisma.fulfillmentUnit.findUniqueOrThrow({ where: { id: open } });
    await t.db.prisma.fulfillmentUnit.update({ where: { id: pastExpiry }, data: { expiresAt: new Date(now.getTime() - 1000) } });
    await t.db.prisma.fulfillmentUnit.update({ where: { id: shipped }, data: { status: "shipped", chosenVariantId: s.variants["hoodie:L/Sand"]!, shippingAddress: address, redeemedAt: now } });
    await t.db.prisma.giftOrder.update({ where: { id: orderId }, data: { disputedAt: now, disputeStatus: "needs_response" } });
    try {
      expect((await view(open, now)).status).toBe("on_hold");
      expect((await view(pastExpiry, now)).status).toBe("on_hold");
      expect((await view(shipped, now)).status).toBe("shipped");
      await t.db.prisma.giftOrder.update({ where: { id: orderId }, data: { disputeClosedAt: now, disputeStatus: "won" } });
      expect((await view(open, now)).status).toBe("available");
      expect((await view(pastExpiry, now)).status).toBe("expired");
    } finally {
      await t.db.prisma.giftOrder.update({ where: { id: orderId }, data: { disputedAt: null, disputeStatus: null, disputeClosedAt: null } });
    }
  });

  it("answers a redemption with the view a page view then shows: redeemed, the choice with its stock after it", async () => {
    const unitId = units[5]!;
    const variantId = s.variants["notebook:Green"]!;
    const before = (await view(unitId)).choices.find((c) => c.variantId === variantId)!.available!;
    const r = await redeemUnit(recipient(unitId), t, { variantId, address });
    if (!r.ok) throw new Error(r.code);
    const answered = JSON.parse(r.view) as GiftView;
    expect(answered).toEqual(await view(unitId));
    expect(answered.status).toBe("redeemed");
    expect(answered.redemption).toMatchObject({ choice: { variantId, available: before - 1 }, shippingAddress: address, tracking: null, addressEditable: true, thankYou: null });
    expect(answered.choices.find((c) => c.variantId === variantId)!.available).toBe(before - 1);
  });

  it("shows the brand's logo at an absolute URL and its welcome text; neither when there is none or the storefront is off", async () => {
    const id = units[2]!;
    expect((await view(id)).brand.logoUrl).toBeNull();
    const sf = await t.db.prisma.storefront.findUniqueOrThrow({ where: { slug: s.storefrontSlug } });
    expect((await view(id)).welcomeText).toBe(sf.welcomeText);
    await t.db.prisma.storefront.update({ where: { slug: s.storefrontSlug }, data: { logoKey: "logos/northwind.png", welcomeText: "Welcome to Northwind!\nPick what you like." } });
    try {
      const v = await view(id, new Date(), "https://gifts.example.test");
      expect(v.brand.logoUrl).toBe(`https://gifts.example.test/v1/storefronts/${s.storefrontSlug}/logo`);
      expect(v.welcomeText).toBe("Welcome to Northwind!\nPick what you like.");
      // Through the batched page-view path, with the api's own public URL.
      const batched = JSON.parse((await giftViewJson(recipient(id), { config: { publicUrl: "https://gifts.example.test" } }))!) as GiftView;
      expect(batched.brand.logoUrl).toBe(v.brand.logoUrl);
      await t.db.prisma.storefront.update({ where: { slug: s.storefrontSlug }, data: { active: false, welcomeText: "   " } });
      const off = await view(id, new Date(), "https://gifts.example.test");
      expect(off.brand.logoUrl).toBeNull(); // its logo route answers 404 then
      expect(off.welcomeText).toBeNull();
    } finally {
      await t.db.prisma.storefront.update({ where: { slug: s.storefrontSlug }, data: { logoKey: null, welcomeText: sf.welcomeText, active: true } });
    }
  });

  it("ships to the buyer's country for the recipient while the brand ships there; else where the brand ships", async () => {
    const [id, noCountry] = units as [string, string];
    // An order that gave no country for the recipient: the brand's countries, or anywhere.
    await t.db.prisma.fulfillmentUnit.update({ where: { id: noCountry }, data: { shipCountry: null } });
    expect((await view(noCountry)).shipsTo).toEqual(["CA", "US"]);
    await t.db.prisma.shippingRule.create({ data: { vendorId: s.vendorId, country: "*", rateAmount: 0, currency: "USD" } });
    expect((await view(noCountry)).shipsTo).toBe("anywhere");
    expect((await view(id)).shipsTo).toEqual(["US"]);
    await t.db.prisma.shippingRule.deleteMany({ where: { vendorId: s.vendorId } });
    expect((await view(noCountry)).shipsTo).toEqual([]);
    expect((await view(id)).shipsTo).toEqual([]); // the brand stopped shipping there
  });

  it("answers concurrent lookups from one statement, each with its own unit, and nothing for unknown ids", async () => {
    const views = await Promise.all([...units.map((id) => giftViewJson(recipient(id), t)), giftViewJson(recipient("00000000-0000-4000-8000-000000000000"), t), giftViewJson(recipient("not-a-uuid"), t)]);
    expect(views.slice(-2)).toEqual([undefined, undefined]);
    const names = views.slice(0, -2).map((v) => (JSON.parse(v!) as { recipientName: string }).recipientName);
    expect(names).toEqual(["R0", "R1", "R2", "R3", "R4", "R5"]);
  });

  it("shows each unit of one statement its own frozen choices when units of the offer were frozen differently", async () => {
    // Units of one offer usually share one list (built once per statement); a unit frozen
    // before the offer changed keeps its own. R0 keeps every choice, R1 only M / Navy.
    const [r0, r1] = units as [string, string];
    const full = (await t.db.prisma.fulfillmentUnit.findUniqueOrThrow({ where: { id: r0 } })).choices as string[];
    const navyM = s.variants["hoodie:M/Navy"]!;
    await t.db.prisma.fulfillmentUnit.update({ where: { id: r1 }, data: { choices: [navyM] } });
    try {
      const views = await giftViewsJson(t.db, [r0, r1]);
      const choices = (id: string) => (JSON.parse(views.get(id)!) as GiftView).choices.map((c) => c.variantId);
      expect(choices(r1)).toEqual([navyM]);
      expect(choices(r0).length).toBeGreaterThan(1);
      expect(choices(r0)).toContain(navyM);
      expect(full).toEqual(expect.arrayContaining(choices(r0)));
    } finally {
      await t.db.prisma.fulfillmentUnit.update({ where: { id: r1 }, data: { choices: full } });
    }
  });
});
