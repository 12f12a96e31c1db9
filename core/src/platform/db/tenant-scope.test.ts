import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedVendor, type Seeded } from "../../testing/seed.ts";
import { testDatabase, type TestDatabase } from "../../testing/db.ts";
import { vendorScopedPrisma } from "./tenant-scope.ts";

/**
 * Queries through a brand-bound client that forget the tenant (no vendorId in `where`,
 * another brand's id, a child row reached through its parent) see only the brand's rows,
 * and writes cannot reach another brand's. On PGlite and, under test:stack, PostgreSQL.
 */
let db: TestDatabase;
let a: Seeded;
let b: Seeded;

beforeAll(async () => {
  db = await testDatabase();
  a = await seedVendor(db, { slug: "scope-a", shop: "scope-a.myshopify.com" });
  b = await seedVendor(db, { slug: "scope-b", shop: "scope-b.myshopify.com" });
}, 60_000);
afterAll(async () => db?.close());

describe("a brand-bound Prisma client", () => {
  it("reads only the brand's rows when the query names no tenant", async () => {
    const scoped = vendorScopedPrisma(db.prisma, a.vendorId);
    const offers = await scoped.giftOffer.findMany({});
    expect(offers.length).toBeGreaterThan(0);
    expect(new Set(offers.map((o) => o.vendorId))).toEqual(new Set([a.vendorId]));
    expect(await scoped.product.count()).toBe(await db.prisma.product.count({ where: { vendorId: a.vendorId } }));
    // Another brand's row by its unique id is not found.
    expect(await scoped.giftOffer.findUnique({ where: { id: b.mugOfferId } })).toBeNull();
    expect(await scoped.giftOffer.findFirst({ where: { id: b.mugOfferId } })).toBeNull();
    // A child row belongs to its parent's brand.
    const theirItems = await db.prisma.giftOfferItem.findMany({ where: { offerId: b.mugOfferId } });
    expect(theirItems.length).toBeGreaterThan(0);
    expect(await scoped.giftOfferItem.findMany({ where: { offerId: b.mugOfferId } })).toEqual([]);
    expect(await scoped.giftOfferItem.count({ where: { offerId: a.mugOfferId } })).toBeGreaterThan(0);
  });

  it("cannot change or delete another brand's rows", async () => {
    const scoped = vendorScopedPrisma(db.prisma, a.vendorId);
    await expect(scoped.giftOffer.update({ where: { id: b.mugOfferId }, data: { name: "Taken" } })).rejects.toThrow();
    expect((await scoped.giftOffer.updateMany({ where: { id: b.mugOfferId }, data: { name: "Taken" } })).count).toBe(0);
    expect((await scoped.product.updateMany({ data: { title: "Everything renamed" } })).count).toBeGreaterThan(0);
    expect(await db.prisma.product.count({ where: { vendorId: b.vendorId, title: "Everything renamed" } })).toBe(0);
    expect((await scoped.giftOfferItem.deleteMany({ where: { offerId: b.mugOfferId } })).count).toBe(0);
    await expect(scoped.giftOffer.delete({ where: { id: b.mugOfferId } })).rejects.toThrow();
    expect(await db.prisma.giftOffer.findUnique({ where: { id: b.mugOfferId } })).toMatchObject({ vendorId: b.vendorId });
  });

  it("creates rows for the brand, and refuses a create that names another brand", async () => {
    const scoped = vendorScopedPrisma(db.prisma, a.vendorId);
    const rule = await scoped.shippingRule.create({ data: { country: "FR", rateAmount: 900, currency: "USD" } as never });
    expect(rule.vendorId).toBe(a.vendorId);
    await expect(scoped.shippingRule.create({ data: { vendorId: b.vendorId, country: "DE", rateAmount: 900, currency: "USD" } })).rejects.toThrow(/another brand/);
    await expect(scoped.shippingRule.createMany({ data: [{ vendorId: b.vendorId, country: "DE", rateAmount: 900, currency: "USD" }] })).rejects.toThrow(/another brand/);
    expect(await db.prisma.shippingRule.count({ where: { vendorId: b.vendorId, country: "DE" } })).toBe(0);
  });

  it("sees the brand's own row only, and cannot create or change another brand", async () => {
    const scoped = vendorScopedPrisma(db.prisma, a.vendorId);
    expect((await scoped.vendor.findMany({ select: { id: true } })).map((v) => v.id)).toEqual([a.vendorId]);
    expect(await scoped.vendor.findUnique({ where: { id: b.vendorId } })).toBeNull();
    expect((await scoped.vendor.updateMany({ data: { name: "Renamed" } })).count).toBe(1);
    await expect(scoped.vendor.update({ where: { id: b.vendorId }, data: { name: "Taken" } })).rejects.toThrow();
    expect((await db.prisma.vendor.findUniqueOrThrow({ where: { id: b.vendorId } })).name).not.toBe("Taken");
    await expect(scoped.vendor.create({ data: { shopDomain: "scope-c.myshopify.com", name: "C" } as never })).rejects.toThrow(/cannot create a vendor/);
  });

  it("keeps the scope inside an interactive transaction", async () => {
    const scoped = vendorScopedPrisma(db.prisma, a.vendorId);
    const seen = await scoped.$transaction(async (tx) => tx.giftOffer.findMany({ select: { vendorId: true } }));
    expect(new Set(seen.map((o) => o.vendorId))).toEqual(new Set([a.vendorId]));
  });
});
