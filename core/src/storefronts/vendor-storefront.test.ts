/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are read as loose JSON in assertions */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, testApp, type TestApp } from "../http/testing.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";

let t: TestApp;
let s: Seeded;
let token: string;
beforeAll(async () => {
  t = await testApp();
  s = await seedVendor(t.deps.db);
  token = await t.vendorToken(`${s.storefrontSlug}.myshopify.com`);
});
afterAll(async () => {
  await t?.close();
});

const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const raw = body instanceof Uint8Array;
  const res = await t.app.request(`/v1/vendor${path}`, {
    method,
    headers: bearer(token, body === undefined ? headers : { "content-type": raw ? "image/png" : "application/json", ...headers }),
    ...(body === undefined ? {} : { body: raw ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, any> };
};

// A 1x1 PNG.
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cfc0f01f0005000201ff3f5fd10000000049454e44ae426082",
  "hex",
);

describe("vendor storefront API", () => {
  it("brands the storefront, chooses its offers and prices, and the public view follows", async () => {
    const saved = await send("PUT", "/storefront", {
      name: "Northwind for Teams",
      slug: s.storefrontSlug,
      primaryColor: "#112233",
      accentColor: "#AA5500",
      welcomeText: "Gifts your team will keep.",
      offers: [{ offerId: s.choiceOfferId, priceOverrideAmount: 5900 }],
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ accentColor: "#aa5500", offers: [{ offerId: s.choiceOfferId, position: 0, priceOverrideAmount: 5900 }] });
    const pub = (await (await t.app.request(`/v1/storefronts/${s.storefrontSlug}`)).json()) as Record<string, any>;
    expect(pub).toMatchObject({ name: "Northwind for Teams", primaryColor: "#112233", welcomeText: "Gifts your team will keep." });
    expect(pub.offers.map((o: { id: string; price: { amount: number } }) => [o.id, o.price.amount])).toEqual([[s.choiceOfferId, 5900]]);
  });

  it("stores a logo in file storage and serves it publicly; refuses what is not an image", async () => {
    expect((await send("PUT", "/storefront/logo", PNG)).status).toBe(204);
    const res = await t.app.request(`/v1/storefronts/${s.storefrontSlug}/logo`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await send("GET", "/storefront")).body.hasLogo).toBe(true);

    const fake = await send("PUT", "/storefront/logo", new Uint8Array(Buffer.from("<svg onload=alert(1)>")));
    expect(fake).toMatchObject({ status: 422, body: { code: "logo_not_an_image" } });
    const svg = await send("PUT", "/storefront/logo", new Uint8Array(Buffer.from("<svg/>")), { "content-type": "image/svg+xml" });
    expect(svg.status).toBe(415);

    // Up to 2 MB passes the request size limit (larger than the API's default); more is refused.
    const big = Buffer.concat([PNG, Buffer.alloc(1_500_000)]);
    expect((await send("PUT", "/storefront/logo", new Uint8Array(big))).status).toBe(204);
    const huge = await send("PUT", "/storefront/logo", new Uint8Array(Buffer.concat([PNG, Buffer.alloc(2_200_000)])));
    expect(huge).toMatchObject({ status: 413, body: { code: "logo_too_large" } });
  });

  it("refuses another brand's offers, a taken address and bad colours", async () => {
    const other = await seedVendor(t.deps.db);
    const base = { name: "X", slug: s.storefrontSlug, primaryColor: "#000000", accentColor: "#ffffff" };
    const foreign = await send("PUT", "/storefront", { ...base, offers: [{ offerId: other.mugOfferId }] });
    expect(foreign).toMatchObject({ status: 422, body: { code: "invalid_storefront", errors: [{ code: "unknown_offer" }] } });
    const taken = await send("PUT", "/storefront", { ...base, slug: other.storefrontSlug });
    expect(taken).toMatchObject({ status: 409, body: { code: "slug_taken" } });
    expect((await send("PUT", "/storefront", { ...base, primaryColor: "red" })).status).toBe(422);
    expect((await send("GET", "/storefront")).body.name).toBe("Northwind for Teams");
  });

  it("replaces shipping rules in the brand's currency; quotes use them", async () => {
    const saved = await send("PUT", "/shipping-rules", { rules: [{ country: "us", rateAmount: 500 }, { country: "*", rateAmount: 2500 }] });
    expect(saved.body.items).toEqual([
      { country: "*", rateAmount: 2500, currency: "USD" },
      { country: "US", rateAmount: 500, currency: "USD" },
    ]);
    const dup = await send("PUT", "/shipping-rules", { rules: [{ country: "US", rateAmount: 1 }, { country: "US", rateAmount: 2 }] });
    expect(dup).toMatchObject({ status: 422, body: { code: "invalid_shipping_rules" } });
    expect((await send("PUT", "/shipping-rules", { rules: [{ country: "USA", rateAmount: 1 }] })).status).toBe(422);
    expect((await send("PUT", "/shipping-rules", { rules: [{ country: "US", rateAmount: -1 }] })).status).toBe(422);
    expect((await send("GET", "/shipping-rules")).body.items).toHaveLength(2);
  });
});
