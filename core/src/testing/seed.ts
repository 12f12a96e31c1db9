import type { Database } from "../platform/db/connect.ts";

/**
 * A small, realistic vendor for tests of the gifting core: a brand with apparel in sizes
 * and colours, a mug and a notebook; a single-item offer and a recipient's-choice offer on a
 * storefront; shipping to the US, Canada and (flat) everywhere else in the EU list.
 */
export interface Seeded {
  vendorId: string;
  storefrontSlug: string;
  storefrontId: string;
  mugOfferId: string;
  choiceOfferId: string;
  variants: Record<string, string>; // name -> variant id
  products: Record<string, string>;
}

export async function seedVendor(db: Database, opts: { slug?: string; shop?: string } = {}): Promise<Seeded> {
  const slug = opts.slug ?? `acme-${Math.random().toString(36).slice(2, 8)}`;
  const vendor = await db.prisma.vendor.create({
    data: { shopDomain: opts.shop ?? `${slug}.myshopify.com`, name: "Northwind Goods", currency: "USD" },
  });
  const products: Record<string, string> = {};
  const variants: Record<string, string> = {};
  let n = 0;
  async function product(key: string, title: string, options: Array<{ name: string; values: string[] }>, stock: number[]) {
    const p = await db.prisma.product.create({
      data: {
        vendorId: vendor.id,
        shopifyId: `gid://shopify/Product/${1000 + ++n}`,
        title,
        handle: key,
        brand: "Northwind",
        productType: "Gifts",
        giftable: true,
        options: { create: options.map((o, i) => ({ name: o.name, position: i + 1, values: o.values })) },
        images: { create: [{ url: `https://cdn.example.test/${key}.jpg`, altText: title, position: 1, width: 800, height: 800 }] },
      },
    });
    products[key] = p.id;
    const combos: string[][] = options.reduce<string[][]>(
      (acc, o) => acc.flatMap((c) => o.values.map((v) => [...c, v])),
      [[]],
    );
    for (const [i, combo] of combos.entries()) {
      const v = await db.prisma.variant.create({
        data: {
          vendorId: vendor.id,
          productId: p.id,
          shopifyId: `gid://shopify/ProductVariant/${5000 + n * 100 + i}`,
          title: combo.join(" / ") || "Default Title",
          sku: `${key}-${combo.join("-") || "default"}`.toLowerCase(),
          priceAmount: 2500,
          currency: "USD",
          selectedOptions: combo.map((value, j) => ({ name: options[j]!.name, value })),
          inventoryQuantity: stock[i] ?? 10,
        },
      });
      variants[`${key}:${combo.join("/") || "default"}`] = v.id;
    }
  }
  await product("hoodie", "Organic Hoodie", [
    { name: "Size", values: ["S", "M", "L"] },
    { name: "Color", values: ["Navy", "Sand"] },
  ], [5, 5, 5, 0, 2, 2]);
  await product("mug", "Stoneware Mug", [], [100]);
  await product("notebook", "Linen Notebook", [{ name: "Color", values: ["Black", "Green"] }], [20, 20]);

  const mugOffer = await db.prisma.giftOffer.create({
    data: {
      vendorId: vendor.id,
      name: "Morning mug",
      kind: "single",
      status: "active",
      priceAmount: 3000,
      currency: "USD",
      expiryDays: 60,
      items: { create: [{ productId: products.mug!, variantId: variants["mug:default"]! }] },
    },
  });
  const choiceOffer = await db.prisma.giftOffer.create({
    data: {
      vendorId: vendor.id,
      name: "Pick your favourite",
      kind: "choice",
      status: "active",
      priceAmount: 6500,
      currency: "USD",
      expiryDays: 90,
      items: { create: [{ productId: products.hoodie!, position: 1 }, { productId: products.notebook!, position: 2 }] },
    },
  });
  const storefront = await db.prisma.storefront.create({
    data: {
      vendorId: vendor.id,
      slug,
      name: "Northwind Corporate Gifts",
      welcomeText: "Thoughtful gifts, shipped by us.",
      offers: {
        create: [
          { offerId: mugOffer.id, position: 1 },
          { offerId: choiceOffer.id, position: 2, priceOverrideAmount: 6000 },
        ],
      },
    },
  });
  await db.prisma.shippingRule.createMany({
    data: [
      { vendorId: vendor.id, country: "US", rateAmount: 800, currency: "USD" },
      { vendorId: vendor.id, country: "CA", rateAmount: 1500, currency: "USD" },
    ],
  });
  return {
    vendorId: vendor.id,
    storefrontSlug: slug,
    storefrontId: storefront.id,
    mugOfferId: mugOffer.id,
    choiceOfferId: choiceOffer.id,
    variants,
    products,
  };
}
