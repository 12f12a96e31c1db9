import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../http/app.ts";
import { bearer, mintTestSessionToken } from "../http/testing.ts";
import { testDeps, type TestDeps } from "../testing/deps.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { extensionRoutes, shopifyGid } from "./extension.routes.ts";

/** The vendor API endpoints the admin extensions call, with Shopify session tokens. */
let deps: TestDeps;
let app: App;
let a: Seeded;
let b: Seeded;
const shopOf = (x: Seeded) => `${x.storefrontSlug}.myshopify.com`;
const token = (x: Seeded) => mintTestSessionToken(deps.config, shopOf(x));

async function call(x: Seeded | string | null, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = x === null ? {} : bearer(typeof x === "string" ? x : await token(x));
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await app.request(`/v1/vendor${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, type: res.headers.get("content-type") ?? "", body: (await res.json()) as Record<string, unknown> };
}

async function pushedUnit(x: Seeded, shopifyOrderId: string, name: string) {
  const p = deps.db.prisma;
  const buyer = await p.buyerOrg.create({ data: { name: "Initech", email: "b@initech.test" } });
  const o = await p.giftOrder.create({ data: { buyerOrgId: buyer.id, storefrontId: x.storefrontId, status: "paid", currency: "USD", itemsAmount: 1, shippingAmount: 0, totalAmount: 1, recipientCount: 1 } });
  const rec = await p.orderRecipient.create({ data: { orderId: o.id, row: 1, offerId: x.mugOfferId, name, email: `${randomUUID()}@example.test`, amount: 1 } });
  return p.fulfillmentUnit.create({
    data: {
      orderId: o.id, recipientId: rec.id, vendorId: x.vendorId, offerId: x.mugOfferId, status: "shipped", amount: 1, currency: "USD", recipientName: name, recipientEmail: rec.email,
      message: "Enjoy the mug!", choices: [], codeHash: randomUUID(), codeSealed: "s", sendAt: new Date(), expiresAt: new Date(Date.now() + 864e5), redeemedAt: new Date(),
      shopifyOrderId, trackingCarrier: "UPS", trackingNumber: "1Z999", trackingUrl: "https://ups.test/1Z999", shippedAt: new Date(),
    },
  });
}

beforeAll(async () => {
  deps = await testDeps();
  app = createApp(deps, { routes: [(x) => x.route("/v1/vendor", extensionRoutes(deps))] });
  a = await seedVendor(deps.db);
  b = await seedVendor(deps.db);
});
afterAll(async () => {
  await deps?.close();
});

describe("admin extension endpoints", () => {
  it("reads Shopify ids as the admin gives them", () => {
    expect(shopifyGid("Order", "gid://shopify/Order/123")).toBe("gid://shopify/Order/123");
    expect(shopifyGid("Order", "123")).toBe("gid://shopify/Order/123");
    // The router decodes a path id once; a still-encoded id is not decoded again.
    expect(shopifyGid("Order", encodeURIComponent("gid://shopify/Order/9"))).toBeUndefined();
    expect(shopifyGid("Order", "%s")).toBeUndefined();
    expect(shopifyGid("Order", "gid://shopify/Product/1")).toBeUndefined();
    expect(shopifyGid("Product", "abc")).toBeUndefined();
  });

  it("GET /units/by-shopify-order/{id}: the gift behind our order; another shop's order is 404", async () => {
    const unit = await pushedUnit(a, "gid://shopify/Order/777001", "Ada Lovelace");
    for (const id of ["777001", encodeURIComponent("gid://shopify/Order/777001")]) {
      const r = await call(a, "GET", `/units/by-shopify-order/${id}`);
      expect(r.status).toBe(200);
      expect(r.body.units).toEqual([
        expect.objectContaining({ id: unit.id, status: "shipped", recipientName: "Ada Lovelace", message: "Enjoy the mug!", appPath: `/app/units/${unit.id}`, tracking: { carrier: "UPS", number: "1Z999", url: "https://ups.test/1Z999" } }),
      ]);
    }
    expect((await call(b, "GET", "/units/by-shopify-order/777001")).status).toBe(404);
    expect((await call(a, "GET", "/units/by-shopify-order/424242")).status).toBe(404);
    const bad = await call(a, "GET", "/units/by-shopify-order/not-an-id");
    expect([bad.status, bad.type.includes("problem+json")]).toEqual([400, true]);
    expect((await call(null, "GET", "/units/by-shopify-order/777001")).status).toBe(401);
    expect((await call("forged.token.x", "GET", "/units/by-shopify-order/777001")).status).toBe(401);
  });

  it("POST /products/{id}/giftable: giftable on and off, added to an offer once; tenancy and bad input", async () => {
    const p = deps.db.prisma;
    // Seeded shops share Shopify ids; this one exists only in shop a.
    const notebook = await p.product.create({
      data: { vendorId: a.vendorId, shopifyId: "gid://shopify/Product/880001", title: "Travel Journal", handle: "journal", giftable: false },
    });
    await p.variant.create({ data: { vendorId: a.vendorId, productId: notebook.id, shopifyId: "gid://shopify/ProductVariant/880002", title: "Default Title", priceAmount: 2000, currency: "USD", inventoryQuantity: 5 } });
    const numeric = notebook.shopifyId.split("/").pop()!;
    const state = await call(a, "GET", `/products/${numeric}/gifting`);
    expect(state.status).toBe(200);
    expect((state.body.product as { giftable: boolean }).giftable).toBe(false);

    const on = await call(a, "POST", `/products/${numeric}/giftable`, { giftable: true, offerId: a.choiceOfferId });
    expect(on.status).toBe(200);
    expect((on.body.product as { giftable: boolean }).giftable).toBe(true);
    const offers = on.body.offers as Array<{ id: string; includesProduct: boolean }>;
    expect(offers.find((o) => o.id === a.choiceOfferId)?.includesProduct).toBe(true);
    const before = await p.giftOffer.findUniqueOrThrow({ where: { id: a.choiceOfferId }, include: { items: true } });
    // A repeat changes nothing (no second item, no new version).
    expect((await call(a, "POST", `/products/${numeric}/giftable`, { offerId: a.choiceOfferId })).status).toBe(200);
    const after = await p.giftOffer.findUniqueOrThrow({ where: { id: a.choiceOfferId }, include: { items: true } });
    expect([after.version, after.items.length]).toEqual([before.version, before.items.length]);
    expect(after.items.filter((i) => i.productId === notebook.id)).toHaveLength(1);

    const off = await call(a, "POST", `/products/${encodeURIComponent(notebook.shopifyId)}/giftable`, { giftable: false });
    expect((off.body.product as { giftable: boolean }).giftable).toBe(false);

    // Another shop's product and another brand's offer read as unknown.
    expect((await call(b, "POST", `/products/${numeric}/giftable`, { giftable: true })).status).toBe(404);
    expect((await call(b, "GET", `/products/${numeric}/gifting`)).status).toBe(404);
    expect((await call(a, "POST", `/products/${numeric}/giftable`, { giftable: true, offerId: b.choiceOfferId })).status).toBe(404);
    expect((await call(a, "POST", `/products/99999999/giftable`, { giftable: true })).status).toBe(404);
    expect((await call(a, "POST", `/products/x-y/giftable`, { giftable: true })).status).toBe(400);
    expect((await call(a, "POST", `/products/${numeric}/giftable`, { giftable: "yes" })).status).toBe(422);
    expect((await call(a, "POST", `/products/${numeric}/giftable`, { giftable: false, offerId: a.choiceOfferId })).status).toBe(422);
  });
});
