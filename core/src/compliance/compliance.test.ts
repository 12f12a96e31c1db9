import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../http/app.ts";
import { bearer, mintTestSessionToken } from "../http/testing.ts";
import { testDeps, type TestDeps } from "../testing/deps.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { installVendor } from "../vendors/vendors.service.ts";
import { shopifyTopics } from "../webhooks/shopify-topics.ts";
import { postShopifyWebhook } from "../webhooks/testing.ts";
import { shopifyApiSecret } from "../http/vendor-auth.ts";
import { startWorker } from "../jobs/create-queue.ts";
import { waitUntil } from "../jobs/testing/harness.ts";
import type { Worker } from "../jobs/worker.ts";
import { dataRequestRoutes } from "./data-requests.routes.ts";
import { REDACTED_UNIT_FLAG } from "./customer-data.ts";
import { mentions, personMatch, scrubPerson } from "./pii-scrub.ts";
import { PUSH_PAUSED_FLAG, restoreAfterReinstall } from "./uninstall.ts";

/**
 * Uninstall and privacy topics against the real database (PGlite under `npm test`, a fresh
 * PostgreSQL database under `npm run test:stack`), delivered as Shopify delivers them: signed,
 * to the app's webhook route, then processed by the `shopify.webhook` job.
 */
let t: { app: App; vendorToken(shop: string): Promise<string> };
let deps: TestDeps;
let worker: Worker;

const shopOf = (s: Seeded) => `${s.storefrontSlug}.myshopify.com`;

/**
 * Posts a signed delivery (`payload` as JSON, or JSON text as it is) and waits for its job:
 * the error it failed with for good, or null once processed.
 */
async function deliver(topic: string, shop: string, payload: unknown, webhookId: string = randomUUID()): Promise<string | null> {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const res = await postShopifyWebhook(t.app, shopifyApiSecret(deps.config), { topic, shop, body, webhookId });
  expect(res.status).toBe(200);
  let error: string | null = null;
  await waitUntil(async () => {
    const e = await deps.db.prisma.webhookEvent.findFirst({ where: { provider: "shopify", externalId: webhookId } });
    error = e?.error ?? null;
    return Boolean(e && (e.processedAt || e.error));
  });
  return error;
}

type UnitSpec = { name: string; email: string; phone?: string; status: "sent" | "redeemed" | "pushed" | "shipped"; message?: string };

async function order(s: Seeded, units: UnitSpec[]) {
  const p = deps.db.prisma;
  const buyer = await p.buyerOrg.create({ data: { name: "Initech", email: "gifts@initech.test" } });
  const o = await p.giftOrder.create({
    data: { buyerOrgId: buyer.id, storefrontId: s.storefrontId, status: "paid", currency: "USD", itemsAmount: 3000 * units.length, shippingAmount: 800 * units.length, totalAmount: 3800 * units.length, recipientCount: units.length, paidAt: new Date() },
  });
  await p.refund.create({ data: { orderId: o.id, amount: 3800, currency: "USD", reason: "expired", idempotencyKey: `refund:${o.id}`, status: "succeeded" } });
  const ids: string[] = [];
  for (const [i, u] of units.entries()) {
    const rec = await p.orderRecipient.create({ data: { orderId: o.id, row: i + 1, offerId: s.mugOfferId, name: u.name, email: u.email, phone: u.phone ?? null, message: u.message ?? "Thanks!", amount: 3800, country: "US" } });
    const redeemed = u.status !== "sent";
    const unit = await p.fulfillmentUnit.create({
      data: {
        orderId: o.id, recipientId: rec.id, vendorId: s.vendorId, offerId: s.mugOfferId, status: u.status, amount: 3800, currency: "USD",
        recipientName: u.name, recipientEmail: u.email, recipientPhone: u.phone ?? null, message: u.message ?? "Thanks!",
        choices: [s.variants["mug:default"]!], codeHash: randomUUID(), codeSealed: "sealed", sendAt: new Date(), sentAt: new Date(),
        expiresAt: new Date(Date.now() + 86400_000), redeemedAt: redeemed ? new Date() : null, chosenVariantId: redeemed ? s.variants["mug:default"] : null,
        shippingAddress: redeemed ? { name: u.name, line1: "12 Elm St", city: "Springfield", region: "IL", postalCode: "62701", country: "US", phone: u.phone } : undefined,
        shopifyOrderId: u.status === "pushed" || u.status === "shipped" ? `gid://shopify/Order/${Math.floor(Math.random() * 1e9)}` : null,
      },
    });
    ids.push(unit.id);
  }
  return { orderId: o.id, unitIds: ids };
}

beforeAll(async () => {
  deps = await testDeps();
  const app = createApp(deps, { routes: [(a) => a.route("/v1/vendor/data-requests", dataRequestRoutes(deps))] });
  t = { app, vendorToken: (shop) => mintTestSessionToken(deps.config, shop) };
  worker = startWorker(deps);
});
afterAll(async () => {
  await worker?.stop();
  await deps?.close();
});

describe(`compliance topics (${process.env.TEST_PG_ADMIN_URL ? "postgres" : "pglite"})`, () => {
  it("are registered in the Shopify topic registry", () => {
    const topics = shopifyTopics().topics();
    for (const topic of ["app/uninstalled", "customers/data_request", "customers/redact", "shop/redact"]) expect(topics).toContain(topic);
  });

  it("scrubs a person out of JSON it cannot know the shape of, and leaves others alone", () => {
    const m = personMatch({ email: "Ann@Example.test", phone: "+1 (555) 010-2030" });
    const doc = { id: 7, total_price: "38.00", customer: { id: 99, email: "ann@example.test", first_name: "Ann" }, shipping_address: { address1: "1 Main", zip: "62701", latitude: 1.5 }, note_attributes: [{ name: "x", value: "call 555-010-2030" }] };
    const clean = scrubPerson(doc, m) as typeof doc;
    expect(clean.id).toBe(7);
    expect(clean.total_price).toBe("38.00");
    expect(clean.customer).toEqual({ id: 99, email: "[redacted]", first_name: "[redacted]" });
    expect(clean.shipping_address).toEqual({ address1: "[redacted]", zip: "[redacted]", latitude: null });
    expect(JSON.stringify(clean)).not.toMatch(/ann@|555-010/i);
    expect(scrubPerson({ email: "bob@example.test", id: 1552030 }, m)).toBeUndefined();
    expect(mentions({ a: "x" }, personMatch({}))).toBe(false);
  });

  it("app/uninstalled pauses offers, flags pending pushes, deletes sessions; a reinstall restores exactly that; repeats are harmless", async () => {
    const s = await seedVendor(deps.db);
    const shop = shopOf(s);
    const p = deps.db.prisma;
    await p.giftOffer.update({ where: { id: s.mugOfferId }, data: { status: "active" } });
    await p.giftOffer.update({ where: { id: s.choiceOfferId }, data: { status: "paused" } }); // paused by the brand
    await p.session.create({ data: { id: `offline_${shop}`, shop, state: "x", accessToken: "sealed" } });
    const { unitIds } = await order(s, [
      { name: "Ann", email: "ann@a.test", status: "redeemed" },
      { name: "Bo", email: "bo@a.test", status: "pushed" },
      { name: "Cy", email: "cy@a.test", status: "sent" },
    ]);

    await deliver("app/uninstalled", shop, { id: 1, domain: shop });
    await deliver("app/uninstalled", shop, { id: 1, domain: shop }); // a second delivery changes nothing more
    expect((await p.vendor.findUniqueOrThrow({ where: { id: s.vendorId } })).status).toBe("uninstalled");
    expect(await p.session.count({ where: { shop } })).toBe(0);
    expect((await p.giftOffer.findUniqueOrThrow({ where: { id: s.mugOfferId } })).status).toBe("paused");
    const flags = await p.fulfillmentUnit.findMany({ where: { id: { in: unitIds } }, orderBy: { recipientName: "asc" } });
    expect(flags.map((u) => u.operatorFlag)).toEqual([PUSH_PAUSED_FLAG, null, null]);
    expect(await p.auditLog.count({ where: { vendorId: s.vendorId, action: "compliance.uninstall_paused" } })).toBe(1);

    const reinstalled = await installVendor(deps, { shop });
    expect(reinstalled.outcome).toBe("reactivated");
    const r = await restoreAfterReinstall(deps, s.vendorId);
    expect(r.offersReactivated).toEqual([s.mugOfferId]);
    expect(r.unitsUnflagged).toEqual([unitIds[0]]);
    expect((await p.giftOffer.findUniqueOrThrow({ where: { id: s.choiceOfferId } })).status).toBe("paused"); // the brand's own pause stays
    expect(await restoreAfterReinstall(deps, s.vendorId)).toEqual({ offersReactivated: [], unitsUnflagged: [] });
    expect((await p.fulfillmentUnit.findUniqueOrThrow({ where: { id: unitIds[0] } })).operatorFlag).toBeNull();
  });

  it("an app/uninstalled delivery made twice (Shopify's retry, same webhook id) is recorded and processed once", async () => {
    const s = await seedVendor(deps.db);
    const shop = shopOf(s);
    const webhookId = `wh-${randomUUID()}`;
    expect(await deliver("app/uninstalled", shop, { domain: shop }, webhookId)).toBeNull();
    expect(await deliver("app/uninstalled", shop, { domain: shop }, webhookId)).toBeNull();
    expect(await deps.db.prisma.webhookEvent.count({ where: { externalId: webhookId } })).toBe(1);
    expect(await deps.db.prisma.job.count({ where: { idempotencyKey: `webhook:shopify:${webhookId}` } })).toBe(1);
    expect((await deps.db.prisma.vendor.findUniqueOrThrow({ where: { id: s.vendorId } })).status).toBe("uninstalled");
  });

  it("app/uninstalled for a shop that never installed only clears stray sessions", async () => {
    await deps.db.prisma.session.create({ data: { id: "offline_ghost.myshopify.com", shop: "ghost.myshopify.com", state: "x", accessToken: "sealed" } });
    await deliver("app/uninstalled", "ghost.myshopify.com", {});
    expect(await deps.db.prisma.session.count({ where: { shop: "ghost.myshopify.com" } })).toBe(0);
  });

  it("customers/data_request stores the customer's data as JSON the brand downloads; a repeat returns the same record; other shops get 404", async () => {
    const s = await seedVendor(deps.db);
    const other = await seedVendor(deps.db);
    const shop = shopOf(s);
    await order(s, [
      { name: "Dana Diaz", email: "Dana@Example.test", phone: "+1 555 010 4000", status: "redeemed", message: "Happy holidays, Dana" },
      { name: "Eli", email: "eli@example.test", status: "sent" },
    ]);
    await order(other, [{ name: "Dana at other brand", email: "dana@example.test", status: "redeemed" }]);
    const payload = { shop_id: 1, shop_domain: shop, orders_requested: [], customer: { id: 555, email: "dana@example.test", phone: "+15550104000" }, data_request: { id: 9001 } };
    await deliver("customers/data_request", shop, payload);
    await deliver("customers/data_request", shop, payload);
    const token = await t.vendorToken(shop);
    const list = await t.app.request("/v1/vendor/data-requests", { headers: bearer(token) });
    const items = ((await list.json()) as { items: Array<{ id: string; gifts: number; downloadUrl: string }> }).items;
    expect(items).toHaveLength(1);
    expect(items[0]!.gifts).toBe(1);
    const one = await t.app.request(`/v1/vendor/data-requests/${items[0]!.id}`, { headers: bearer(token) });
    expect(one.status).toBe(200);
    const url = new URL(((await one.json()) as { downloadUrl: string }).downloadUrl);
    const file = await t.app.request(url.pathname + url.search);
    expect(file.status).toBe(200);
    const report = (await file.json()) as { gifts: Array<{ recipientName: string; message: string; shippingAddress: { line1: string } }>; recipientRows: unknown[] };
    expect(report.gifts.map((g) => [g.recipientName, g.message, g.shippingAddress.line1])).toEqual([["Dana Diaz", "Happy holidays, Dana", "12 Elm St"]]);
    expect(report.recipientRows).toHaveLength(1);
    // The audit entry points at the file without holding the email.
    const audit = await deps.db.prisma.auditLog.findFirstOrThrow({ where: { vendorId: s.vendorId, entity: "data_request" } });
    expect(JSON.stringify(audit.data)).not.toMatch(/dana/i);
    const otherToken = await t.vendorToken(shopOf(other));
    expect((await t.app.request(`/v1/vendor/data-requests/${items[0]!.id}`, { headers: bearer(otherToken) })).status).toBe(404);
    expect((await t.app.request(`/v1/vendor/data-requests/not-a-uuid`, { headers: bearer(token) })).status).toBe(400);
  });

  it("customers/redact erases the customer's data everywhere in that shop, keeps money records, and is harmless twice or for strangers", async () => {
    const s = await seedVendor(deps.db);
    const other = await seedVendor(deps.db);
    const shop = shopOf(s);
    const p = deps.db.prisma;
    const mine = await order(s, [
      { name: "Fay Fox", email: "fay@example.test", phone: "+1 555 010 7000", status: "redeemed", message: "For Fay" },
      { name: "Fay (work)", email: "fay.work@corp.test", phone: "(555) 010-7000", status: "shipped" },
      { name: "Gus", email: "gus@example.test", status: "redeemed" },
    ]);
    const theirs = await order(other, [{ name: "Fay Fox", email: "fay@example.test", status: "redeemed" }]);
    await p.webhookEvent.create({ data: { provider: "shopify", externalId: randomUUID(), topic: "orders/create", shopDomain: shop, payload: { id: 1, total_price: "38.00", email: "fay@example.test", shipping_address: { first_name: "Fay", address1: "12 Elm St" } } } });
    await p.webhookEvent.create({ data: { provider: "shopify", externalId: randomUUID(), topic: "orders/create", shopDomain: shop, payload: { id: 2, email: "gus@example.test" } } });
    await p.job.create({ data: { type: "test.mail", payload: { to: "fay@example.test", name: "Fay Fox" }, idempotencyKey: randomUUID(), maxAttempts: 1 } });
    await deliver("customers/data_request", shop, { shop_domain: shop, customer: { id: 1, email: "fay@example.test" }, data_request: { id: 77 } });
    const dr = await p.auditLog.findFirstOrThrow({ where: { vendorId: s.vendorId, entity: "data_request" } });
    const drKey = (dr.data as { fileKey: string }).fileKey;
    expect(await deps.storage.exists(drKey)).toBe(true);

    const payload = { shop_id: 1, shop_domain: shop, customer: { id: 1, email: "fay@example.test", phone: "+15550107000" }, orders_to_redact: [] };
    await deliver("customers/redact", shop, payload);
    await deliver("customers/redact", shop, payload);

    const units = await p.fulfillmentUnit.findMany({ where: { id: { in: mine.unitIds } }, orderBy: { createdAt: "asc" } });
    for (const u of units.slice(0, 2)) {
      expect(u.recipientName).toBe("[redacted]");
      expect(u.recipientEmail).toBe(`redacted+${u.id}@redacted.invalid`);
      expect([u.recipientPhone, u.message, u.shippingAddress]).toEqual([null, null, null]);
      expect(u.amount).toBe(3800);
    }
    expect(units[0]!.operatorFlag).toBe(REDACTED_UNIT_FLAG); // redeemed, not pushed: cannot ship any more
    expect(units[1]!.shopifyOrderId).toMatch(/^gid:/); // the order in Shopify stays referenced
    expect(units[2]!.recipientName).toBe("Gus");
    const recips = await p.orderRecipient.findMany({ where: { orderId: mine.orderId }, orderBy: { row: "asc" } });
    expect(recips.map((r) => r.name)).toEqual(["[redacted]", "[redacted]", "Gus"]);
    expect(recips.every((r) => r.amount === 3800)).toBe(true);
    expect(await p.refund.count({ where: { orderId: mine.orderId } })).toBe(1);
    expect((await p.giftOrder.findUniqueOrThrow({ where: { id: mine.orderId } })).totalAmount).toBe(3 * 3800);
    // Another brand's gift to the same person is that brand's business (its own customers/redact).
    expect((await p.fulfillmentUnit.findUniqueOrThrow({ where: { id: theirs.unitIds[0] } })).recipientName).toBe("Fay Fox");
    const events = await p.webhookEvent.findMany({ where: { shopDomain: shop } });
    const text = JSON.stringify(events.map((e) => e.payload));
    expect(text).not.toMatch(/fay@example|12 Elm|"Fay"/);
    expect(text).toContain("gus@example.test");
    const job = await p.job.findFirstOrThrow({ where: { type: "test.mail" } });
    expect(job.payload).toEqual({ to: "[redacted]", name: "[redacted]" });
    expect(await deps.storage.exists(drKey)).toBe(false);

    // The customer's Shopify orders count too: a gift pushed under another address of theirs.
    const byOrder = await order(s, [{ name: "Fay at home", email: "fay.home@example.test", status: "pushed" }]);
    const pushedOrder = (await p.fulfillmentUnit.findUniqueOrThrow({ where: { id: byOrder.unitIds[0] } })).shopifyOrderId!;
    await deliver("customers/redact", shop, { shop_domain: shop, customer: { id: 1 }, orders_to_redact: [Number(pushedOrder.split("/").pop())] });
    expect((await p.fulfillmentUnit.findUniqueOrThrow({ where: { id: byOrder.unitIds[0] } })).recipientName).toBe("[redacted]");
    expect((await p.orderRecipient.findFirstOrThrow({ where: { orderId: byOrder.orderId } })).name).toBe("[redacted]");

    // Unknown customer and unknown shop: processed, nothing changes. A payload without a shop or
    // customer, or about another shop than the signed one, fails at once with its reason.
    const before = await p.fulfillmentUnit.findMany({ orderBy: { id: "asc" } });
    expect(await deliver("customers/redact", shop, { shop_domain: shop, customer: { id: 2, email: "nobody@example.test" } })).toBeNull();
    const unknown = "unknown-shop.myshopify.com";
    expect(await deliver("customers/redact", unknown, { shop_domain: unknown, customer: { email: "gus@example.test" } })).toBeNull();
    expect(await deliver("customers/data_request", unknown, { shop_domain: unknown, customer: { email: "gus@example.test" }, data_request: { id: 5 } })).toBeNull();
    expect(await deliver("customers/redact", shop, {})).toMatch(/does not match topic customers\/redact: shop_domain: .*; customer: /);
    expect(await deliver("customers/redact", shop, { shop_domain: "someone-else.myshopify.com", customer: { email: "gus@example.test" } })).toMatch(
      /names shop someone-else\.myshopify\.com/,
    );
    expect(await p.fulfillmentUnit.findMany({ orderBy: { id: "asc" } })).toEqual(before);
  });

  it("customers/redact reads and keeps Shopify's 18-digit ids: the order named redacts its gift, and scrubbed documents keep every digit", async () => {
    const s = await seedVendor(deps.db);
    const shop = shopOf(s);
    const p = deps.db.prisma;
    const { unitIds } = await order(s, [{ name: "Kim", email: "kim.home@example.test", status: "pushed" }]);
    await p.fulfillmentUnit.update({ where: { id: unitIds[0] }, data: { shopifyOrderId: "gid://shopify/Order/820982911946154508" } });
    // A stored event about Kim, with ids past 2^53 (written as text: a JS object would round them).
    const eventId = randomUUID();
    await deps.db.sql.execute(
      `INSERT INTO webhook_event (id, provider, external_id, topic, shop_domain, payload) VALUES ($1::uuid, 'shopify', $2, 'orders/create', $3, $4::jsonb)`,
      [eventId, randomUUID(), shop, '{"id": 820982911946154508, "email": "kim@example.test", "customer": {"id": 207119551000000001, "first_name": "Kim"}, "total_price": "38.00"}'],
    );
    const body = { shop_domain: shop, customer: { id: 1, email: "kim@example.test" }, orders_to_redact: ["820982911946154508"] };
    // Sent with the order id as a JSON number, as Shopify does.
    const error = await deliver("customers/redact", shop, JSON.stringify(body).replace('"820982911946154508"', "820982911946154508"));
    expect(error).toBeNull();
    expect((await p.fulfillmentUnit.findUniqueOrThrow({ where: { id: unitIds[0] } })).recipientName).toBe("[redacted]");
    const [scrubbed] = await deps.db.sql.query<{ doc: string }>("SELECT payload::text AS doc FROM webhook_event WHERE id = $1::uuid", [eventId]);
    expect(scrubbed!.doc).toContain("820982911946154508");
    expect(scrubbed!.doc).toContain("207119551000000001");
    expect(scrubbed!.doc).toContain('"38.00"');
    expect(scrubbed!.doc).not.toMatch(/kim/i);
  });

  it("shop/redact erases the shop's data and keeps anonymous money records; not while installed; twice is harmless", async () => {
    const s = await seedVendor(deps.db);
    const shop = shopOf(s);
    const p = deps.db.prisma;
    const { orderId, unitIds } = await order(s, [{ name: "Hal", email: "hal@example.test", phone: "+1 555 010 9000", status: "shipped" }]);
    await p.session.create({ data: { id: `offline_${shop}`, shop, state: "x", accessToken: "sealed" } });
    await p.job.create({ data: { type: "test.mail", payload: { to: "HAL@example.test", order: 5 }, idempotencyKey: randomUUID(), maxAttempts: 1 } });
    await p.job.create({ data: { type: "test.mail", payload: { to: "someone.else@example.test" }, idempotencyKey: randomUUID(), maxAttempts: 1 } });
    await deliver("shop/redact", shop, { shop_id: 1, shop_domain: shop });
    expect(await p.product.count({ where: { vendorId: s.vendorId } })).toBeGreaterThan(0); // still installed: skipped

    await deliver("app/uninstalled", shop, {});
    await deliver("shop/redact", shop, { shop_id: 1, shop_domain: shop });
    await deliver("shop/redact", shop, { shop_id: 1, shop_domain: shop });
    expect(await p.product.count({ where: { vendorId: s.vendorId } })).toBe(0);
    expect(await p.variant.count({ where: { vendorId: s.vendorId } })).toBe(0);
    expect(await p.giftOffer.count({ where: { vendorId: s.vendorId } })).toBe(0);
    expect(await p.storefront.count({ where: { vendorId: s.vendorId } })).toBe(0);
    expect(await p.shippingRule.count({ where: { vendorId: s.vendorId } })).toBe(0);
    expect(await p.session.count({ where: { shop } })).toBe(0);
    const unit = await p.fulfillmentUnit.findUniqueOrThrow({ where: { id: unitIds[0] } });
    expect([unit.recipientName, unit.recipientPhone, unit.shippingAddress, unit.amount, unit.status]).toEqual(["[redacted]", null, null, 3800, "shipped"]);
    expect((await p.orderRecipient.findFirstOrThrow({ where: { orderId } })).email).toMatch(/@redacted\.invalid$/);
    expect(await p.refund.count({ where: { orderId } })).toBe(1);
    const v = await p.vendor.findUniqueOrThrow({ where: { id: s.vendorId } });
    expect([v.name, v.email, v.status]).toEqual(["[redacted]", null, "uninstalled"]);
    const payloads = (await p.job.findMany({ where: { type: "test.mail" } })).map((j) => JSON.stringify(j.payload));
    expect(payloads).toContain(JSON.stringify({ to: "[redacted]", order: 5 }));
    expect(payloads).toContain(JSON.stringify({ to: "someone.else@example.test" }));
    expect(await deliver("shop/redact", "never-installed.myshopify.com", { shop_domain: "never-installed.myshopify.com" })).toBeNull();
  });
});
