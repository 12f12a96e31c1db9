/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are read as loose JSON in assertions */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBuyerOrg } from "../buyers/buyers.service.ts";
import { asPlatform } from "../testing/deps.ts";
import { bearer, testApp, type TestApp } from "../http/testing.ts";
import { createOrder } from "../orders/create-order.ts";
import { splitOrder } from "../orders/split-order.ts";
import { openCode } from "../redemption/codes/codes.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { asBuyer } from "../testing/buyer.ts";

/**
 * A single-item offer of a product with variants, end to end over HTTP: the brand offers
 * the hoodie (every giftable size and colour, or only those it names), buyers see how many
 * gifts are left to promise, every recipient gets the hoodie and picks among its variants,
 * and the stock taken by waiting gifts is counted against the offer as a whole.
 */
let t: TestApp;
let s: Seeded;
let vendorToken: string;
let buyer: { buyerOrgId: string; apiKeyId: string };

beforeAll(async () => {
  t = await testApp();
  s = await seedVendor(t.deps.db);
  vendorToken = await t.vendorToken(`${s.storefrontSlug}.myshopify.com`);
  const org = await createBuyerOrg(asPlatform(t.deps), { name: "Acme", email: "a@acme.test" });
  buyer = { buyerOrgId: org.id, apiKeyId: org.apiKey.id };
});
afterAll(async () => {
  await t?.close();
});

const vendor = async (method: string, path: string, body?: unknown) => {
  const res = await t.app.request(`/v1/vendor/offers${path}`, {
    method,
    headers: bearer(vendorToken, body === undefined ? {} : { "content-type": "application/json" }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};
const single = (items: Array<{ productId: string; variantId?: string }>) => ({
  name: "Hoodie for everyone",
  kind: "single",
  priceAmount: 5500,
  currency: "USD",
  expiryDays: 30,
  status: "active",
  items,
});
/** The offer as buyers see it on the storefront. */
const onStorefront = async (offerId: string) => {
  const view = (await (await t.app.request(`/v1/storefronts/${s.storefrontSlug}`)).json()) as { offers: Array<Record<string, any>> };
  return view.offers.find((o) => o.id === offerId)!;
};
const address = { name: "Ada Lovelace", line1: "1 Main St", city: "Springfield", region: "IL", postalCode: "62701", country: "US" };
const hoodie = (name: string) => s.variants[`hoodie:${name}`]!;

async function paid(offerId: string, n: number): Promise<Array<{ id: string; code: string }>> {
  const created = await createOrder(asBuyer(t.deps, buyer), t.deps, {
    storefront: s.storefrontSlug,
    offerId,
    recipients: Array.from({ length: n }, (_, i) => ({ name: `R${i}`, email: `r${i}@example.test`, country: "US" })),
  });
  if (!created.ok) throw new Error(JSON.stringify(created));
  const pi = `pi_single_${created.orderId.slice(0, 8)}`;
  await t.deps.db.prisma.giftOrder.update({ where: { id: created.orderId }, data: { stripePaymentIntentId: pi } });
  await splitOrder(t.deps, { paymentIntentId: pi, amount: created.quote.totalAmount, currency: "usd" });
  const units = await t.deps.db.prisma.fulfillmentUnit.findMany({ where: { orderId: created.orderId } });
  return Promise.all(units.map(async (u) => ({ id: u.id, code: await openCode(t.deps.secrets, u.codeSealed, u.id) })));
}

async function redeem(code: string, variantId: string) {
  const session = await t.app.request("/v1/redeem/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code }) });
  const { token } = (await session.json()) as { token: string };
  const gift = (await (await t.app.request("/v1/redeem/gift", { headers: bearer(token) })).json()) as Record<string, any>;
  const res = await t.app.request("/v1/redeem/gift/redeem", {
    method: "POST",
    headers: bearer(token, { "content-type": "application/json" }),
    body: JSON.stringify({ variantId, address }),
  });
  return { gift, status: res.status, body: (await res.json()) as Record<string, any> };
}

describe("a single-item offer of a product with variants", () => {
  it("offers every giftable variant of the product, or only those the brand names; one product only", async () => {
    const whole = await vendor("POST", "", single([{ productId: s.products.hoodie! }]));
    expect(whole.status).toBe(201);
    expect(whole.body.preview.map((c: { variantTitle: string }) => c.variantTitle)).toEqual(["S / Navy", "S / Sand", "M / Navy", "M / Sand", "L / Navy", "L / Sand"]);

    const narrowed = await vendor("POST", "", single([{ productId: s.products.hoodie!, variantId: hoodie("S/Navy") }, { productId: s.products.hoodie!, variantId: hoodie("L/Sand") }]));
    expect(narrowed.status).toBe(201);
    expect(narrowed.body.preview.map((c: { variantTitle: string }) => c.variantTitle)).toEqual(["S / Navy", "L / Sand"]);

    // A variant the brand made not giftable is not offered.
    await t.deps.db.prisma.variant.update({ where: { id: hoodie("M/Navy") }, data: { giftable: false } });
    expect((await vendor("GET", `/${whole.body.id}`)).body.preview).toHaveLength(5);
    await t.deps.db.prisma.variant.update({ where: { id: hoodie("M/Navy") }, data: { giftable: true } });

    const two = await vendor("POST", "", single([{ productId: s.products.hoodie! }, { productId: s.products.mug! }]));
    expect(two).toMatchObject({ status: 422, body: { code: "invalid_offer_items", errors: [{ path: "items", code: "single_needs_one_product" }] } });
    const overlap = await vendor("POST", "", single([{ productId: s.products.hoodie! }, { productId: s.products.hoodie!, variantId: hoodie("S/Navy") }]));
    expect(overlap.body.errors).toEqual([expect.objectContaining({ path: "items.1.variantId", code: "variant_in_whole_product" })]);
    // Editing an offer's kind is checked against its items too.
    const choice = await vendor("PATCH", `/${s.choiceOfferId}`, { version: 1, kind: "single" });
    expect(choice.body.errors?.[0]?.code).toBe("single_needs_one_product");
  });

  it("every recipient gets the product and picks a variant; waiting gifts hold the product's stock, not a variant's", async () => {
    // Hoodie stock per variant (S/M/L x Navy/Sand): 5, 5, 5, 0, 2, 2 = 19 units.
    const created = await vendor("POST", "", single([{ productId: s.products.hoodie! }]));
    const offerId = created.body.id as string;
    await t.deps.db.prisma.storefrontOffer.create({ data: { storefrontId: s.storefrontId, offerId, position: 9 } });
    const before = await onStorefront(offerId);
    expect(before).toMatchObject({ kind: "single", available: 19, orderable: true });
    expect(before.choices).toHaveLength(6);

    const units = await paid(offerId, 3);
    const after = await onStorefront(offerId);
    // Three gifts wait, each will take one hoodie: 16 are left to promise; no one size is known to be taken.
    expect(after.available).toBe(16);
    expect(after.choices.map((c: { available: number }) => c.available)).toEqual([5, 5, 5, 0, 2, 2]);
    const tooMany = await createOrder(asBuyer(t.deps, buyer), t.deps, {
      storefront: s.storefrontSlug,
      offerId,
      recipients: Array.from({ length: 17 }, (_, i) => ({ name: `X${i}`, email: `x${i}@example.test`, country: "US" })),
    });
    expect(tooMany.ok).toBe(false);
    expect(JSON.stringify(tooMany)).toContain("insufficient_stock");

    // The recipient sees the hoodie's variants and picks a size and colour.
    const reservedBefore = (await t.deps.db.prisma.variant.findUniqueOrThrow({ where: { id: hoodie("L/Navy") } })).inventoryReserved;
    const r = await redeem(units[0]!.code, hoodie("L/Navy"));
    expect(r.gift.choices.map((c: { productId: string }) => c.productId)).toEqual(Array(6).fill(s.products.hoodie));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "redeemed", redemption: { choice: { variantId: hoodie("L/Navy"), variantTitle: "L / Navy" } } });
    expect((await t.deps.db.prisma.variant.findUniqueOrThrow({ where: { id: hoodie("L/Navy") } })).inventoryReserved).toBe(reservedBefore + 1);
    expect(await t.deps.db.prisma.job.count({ where: { idempotencyKey: `push:${units[0]!.id}` } })).toBe(1);
    // The redeemed gift holds its variant as a reservation; two still wait: still 16 to promise.
    const redeemed = await onStorefront(offerId);
    expect(redeemed.available).toBe(16);
    expect(redeemed.choices.find((c: { variantId: string }) => c.variantId === hoodie("L/Navy")).available).toBe(1); // 2 in stock, 1 reserved

    // A variant of another product is not a choice of this gift.
    expect((await redeem(units[1]!.code, s.variants["mug:default"]!)).body.code).toBe("not_a_choice");
  });

  it("a narrowed offer's recipients choose only among the named variants", async () => {
    const created = await vendor("POST", "", single([{ productId: s.products.hoodie!, variantId: hoodie("S/Navy") }, { productId: s.products.hoodie!, variantId: hoodie("M/Navy") }]));
    const offerId = created.body.id as string;
    await t.deps.db.prisma.storefrontOffer.create({ data: { storefrontId: s.storefrontId, offerId, position: 10 } });
    expect((await onStorefront(offerId)).available).toBe(10);
    const [unit] = await paid(offerId, 1);
    expect((await onStorefront(offerId)).available).toBe(9);
    const notOffered = await redeem(unit!.code, hoodie("L/Sand"));
    expect(notOffered.gift.choices.map((c: { variantTitle: string }) => c.variantTitle)).toEqual(["S / Navy", "M / Navy"]);
    expect(notOffered.body.code).toBe("not_a_choice");
    expect((await redeem(unit!.code, hoodie("M/Navy"))).status).toBe(200);
  });
});
