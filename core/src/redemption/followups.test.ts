import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifyStandIn, type ShopifyStandIn } from "@giftloop/sandbox/shopify/server";
import type { SentEmail } from "../integrations/email/email.ts";
import { uninstallShopifySandboxRouting } from "../integrations/shopify/sandbox-routing.ts";
import { startWorker } from "../jobs/create-queue.ts";
import { once } from "../jobs/run-handler.ts";
import { waitUntil } from "../jobs/testing/harness.ts";
import { testApp, type TestApp } from "../http/testing.ts";
import { createBuyerOrg } from "../buyers/buyers.service.ts";
import { asPlatform } from "../testing/deps.ts";
import { pushUnitOrder } from "../fulfillment/push/push-order.ts";
import { unitTag } from "../fulfillment/push/push.graphql.ts";
import { installShop, mirrorSeedInStandIn, paidUnits } from "../fulfillment/push/testing.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { openCode } from "./codes/codes.ts";

/**
 * What a recipient can do after redeeming, over HTTP: correct the address until the gift is
 * being ordered from the brand (and not a moment after: the push's mark and the correction
 * serialize on the unit), and send the sender a thank-you note that the buyer gets by email
 * and sees on the order. The order push runs against the Shopify stand-in, no worker in the
 * background unless a test starts one, so each test decides when the push happens.
 */
const SHOP = "followups.myshopify.com";
let standIn: ShopifyStandIn;
let t: TestApp;
let s: Seeded;
let b: { buyerOrgId: string; apiKeyId: string; key: string };

beforeAll(async () => {
  standIn = await startShopifyStandIn({ throttle: false, demoShop: false, shops: [{ domain: SHOP, products: 0 }] });
  t = await testApp({ env: { SHOPIFY_SANDBOX_URL: standIn.url, SHOPIFY_API_SECRET: standIn.apiSecret, JOB_POLL_INTERVAL_MS: "10" } });
  await installShop(t.deps, standIn, SHOP);
  s = await seedVendor(t.deps.db, { shop: SHOP });
  await mirrorSeedInStandIn(t.deps, standIn, SHOP, s);
  const org = await createBuyerOrg(asPlatform(t.deps), { name: "Initech", email: "gifts@initech.test" });
  b = { buyerOrgId: org.id, apiKeyId: org.apiKey.id, key: org.apiKey.key };
}, 60_000);
afterAll(async () => {
  await t?.close();
  await standIn?.close();
  await uninstallShopifySandboxRouting();
});

const json = { "content-type": "application/json" };
const first = { name: "Ada Lovelace", line1: "1 Main St", city: "Springfield", region: "IL", postalCode: "62701", country: "US" };
const corrected = { name: "Ada Lovelace", line1: "500 Lake Shore Dr", line2: "Apt 12", city: "Chicago", region: "IL", postalCode: "60611", country: "US" };

async function recipient(tag: string) {
  const [id] = await paidUnits(t.deps, b, s, s.mugOfferId, 1, tag);
  const unit = await t.deps.db.prisma.fulfillmentUnit.findUniqueOrThrow({ where: { id: id! } });
  const code = await openCode(t.deps.secrets, unit.codeSealed, unit.id);
  const res = await t.app.request("/v1/redeem/session", { method: "POST", headers: json, body: JSON.stringify({ code }) });
  const { token } = (await res.json()) as { token: string };
  const auth = { ...json, authorization: `Bearer ${token}` };
  return {
    id: id!,
    orderId: unit.orderId,
    redeem: () => t.app.request("/v1/redeem/gift/redeem", { method: "POST", headers: auth, body: JSON.stringify({ variantId: s.variants["mug:default"], address: first }) }),
    correct: (address: object) => t.app.request("/v1/redeem/gift/address", { method: "PUT", headers: auth, body: JSON.stringify({ address }) }),
    thank: (message: string) => t.app.request("/v1/redeem/gift/thank-you", { method: "POST", headers: auth, body: JSON.stringify({ message }) }),
  };
}

const push = (id: string, at?: (p: string) => Promise<void>) =>
  pushUnitOrder(t.deps, id, { log: t.deps.log, once: (effect, k) => once(t.deps, k, effect), ...(at ? { at } : {}) });
const shopOrder = (id: string) => standIn.orders(SHOP).find((o) => o.tags.includes(unitTag(id)));
type Gift = { redemption: { addressEditable: boolean; shippingAddress: Record<string, string>; thankYou: { message: string; sentAt: string } | null } };

describe("address correction", () => {
  it("before the gift is ordered from the brand: corrected, and the brand's order carries the new address", async () => {
    const r = await recipient("c1");
    expect((await r.correct(corrected)).status).toBe(409); // nothing to correct before redeeming
    const redeemed = (await (await r.redeem()).json()) as Gift;
    expect(redeemed.redemption.addressEditable).toBe(true);
    const res = await r.correct(corrected);
    expect(res.status).toBe(200);
    const gift = (await res.json()) as Gift;
    expect(gift.redemption.shippingAddress).toEqual(corrected);
    expect(gift.redemption.addressEditable).toBe(true);
    expect((await push(r.id)).kind).toBe("pushed");
    expect(shopOrder(r.id)?.shippingAddress).toMatchObject({ address1: "500 Lake Shore Dr", address2: "Apt 12", city: "Chicago", zip: "60611" });
  });

  it("once the push has started: refused with a clear 409, and the brand's order carries the address it read", async () => {
    const r = await recipient("c2");
    await r.redeem();
    let refused: { status: number; body: { code: string; detail: string } } | undefined;
    // The recipient corrects while the push is between its mark and Shopify's answer.
    await push(r.id, async (point) => {
      if (point !== "looked_up" || refused) return;
      const res = await r.correct(corrected);
      refused = { status: res.status, body: (await res.json()) as { code: string; detail: string } };
    });
    expect(refused?.status).toBe(409);
    expect(refused?.body.code).toBe("already_ordered");
    expect(refused?.body.detail).toMatch(/already been ordered from the brand/);
    expect(shopOrder(r.id)?.shippingAddress).toMatchObject({ address1: "1 Main St", zip: "62701" });
    const unit = await t.deps.db.prisma.fulfillmentUnit.findUniqueOrThrow({ where: { id: r.id } });
    expect(unit.shippingAddress).toMatchObject({ line1: "1 Main St" });
    // And afterwards the page no longer offers it.
    expect((await r.correct(corrected)).status).toBe(409);
  });

  it("many corrections racing one push: whatever wins, the brand's order has the address the unit keeps", async () => {
    const r = await recipient("c3");
    await r.redeem();
    const addresses = Array.from({ length: 8 }, (_, i) => ({ ...corrected, line1: `${100 + i} Lake Shore Dr` }));
    const [results] = await Promise.all([Promise.all(addresses.map(async (a) => (await r.correct(a)).status)), push(r.id)]);
    expect(results.every((st: number) => st === 200 || st === 409)).toBe(true);
    const unit = await t.deps.db.prisma.fulfillmentUnit.findUniqueOrThrow({ where: { id: r.id } });
    expect(shopOrder(r.id)?.shippingAddress?.address1).toBe((unit.shippingAddress as { line1: string }).line1);
  });

  it("after Shopify refused the order, a correction clears the refusal and the gift is ordered again", async () => {
    const r = await recipient("c4");
    await r.redeem();
    const variant = await t.deps.db.prisma.variant.findUniqueOrThrow({ where: { id: s.variants["mug:default"]! } });
    const sv = standIn.products(SHOP).flatMap((p) => p.variants).find((v) => v.id === Number(variant.shopifyId.split("/").pop()))!;
    standIn.setInventory(SHOP, sv.inventoryItemId, 0);
    await expect(push(r.id)).rejects.toThrow(/Shopify refused the order/);
    standIn.setInventory(SHOP, sv.inventoryItemId, 1000);
    expect(((await (await t.app.request("/v1/redeem/gift", { headers: { authorization: (await tokenHeader(r.id)) } })).json()) as Gift).redemption.addressEditable).toBe(true);
    expect((await r.correct(corrected)).status).toBe(200);
    expect((await t.deps.db.prisma.fulfillmentUnit.findUniqueOrThrow({ where: { id: r.id } })).pushError).toBeNull();
    const worker = startWorker(t.deps);
    try {
      await waitUntil(async () => (await t.deps.db.prisma.fulfillmentUnit.findUniqueOrThrow({ where: { id: r.id } })).status === "pushed");
    } finally {
      await worker.stop();
    }
    expect(shopOrder(r.id)?.shippingAddress).toMatchObject({ address1: "500 Lake Shore Dr" });
  });

  it("checks the corrected address as the redemption does: every field, the region's postal codes, the country paid for", async () => {
    const r = await recipient("c5");
    await r.redeem();
    const bad = await r.correct({ ...corrected, region: "IN" });
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as { errors: Array<{ path: string; code: string }> };
    expect(body.errors).toEqual([expect.objectContaining({ path: "address.postalCode", code: "postal_code_not_in_region" })]);
    const abroad = await r.correct({ ...corrected, region: "ON", postalCode: "K1A 0B1", country: "CA" });
    expect(abroad.status).toBe(422); // shipping was paid to the US
    expect(((await abroad.json()) as { code: string }).code).toBe("country_not_shipped");
  });
});

async function tokenHeader(unitId: string): Promise<string> {
  const unit = await t.deps.db.prisma.fulfillmentUnit.findUniqueOrThrow({ where: { id: unitId } });
  const code = await openCode(t.deps.secrets, unit.codeSealed, unit.id);
  const res = await t.app.request("/v1/redeem/session", { method: "POST", headers: json, body: JSON.stringify({ code }) });
  return `Bearer ${((await res.json()) as { token: string }).token}`;
}

describe("thank-you note", () => {
  it("after redeeming, once: the buyer gets it by email (replies to the recipient) and sees it on the order", async () => {
    const r = await recipient("t1");
    const early = await r.thank("Thank you!");
    expect(early.status).toBe(409);
    expect(((await early.json()) as { code: string }).code).toBe("not_redeemed");
    await r.redeem();
    expect((await r.thank("   ")).status).toBe(422);
    expect((await r.thank("x".repeat(1001))).status).toBe(422);
    const res = await r.thank("Thank you so much, Maya!\nThe mug is perfect.");
    expect(res.status).toBe(200);
    const gift = (await res.json()) as Gift;
    expect(gift.redemption.thankYou).toEqual({ message: "Thank you so much, Maya!\nThe mug is perfect.", sentAt: expect.any(String) });
    const again = await r.thank("Thanks again");
    expect(again.status).toBe(409);
    expect(((await again.json()) as { code: string }).code).toBe("already_sent");

    const order = await t.app.request(`/v1/orders/${r.orderId}`, { headers: { authorization: `Bearer ${b.key}` } });
    const view = (await order.json()) as { recipients: Array<{ unit: { id: string; thankYou: { message: string } | null } }> };
    expect(view.recipients.find((x) => x.unit.id === r.id)?.unit.thankYou?.message).toBe("Thank you so much, Maya!\nThe mug is perfect.");

    const sent = (t.deps.email as unknown as { sent: SentEmail[] }).sent;
    const worker = startWorker(t.deps);
    try {
      await waitUntil(async () => sent.some((m) => m.idempotencyKey === `unit:${r.id}:thank-you`));
    } finally {
      await worker.stop();
    }
    const mail = sent.find((m) => m.idempotencyKey === `unit:${r.id}:thank-you`)!;
    expect(mail.to).toBe("gifts@initech.test");
    expect(mail.replyTo).toBe("t10@example.test");
    expect(mail.subject).toBe("Recipient t10 sent you a thank-you note");
    expect(mail.html).toContain("Thank you so much, Maya!<br>\nThe mug is perfect.");
    expect(mail.text).toContain("> The mug is perfect.");
    expect(sent.filter((m) => m.idempotencyKey === `unit:${r.id}:thank-you`)).toHaveLength(1);
  });
});
