import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApp, type TestApp } from "../http/testing.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";

let t: TestApp;
let s: Seeded;
beforeAll(async () => {
  t = await testApp();
  s = await seedVendor(t.deps.db);
});
afterAll(async () => {
  await t?.close();
});

const quote = (body: unknown, slug = s.storefrontSlug) =>
  t.app.request(`/v1/storefronts/${slug}/quote`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("storefront (public)", () => {
  it("shows branding and the offers on sale with the storefront's prices and choices", async () => {
    const res = await t.app.request(`/v1/storefronts/${s.storefrontSlug}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { offers: Array<{ id: string; price: unknown; choices: Array<{ variantTitle: string; available: number; options: unknown }> }> };
    expect(body).toMatchObject({ brandName: "Northwind Goods", name: "Northwind Corporate Gifts" });
    expect(body.offers.map((o) => o.id)).toEqual([s.mugOfferId, s.choiceOfferId]);
    expect(body.offers[1]!.price).toEqual({ amount: 6000, currency: "USD" }); // storefront override
    const choice = body.offers[1]!.choices;
    expect(choice).toHaveLength(8); // 6 hoodie variants + 2 notebooks
    expect(choice.find((c) => c.variantTitle === "M / Sand")).toMatchObject({
      available: 0,
      options: [{ name: "Size", value: "M" }, { name: "Color", value: "Sand" }],
    });
    expect(JSON.stringify(body)).not.toContain(s.vendorId);
  });

  it("hides paused and expired offers, and closed storefronts", async () => {
    await t.deps.db.prisma.giftOffer.update({ where: { id: s.mugOfferId }, data: { status: "paused" } });
    const res = await t.app.request(`/v1/storefronts/${s.storefrontSlug}`);
    expect(((await res.json()) as { offers: Array<{ id: string }> }).offers.map((o) => o.id)).toEqual([s.choiceOfferId]);
    await t.deps.db.prisma.giftOffer.update({ where: { id: s.mugOfferId }, data: { status: "active" } });

    const other = await seedVendor(t.deps.db);
    await t.deps.db.prisma.storefront.update({ where: { slug: other.storefrontSlug }, data: { active: false } });
    expect((await t.app.request(`/v1/storefronts/${other.storefrontSlug}`)).status).toBe(404);
    expect((await t.app.request("/v1/storefronts/NOT_A_SLUG")).status).toBe(400);
  });
});

describe("quote", () => {
  it("prices items and shipping per recipient, in minor units, writing nothing", async () => {
    const before = await t.deps.db.prisma.giftOrder.count();
    const res = await quote({
      offerId: s.mugOfferId,
      recipients: [
        { name: "Ada", email: "ada@example.test", country: "US" },
        { name: "Grace", email: "grace@example.test", country: "ca" },
        { name: "Linus", email: "linus@example.test", country: "US", offerId: s.choiceOfferId },
      ],
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      currency: "USD",
      recipientCount: 3,
      lines: [
        { offerId: s.mugOfferId, name: "Morning mug", quantity: 2, unitAmount: 3000, amount: 6000 },
        { offerId: s.choiceOfferId, name: "Pick your favourite", quantity: 1, unitAmount: 6000, amount: 6000 },
      ],
      shipping: [
        { country: "US", quantity: 2, rateAmount: 800, amount: 1600 },
        { country: "CA", quantity: 1, rateAmount: 1500, amount: 1500 },
      ],
      itemsAmount: 12000,
      shippingAmount: 3100,
      totalAmount: 15100,
    });
    expect(await t.deps.db.prisma.giftOrder.count()).toBe(before);
  });

  it("reports every bad row at once, with row numbers and reasons", async () => {
    const res = await quote({
      offerId: s.mugOfferId,
      recipients: [
        { name: "Ok", email: "ok@example.test", country: "US" },
        { name: "", email: "nope", country: "US" },
        { name: "Far", email: "far@example.test", country: "JP" },
        { name: "Nowhere", email: "n@example.test" },
        { name: "Late", email: "late@example.test", country: "US", sendAt: "2001-01-01T00:00:00Z" },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const body = (await res.json()) as { code: string; rows: Array<{ row: number; field: string; code: string }> };
    expect(body.code).toBe("invalid_recipients");
    expect(body.rows.map((r) => [r.row, r.field, r.code])).toEqual([
      [2, "name", "required"],
      [2, "email", "invalid_field"],
      [3, "country", "country_not_shipped"],
      [4, "country", "country_required"],
      [5, "sendAt", "send_at_past"],
    ]);
  });

  it("uses the brand's '*' rate for recipients whose country is not known yet", async () => {
    await t.deps.db.prisma.shippingRule.create({ data: { vendorId: s.vendorId, country: "*", rateAmount: 2000, currency: "USD" } });
    const res = await quote({ offerId: s.mugOfferId, recipients: [{ name: "A", email: "a@example.test" }, { name: "B", email: "b@example.test", country: "JP" }] });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { shippingAmount: number }).shippingAmount).toBe(4000);
    await t.deps.db.prisma.shippingRule.deleteMany({ where: { vendorId: s.vendorId, country: "*" } });
  });

  it("refuses offers of another storefront and unknown storefronts", async () => {
    const other = await seedVendor(t.deps.db);
    const res = await quote({ offerId: other.mugOfferId, recipients: [{ name: "A", email: "a@example.test", country: "US" }] });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { rows: Array<{ code: string }> }).rows[0]!.code).toBe("offer_unavailable");
    expect((await quote({ offerId: s.mugOfferId, recipients: [{ name: "A", email: "a@x.test" }] }, "no-such-shop")).status).toBe(404);
  });

  it("accepts 10,000 recipients and refuses 10,001", async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `R${i}`, email: `r${i}@example.test`, country: "US" }));
    await t.deps.db.prisma.variant.update({ where: { id: s.variants["mug:default"]! }, data: { inventoryTracked: false } }); // unlimited
    const ok = await quote({ offerId: s.mugOfferId, recipients: many(10_000) });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { totalAmount: number }).totalAmount).toBe(10_000 * 3800);
    expect((await quote({ offerId: s.mugOfferId, recipients: many(10_001) })).status).toBe(422);
  });
});
