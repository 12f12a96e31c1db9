/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are read as loose JSON in assertions */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, testApp, type TestApp } from "../http/testing.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";

let t: TestApp;
let s: Seeded;
let token: string;
const shop = () => `${s.storefrontSlug}.myshopify.com`;

beforeAll(async () => {
  t = await testApp();
  s = await seedVendor(t.deps.db);
  token = await t.vendorToken(shop());
});
afterAll(async () => {
  await t?.close();
});

const call = async (method: string, path: string, body?: unknown, tok = token) => {
  const res = await t.app.request(`/v1/vendor/offers${path}`, {
    method,
    headers: bearer(tok, body === undefined ? {} : { "content-type": "application/json" }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

const choiceOffer = () => ({
  name: "Cosy choice",
  kind: "choice",
  priceAmount: 7200,
  currency: "USD",
  expiryDays: 30,
  items: [{ productId: s.products.hoodie }, { productId: s.products.notebook, variantId: s.variants["notebook:Green"] }],
});

describe("vendor offers API (Shopify session token)", () => {
  it("creates a recipient's-choice offer, previews its choices, and shows it once published", async () => {
    const created = await call("POST", "", choiceOffer());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: "draft", kind: "choice", price: { amount: 7200, currency: "USD" }, version: 1 });
    expect(created.body.preview).toHaveLength(7); // 6 hoodie variants + the green notebook
    const published = await call("POST", `/${created.body.id}/status`, { status: "active", version: 1 });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ status: "active", version: 2 });
    const list = await call("GET", "");
    expect(list.body.items.map((o: { id: string }) => o.id)).toContain(created.body.id);
    const audit = await t.deps.db.prisma.auditLog.findMany({ where: { entityId: created.body.id }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["offer.created", "offer.active"]);
    expect(audit[0]!.actor).toBe(`shopify:${shop()}/42`);
  });

  it("defaults the expiry to the brand's setting", async () => {
    await t.deps.db.prisma.vendor.update({ where: { id: s.vendorId }, data: { defaultExpiryDays: 45 } });
    const { expiryDays: _e, ...input } = choiceOffer();
    const created = await call("POST", "", input);
    expect(created.body.expiryDays).toBe(45);
  });

  it("edits with an optimistic lock: a stale version gets 409 and changes nothing", async () => {
    const { body } = await call("POST", "", choiceOffer());
    const ok = await call("PATCH", `/${body.id}`, { version: 1, name: "Cosier choice", priceAmount: 7500 });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: "Cosier choice", price: { amount: 7500 }, version: 2 });
    const stale = await call("PATCH", `/${body.id}`, { version: 1, name: "Lost update" });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: "version_conflict", currentVersion: 2 });
    expect((await call("GET", `/${body.id}`)).body.name).toBe("Cosier choice");
  });

  it("pauses and resumes; a paused offer leaves the storefront at once", async () => {
    const paused = await call("POST", `/${s.mugOfferId}/status`, { status: "paused", version: 1 });
    expect(paused.status).toBe(200);
    const sf = (await (await t.app.request(`/v1/storefronts/${s.storefrontSlug}`)).json()) as { offers: Array<{ id: string }> };
    expect(sf.offers.map((o) => o.id)).not.toContain(s.mugOfferId);
    expect((await call("POST", `/${s.mugOfferId}/status`, { status: "active", version: 2 })).status).toBe(200);
    const archived = await call("POST", `/${s.mugOfferId}/status`, { status: "archived", version: 3 });
    expect(archived.status).toBe(200);
    const back = await call("POST", `/${s.mugOfferId}/status`, { status: "active", version: 4 });
    expect(back).toMatchObject({ status: 409, body: { code: "invalid_transition", from: "archived", to: "active" } });
  });

  it("rejects bad items, all at once, and writes nothing", async () => {
    const other = await seedVendor(t.deps.db);
    const before = await t.deps.db.prisma.giftOffer.count();
    const res = await call("POST", "", {
      ...choiceOffer(),
      items: [
        { productId: other.products.mug }, // another brand's product
        { productId: s.products.hoodie, variantId: s.variants["notebook:Black"] }, // variant of another product
        { productId: "00000000-0000-4000-8000-000000000000" },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("invalid_offer_items");
    expect(res.body.errors.map((e: { code: string; path: string }) => `${e.path}:${e.code}`)).toEqual([
      "items.0.productId:unknown_product",
      "items.1.variantId:unknown_variant",
      "items.2.productId:unknown_product",
    ]);
    expect(await t.deps.db.prisma.giftOffer.count()).toBe(before);
  });

  it("checks kind, currency, window, price and expiry", async () => {
    const single = await call("POST", "", { ...choiceOffer(), kind: "single" });
    expect(single.body.errors[0].code).toBe("single_needs_one_product");
    const lonely = await call("POST", "", { ...choiceOffer(), items: [{ productId: s.products.mug }] });
    expect(lonely.body.errors[0].code).toBe("choice_needs_two");
    const eur = await call("POST", "", { ...choiceOffer(), currency: "EUR" });
    expect(eur).toMatchObject({ status: 422, body: { code: "invalid_offer", errors: [{ code: "currency_mismatch" }] } });
    const window = await call("POST", "", { ...choiceOffer(), startsAt: "2027-02-01T00:00:00Z", endsAt: "2027-01-01T00:00:00Z" });
    expect(window.body.errors[0].code).toBe("window_ends_before_start");
    for (const priceAmount of [-1, 0, 1.5, 1e12]) {
      expect((await call("POST", "", { ...choiceOffer(), priceAmount })).status).toBe(422);
    }
    expect((await call("POST", "", { ...choiceOffer(), expiryDays: 0 })).status).toBe(422);
    await t.deps.db.prisma.product.update({ where: { id: s.products.notebook }, data: { giftable: false } });
    const notGiftable = await call("POST", "", choiceOffer());
    expect(notGiftable.body.errors[0].code).toBe("product_not_giftable");
    await t.deps.db.prisma.product.update({ where: { id: s.products.notebook }, data: { giftable: true } });
  });

  it("keeps brands apart and rejects bad session tokens", async () => {
    const other = await seedVendor(t.deps.db);
    const otherToken = await t.vendorToken(`${other.storefrontSlug}.myshopify.com`);
    expect((await call("GET", `/${s.choiceOfferId}`, undefined, otherToken)).status).toBe(404);
    expect((await call("PATCH", `/${s.choiceOfferId}`, { version: 1, name: "x" }, otherToken)).status).toBe(404);
    const mine = (await call("GET", "", undefined, otherToken)).body.items.map((o: { id: string }) => o.id);
    expect(mine).not.toContain(s.choiceOfferId);

    const bad = [
      await t.vendorToken(shop(), { aud: "another-app" }),
      await t.vendorToken(shop(), { exp: Math.floor(Date.now() / 1000) - 60 }),
      await t.vendorToken("evil.example.com"),
      (await t.vendorToken(shop())).slice(0, -2) + "xx",
    ];
    for (const tok of bad) {
      const res = await call("GET", "", undefined, tok);
      expect(res).toMatchObject({ status: 401, body: { code: "invalid_session_token" } });
    }
    const unknownShop = await call("GET", "", undefined, await t.vendorToken("nobody.myshopify.com"));
    expect(unknownShop).toMatchObject({ status: 403, body: { code: "app_not_installed" } });
    expect((await t.app.request("/v1/vendor/offers")).status).toBe(401);
  });
});
