import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBuyerOrg } from "../buyers/buyers.service.ts";
import { asPlatform } from "../testing/deps.ts";
import { bearer, testApp, type TestApp } from "../http/testing.ts";
import { createOrder } from "../orders/create-order.ts";
import { splitOrder } from "../orders/split-order.ts";
import { mintRecipientToken } from "../redemption/recipient-token.ts";
import { seedVendor } from "../testing/seed.ts";
import { asBuyer } from "../testing/buyer.ts";

/**
 * Tenancy, structurally: every documented operation is called with tenant B's credentials
 * (buyer API key, recipient token, or brand B's Shopify session token for the vendor API) and
 * tenant A's ids. Operations that take an id must answer 401/403/404; operations that list
 * must show nothing of A's.
 */
interface Tenant {
  key: string;
  keyId: string;
  orderId: string;
  unitId: string;
  recipientToken: string;
  emails: string[];
}

let t: TestApp;
let a: Tenant;
let b: Tenant;
/** Brand A's vendor-scoped ids, and brand B's session token. */
let brandA: { offerIds: string[]; productIds: string[]; vendorId: string };
let brandBToken: string;

async function tenant(name: string, slug: string, offerId: string): Promise<Tenant> {
  const org = await createBuyerOrg(asPlatform(t.deps), { name, email: `${name}@buyer.test` });
  const emails = [`${name}-one@example.test`, `${name}-two@example.test`];
  const created = await createOrder(asBuyer(t.deps, { buyerOrgId: org.id, apiKeyId: org.apiKey.id }), t.deps, {
    storefront: slug,
    offerId,
    recipients: emails.map((email) => ({ name: `${name} recipient`, email, country: "US" })),
  });
  if (!created.ok) throw new Error("order");
  const pi = `pi_tenancy_${name}`;
  await t.deps.db.prisma.giftOrder.update({ where: { id: created.orderId }, data: { stripePaymentIntentId: pi } });
  await splitOrder(t.deps, { paymentIntentId: pi, amount: created.quote.totalAmount, currency: "usd" });
  const unit = await t.deps.db.prisma.fulfillmentUnit.findFirstOrThrow({ where: { orderId: created.orderId } });
  return {
    key: org.apiKey.key,
    keyId: org.apiKey.id,
    orderId: created.orderId,
    unitId: unit.id,
    recipientToken: await mintRecipientToken(t.deps.config, unit.id),
    emails,
  };
}

beforeAll(async () => {
  t = await testApp();
  const s = await seedVendor(t.deps.db);
  a = await tenant("alpha", s.storefrontSlug, s.mugOfferId);
  b = await tenant("bravo", s.storefrontSlug, s.mugOfferId);
  brandA = { offerIds: [s.mugOfferId, s.choiceOfferId], productIds: Object.values(s.products), vendorId: s.vendorId };
  await t.deps.db.prisma.fulfillmentUnit.update({ where: { id: a.unitId }, data: { shopifyOrderId: "gid://shopify/Order/4242001" } });
  await t.deps.db.prisma.product.update({ where: { id: s.products.mug! }, data: { shopifyId: "gid://shopify/Product/777001" } });
  const other = await seedVendor(t.deps.db);
  brandBToken = await t.vendorToken(`${other.storefrontSlug}.myshopify.com`);
});
afterAll(async () => {
  await t?.close();
});

/** Well-formed bodies where `{}` would fail validation before the tenancy check is reached. */
const validBody: Record<string, unknown> = {
  "PATCH /v1/vendor/offers/{id}": { version: 1, name: "Taken over" },
  "POST /v1/vendor/offers/{id}/status": { status: "paused", version: 1 },
  "POST /v1/buyer/orders/{id}/sandbox-payment": { number: "4242424242424242", expMonth: 12, expYear: 2034, cvc: "123", expectedAmount: 100 },
  "POST /v1/buyer/orders/{id}/units/{unitId}/email": { email: "taken@over.test" },
  "PATCH /v1/buyer/members/{id}": { role: "owner" },
};

describe("tenancy", () => {
  it("no operation gives tenant B anything of tenant A's", async () => {
    const doc = (await (await t.app.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { security?: Array<Record<string, unknown>> }>>;
    };
    const idFor: Record<string, string> = { id: a.orderId, unitId: a.unitId, slug: "northwind-demo" };
    let checked = 0;
    for (const [template, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const schemes = (op.security ?? []).flatMap((s) => Object.keys(s));
        if (schemes.includes("operatorToken")) continue; // platform operators see every tenant by design
        const vendorApi = schemes.includes("shopifySessionToken");
        const credentials = vendorApi ? brandBToken : schemes.includes("recipientToken") ? b.recipientToken : b.key;
        const path = template
          .replace("/v1/buyer/api-keys/{id}", `/v1/buyer/api-keys/${a.keyId}`)
          .replace(/\{(\w+)\}/g, (_, name: string) =>
            vendorApi
              ? /by-shopify-order/.test(template)
                ? "4242001" // the Shopify order behind brand A's gift
                : /product/.test(template)
                  ? "777001" // brand A's product, as Shopify numbers it
                  : brandA.offerIds[1]!
              : (idFor[name] ?? a.orderId),
          );
        const hasIds = /\{/.test(template) && !template.includes("{slug}");
        const res = await t.app.request(path, {
          method: method.toUpperCase(),
          headers: bearer(credentials, { "content-type": "application/json" }),
          ...(method === "get" ? {} : { body: JSON.stringify(validBody[`${method.toUpperCase()} ${template}`] ?? {}) }),
        });
        let text = await res.text();
        // A problem's `instance` echoes the path the caller sent; that is not A's data.
        if (res.headers.get("content-type")?.includes("problem+json")) {
          const { instance: _instance, ...rest } = JSON.parse(text) as Record<string, unknown>;
          text = JSON.stringify(rest);
        }
        if (hasIds) expect([401, 403, 404], `${method.toUpperCase()} ${path} -> ${res.status}`).toContain(res.status);
        for (const leak of [a.orderId, a.unitId, a.keyId, ...a.emails, ...brandA.offerIds, brandA.vendorId]) {
          expect(text.includes(leak), `${method.toUpperCase()} ${path} leaks ${leak}`).toBe(false);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
    // Nothing of brand A's changed through the vendor API.
    const offers = await t.deps.db.prisma.giftOffer.findMany({ where: { id: { in: brandA.offerIds } } });
    expect(offers.map((o) => [o.status, o.version])).toEqual([["active", 1], ["active", 1]]);
    expect((await t.deps.db.prisma.product.findFirstOrThrow({ where: { shopifyId: "gid://shopify/Product/777001" } })).giftable).toBe(true);
    // Nothing of A's changed.
    const unit = await t.deps.db.prisma.fulfillmentUnit.findUniqueOrThrow({ where: { id: a.unitId } });
    expect(unit.status).toBe("issued");
    expect((await t.deps.db.prisma.buyerApiKey.findUniqueOrThrow({ where: { id: a.keyId } })).revokedAt).toBeNull();
  });

  it("a recipient token sees its own unit only", async () => {
    const res = await t.app.request("/v1/redeem/gift", { headers: bearer(b.recipientToken) });
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const leak of [a.unitId, ...a.emails, "alpha recipient"]) expect(text).not.toContain(leak);
    expect(text).toContain("bravo recipient");
  });
});
