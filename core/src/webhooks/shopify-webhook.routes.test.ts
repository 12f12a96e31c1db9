import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buyer, paidUnits, testAddress } from "../fulfillment/push/testing.ts";
import { testApp, type TestApp } from "../http/testing.ts";
import { startWorker } from "../jobs/create-queue.ts";
import { listDeadLetters } from "../jobs/dead-letters.ts";
import { waitUntil } from "../jobs/testing/harness.ts";
import type { Worker } from "../jobs/worker.ts";
import { redeemUnit } from "../redemption/redeem.ts";
import { recipientContext } from "../redemption/recipient-context.ts";
import { asPlatform } from "../testing/deps.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { shopifyTopics } from "./shopify-topics.ts";
import { shopifyPayloadSchemas } from "./shopify-payloads.ts";
import { postShopifyWebhook, shopifyHmac, type ShopifyDelivery } from "./testing.ts";

/**
 * Shopify's webhooks through the production route (`POST /webhooks/shopify` of `createApp`)
 * and the `shopify.webhook` job, on the real database (PGlite under `npm test`, PostgreSQL
 * under `npm run test:stack`). The bodies in fixtures/ are Shopify's documented example
 * payloads for their topics, with Shopify's own 18-digit example ids (past 2^53, where
 * `JSON.parse` rounds 788032119674292922 to 788032119674292900).
 */
const SECRET = "shopify-webhook-test-secret-0123456789abcdef";
const backend = process.env.TEST_PG_ADMIN_URL ? "postgres" : "pglite";

let t: TestApp;
let worker: Worker;
let s: Seeded;
let shop: string;

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8").replaceAll("{shop}.myshopify.com", shop);
const post = (d: ShopifyDelivery) => postShopifyWebhook(t.app, SECRET, d);
const events = (webhookId: string) => t.deps.db.prisma.webhookEvent.count({ where: { provider: "shopify", externalId: webhookId } });

/** Delivers through the route (200 expected) and waits for the job: the event as it ended. */
async function deliver(topic: string, body: string, webhookId: string = randomUUID()) {
  const res = await post({ topic, shop, body, webhookId });
  expect(res.status, await res.clone().text()).toBe(200);
  return settled(webhookId);
}

async function settled(webhookId: string) {
  let event: { processedAt: Date | null; error: string | null } | null = null;
  await waitUntil(async () => {
    event = await t.deps.db.prisma.webhookEvent.findFirst({ where: { provider: "shopify", externalId: webhookId } });
    return Boolean(event && (event.processedAt || event.error));
  });
  return event!;
}

beforeAll(async () => {
  t = await testApp({ env: { SHOPIFY_API_SECRET: SECRET, JOB_POLL_INTERVAL_MS: "10", LOG_LEVEL: "warn" } });
  s = await seedVendor(t.deps.db);
  shop = (await t.deps.db.prisma.vendor.findUniqueOrThrow({ where: { id: s.vendorId } })).shopDomain;
  worker = startWorker(t.deps);
});
afterAll(async () => {
  await worker?.stop();
  await t?.close();
});

describe(`POST /webhooks/shopify (${backend})`, () => {
  it("answers 401 for a missing or a wrong X-Shopify-Hmac-Sha256 on every topic, and records nothing", async () => {
    const topics = shopifyTopics().topics();
    expect(topics).toEqual(expect.arrayContaining(["customers/data_request", "customers/redact", "shop/redact", "app/uninstalled", "products/delete"]));
    for (const topic of topics) {
      const body = JSON.stringify({ id: 1, shop_domain: shop });
      const missing = await post({ topic, shop, body, webhookId: `no-hmac-${topic}`, headers: { "x-shopify-hmac-sha256": "" } });
      expect([topic, missing.status]).toEqual([topic, 401]);
      expect(missing.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(await missing.json()).toMatchObject({ status: 401, code: "missing_hmac" });
      const signedOther = await post({ topic, shop, body, webhookId: `bad-hmac-${topic}`, headers: { "x-shopify-hmac-sha256": shopifyHmac(body, "another-apps-secret") } });
      expect([topic, signedOther.status]).toEqual([topic, 401]);
      expect(await signedOther.json()).toMatchObject({ code: "invalid_hmac" });
      const tampered = await post({ topic, shop, body, webhookId: `tampered-${topic}`, headers: { "x-shopify-hmac-sha256": shopifyHmac(`${body} `, SECRET) } });
      expect([topic, tampered.status]).toEqual([topic, 401]);
      const garbage = await post({ topic, shop, body, webhookId: `garbage-${topic}`, headers: { "x-shopify-hmac-sha256": "not base64 at all!" } });
      expect([topic, garbage.status]).toEqual([topic, 401]);
    }
    expect(await t.deps.db.prisma.webhookEvent.count({ where: { provider: "shopify" } })).toBe(0);
  });

  it("records a delivery once per X-Shopify-Webhook-Id with one job, however often and concurrently it arrives", async () => {
    const webhookId = `wh-${randomUUID()}`;
    const body = fixture("shop-redact.json");
    const answers = await Promise.all(Array.from({ length: 5 }, () => post({ topic: "shop/redact", shop, body, webhookId })));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await events(webhookId)).toBe(1);
    expect(await t.deps.db.prisma.job.count({ where: { idempotencyKey: `webhook:shopify:${webhookId}` } })).toBe(1);
    // Stored as received: the body's own text is the event's payload.
    const stored = await t.deps.db.sql.query<{ payload: string }>("SELECT payload::text AS payload FROM webhook_event WHERE external_id = $1", [webhookId]);
    expect(JSON.parse(stored[0]!.payload)).toEqual(JSON.parse(body));
  });

  it("answers 400 with its reason for a body that is not JSON or not storable, a foreign shop, and a missing webhook id or topic; the rest of a rush is recorded", async () => {
    const cases: Array<[Partial<ShopifyDelivery> & { body: string }, string]> = [
      [{ body: '{"id": 3, "title": "trunc' }, "invalid_json"],
      [{ body: '{"id": 1}{"id": 2}' }, "invalid_json"],
      [{ body: "" }, "invalid_json"],
      [{ body: '{"title": "\\u0000"}' }, "invalid_json"],
      [{ body: '{"title": "\\ud800"}' }, "invalid_json"],
      [{ body: "{}", shop: "shop.example.com" }, "invalid_shop_domain"],
      [{ body: "{}", shop: `${shop}.evil.com` }, "invalid_shop_domain"],
      [{ body: "{}", webhookId: "" }, "missing_webhook_id"],
      [{ body: "{}", topic: "" }, "invalid_topic"],
    ];
    // All at once, with good deliveries among them: one statement records a rush, and a
    // payload PostgreSQL refuses fails alone.
    const good = Array.from({ length: 4 }, () => `good-${randomUUID()}`);
    const answers = await Promise.all([
      ...cases.map(([d]) => post({ topic: "products/update", shop, webhookId: randomUUID(), ...d })),
      ...good.map((webhookId) => post({ topic: "shop/redact", shop, webhookId, body: fixture("shop-redact.json") })),
    ]);
    for (const [i, [d, code]] of cases.entries()) {
      expect([d, answers[i]!.status]).toEqual([d, 400]);
      expect(await answers[i]!.json()).toMatchObject({ status: 400, code });
    }
    expect(answers.slice(cases.length).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    for (const id of good) expect(await events(id)).toBe(1);
    // A body that is not UTF-8 (signed as sent) is refused, not stored with replacement characters.
    const latin1 = Buffer.from('{"title": "Caf\xe9"}', "latin1");
    const res = await t.app.request("/webhooks/shopify", {
      method: "POST",
      headers: {
        "x-shopify-topic": "products/update",
        "x-shopify-hmac-sha256": shopifyHmac(latin1, SECRET),
        "x-shopify-shop-domain": shop,
        "x-shopify-webhook-id": "latin1",
      },
      body: latin1,
    });
    expect(res.status).toBe(400);
    expect(await events("latin1")).toBe(0);
  });

  it("reads Shopify's 18-digit ids without loss: products/delete deletes that product, not its rounded neighbour", async () => {
    const p = t.deps.db.prisma;
    const exact = await p.product.create({ data: { vendorId: s.vendorId, shopifyId: "gid://shopify/Product/788032119674292922", title: "Example T-Shirt", handle: "example-t-shirt" } });
    // Where JSON.parse puts the example's id.
    const rounded = await p.product.create({ data: { vendorId: s.vendorId, shopifyId: "gid://shopify/Product/788032119674292900", title: "Neighbour", handle: "neighbour" } });
    const event = await deliver("products/delete", fixture("products-delete.json"));
    expect(event).toMatchObject({ error: null, processedAt: expect.any(Date) });
    expect((await p.product.findUniqueOrThrow({ where: { id: exact.id } })).deletedAt).toBeInstanceOf(Date);
    expect((await p.product.findUniqueOrThrow({ where: { id: rounded.id } })).deletedAt).toBeNull();
  });

  it("reads Shopify's 18-digit ids without loss in products/update, inventory_levels/update and fulfillments/create", async () => {
    const p = t.deps.db.prisma;
    // products/update (the example): the product and its variants, their ids exact.
    expect((await deliver("products/update", fixture("products-update.json"))).error).toBeNull();
    const product = await p.product.findFirstOrThrow({
      where: { vendorId: s.vendorId, shopifyId: "gid://shopify/Product/788032119674292922", deletedAt: null },
      include: { variants: { orderBy: { title: "asc" } } },
    });
    expect(product.title).toBe("Example T-Shirt");
    expect(product.variants.map((v) => [v.title, v.shopifyId, v.priceAmount])).toEqual([
      ["Medium", "gid://shopify/ProductVariant/757650484644203962", 1999],
      ["Small", "gid://shopify/ProductVariant/642667041472713922", 1999],
    ]);

    // inventory_levels/update: the variant of inventory item 271878346596884015, not of its rounded neighbour.
    const [small, medium] = [product.variants[1]!, product.variants[0]!];
    await p.variant.update({ where: { id: small.id }, data: { inventoryItemId: "gid://shopify/InventoryItem/271878346596884015", inventoryQuantity: 1 } });
    await p.variant.update({ where: { id: medium.id }, data: { inventoryItemId: "gid://shopify/InventoryItem/271878346596884000", inventoryQuantity: 1 } });
    expect((await deliver("inventory_levels/update", fixture("inventory-levels-update.json"))).error).toBeNull();
    expect((await p.variant.findUniqueOrThrow({ where: { id: small.id } })).inventoryQuantity).toBe(6);
    expect((await p.variant.findUniqueOrThrow({ where: { id: medium.id } })).inventoryQuantity).toBe(1);

    // fulfillments/create for Shopify order 820982911946154508: the gift pushed as that order ships.
    const b = await buyer(t.deps);
    const [unitId] = await paidUnits(t.deps, b, s, s.mugOfferId, 1, "big-id");
    const r = await redeemUnit(recipientContext({ db: t.deps.db, unitId: unitId!, log: t.deps.log }), t.deps, { variantId: s.variants["mug:default"]!, address: testAddress("Jon") });
    expect(r.ok).toBe(true);
    await t.deps.db.sql.execute(`UPDATE fulfillment_unit SET status = 'pushed', shopify_order_id = 'gid://shopify/Order/820982911946154508' WHERE id = $1::uuid`, [unitId]);
    expect((await deliver("fulfillments/create", fixture("fulfillments-create.json"))).error).toBeNull();
    expect(await p.fulfillmentUnit.findUniqueOrThrow({ where: { id: unitId } })).toMatchObject({ status: "shipped", trackingNumber: "1z827wk74630", trackingCarrier: "UPS" });
  });

  it("fails a body that does not match its topic at once, with the reason on the event and its dead letter", async () => {
    const attemptsBefore = (await listDeadLetters(asPlatform(t.deps), { type: "shopify.webhook" })).length;
    // products/delete announced, an inventory level sent.
    const webhookId = `mismatch-${randomUUID()}`;
    const event = await deliver("products/delete", fixture("inventory-levels-update.json"), webhookId);
    expect(event).toMatchObject({ processedAt: null, error: expect.stringMatching(/^the payload does not match topic products\/delete: id: /) });
    // Not even JSON's object shape.
    const list = await deliver("customers/data_request", "[1, 2]");
    expect(list.error).toMatch(/does not match topic customers\/data_request: \(body\): /);
    await waitUntil(async () => (await listDeadLetters(asPlatform(t.deps), { type: "shopify.webhook" })).length === attemptsBefore + 2);
    const dead = await listDeadLetters(asPlatform(t.deps), { type: "shopify.webhook" });
    const ours = dead.find((d) => d.idempotencyKey === `webhook:shopify:${webhookId}`)!;
    expect(ours).toMatchObject({ attempts: 1, lastError: expect.stringMatching(/PermanentJobError: the payload does not match topic products\/delete/) });
  });

  it("knows the payload of every topic it handles", () => {
    for (const topic of shopifyTopics().topics()) expect(shopifyPayloadSchemas, topic).toHaveProperty([topic]);
  });

  it("records one data request for customers/data_request delivered several times at once", async () => {
    const body = fixture("customers-data-request.json");
    const ids = Array.from({ length: 4 }, () => `dr-${randomUUID()}`);
    const ended = await Promise.all(ids.map((id) => deliver("customers/data_request", body, id)));
    expect(ended.map((e) => e.error)).toEqual([null, null, null, null]);
    const rows = await t.deps.db.sql.query<{ file: string }>(
      `SELECT data->>'fileKey' AS file FROM audit_log WHERE vendor_id = $1::uuid AND action = 'compliance.customer_data_request'`,
      [s.vendorId],
    );
    expect(rows).toHaveLength(1);
    expect(await t.deps.storage.exists(rows[0]!.file)).toBe(true);
  });
});
