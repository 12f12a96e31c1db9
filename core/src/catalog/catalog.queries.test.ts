import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { brandContext, testDeps, type TestDeps } from "../testing/deps.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { listProducts, offerableProducts, setGiftableMatching } from "./catalog.queries.ts";

/** The Catalog page's reads and bulk writes, bound to one vendor. */
let deps: TestDeps;
let s: Seeded;
let other: Seeded;

beforeAll(async () => {
  deps = await testDeps();
  s = await seedVendor(deps.db);
  other = await seedVendor(deps.db);
  // Thirty more products, so the catalog spans pages: "Tote 01".."Tote 30", half of them apparel.
  for (let i = 1; i <= 30; i++) {
    await deps.db.prisma.product.create({
      data: {
        vendorId: s.vendorId,
        shopifyId: `gid://shopify/Product/${9000 + i}`,
        title: `Tote ${String(i).padStart(2, "0")}`,
        handle: `tote-${i}`,
        productType: i % 2 ? "Apparel" : "Bags",
        variants: { create: [{ vendorId: s.vendorId, shopifyId: `gid://shopify/ProductVariant/${90000 + i}`, title: "Default Title", priceAmount: 1500, currency: "USD", inventoryQuantity: 3 }] },
      },
    });
  }
});
afterAll(async () => {
  await deps?.close();
});

describe("catalog bulk actions", () => {
  it("makes every product matching the filter giftable, not only the page shown; other filters and brands are untouched", async () => {
    const filter = { query: "tote", productType: "Apparel" };
    const page = await listProducts(brandContext(deps, s.vendorId), deps, { ...filter, limit: 5 });
    expect(page.items).toHaveLength(5);
    expect(page.total).toBe(15);
    expect(await setGiftableMatching(brandContext(deps, s.vendorId), filter, true)).toEqual({ updated: 15 });
    expect((await listProducts(brandContext(deps, s.vendorId), deps, { query: "tote", giftable: true, limit: 100 })).total).toBe(15);
    expect((await listProducts(brandContext(deps, s.vendorId), deps, { productType: "Bags", giftable: false, limit: 100 })).total).toBe(15);
    // Running it again changes nothing; the other brand's catalog is another tenant's.
    expect(await setGiftableMatching(brandContext(deps, s.vendorId), filter, true)).toEqual({ updated: 0 });
    expect(await setGiftableMatching(brandContext(deps, other.vendorId), { query: "tote" }, true)).toEqual({ updated: 0 });
    expect(await setGiftableMatching(brandContext(deps, s.vendorId), { giftable: true }, false)).toEqual({ updated: 15 + 3 });
    expect((await listProducts(brandContext(deps, s.vendorId), deps, { giftable: true })).total).toBe(0);
    await setGiftableMatching(brandContext(deps, s.vendorId), { query: "o" }, true); // the seeded three again
  });
});

describe("products for the offer form", () => {
  it("finds the vendor's products by our ids or Shopify's, with handle, brand, image and variants", async () => {
    const hoodie = await deps.db.prisma.product.findUniqueOrThrow({ where: { id: s.products.hoodie! } });
    const [byShopify, byOurs] = [
      await offerableProducts(brandContext(deps, s.vendorId), { shopifyIds: [hoodie.shopifyId, "gid://shopify/Product/424242"] }),
      await offerableProducts(brandContext(deps, s.vendorId), { ids: [s.products.mug!, other.products.mug!] }),
    ];
    expect(byShopify).toEqual([
      expect.objectContaining({ id: hoodie.id, title: "Organic Hoodie", handle: "hoodie", brand: "Northwind", imageUrl: "https://cdn.example.test/hoodie.jpg" }),
    ]);
    expect(byShopify[0]!.variants.map((v) => [v.title, v.available])).toEqual([
      ["S / Navy", 5],
      ["S / Sand", 5],
      ["M / Navy", 5],
      ["M / Sand", 0],
      ["L / Navy", 2],
      ["L / Sand", 2],
    ]);
    expect(byOurs.map((p) => p.id)).toEqual([s.products.mug]); // not the other brand's mug
    expect(await offerableProducts(brandContext(deps, s.vendorId), { ids: ["not-a-uuid"], shopifyIds: ["1; DROP TABLE product"] })).toEqual([]);
  });
});
