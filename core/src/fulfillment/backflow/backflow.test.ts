import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifyStandIn, type ShopifyStandIn } from "../../../../sandbox/src/shopify/server.ts";
import { startSmtpSink, type SmtpSink } from "../../../../sandbox/src/smtp/smtp-sink.ts";
import { uninstallShopifySandboxRouting } from "../../integrations/shopify/sandbox-routing.ts";
import { startWorker } from "../../jobs/create-queue.ts";
import { listDeadLetters } from "../../jobs/dead-letters.ts";
import { once } from "../../jobs/run-handler.ts";
import { waitUntil } from "../../jobs/testing/harness.ts";
import type { Worker } from "../../jobs/worker.ts";
import { getOrder } from "../../orders/order-view.ts";
import { redeemUnit } from "../../redemption/redeem.ts";
import { testDeps, type TestDeps } from "../../testing/deps.ts";
import { seedVendor, type Seeded } from "../../testing/seed.ts";
import { receiveShopifyWebhook } from "../../webhooks/shopify-webhooks.ts";
import { pushUnitOrder } from "../push/push-order.ts";
import { buyer, installShop, mirrorSeedInStandIn, paidUnits, testAddress } from "../push/testing.ts";

/**
 * Fulfillment back-flow: the stand-in fulfils orders the push created and sends Shopify's
 * signed webhooks to a real HTTP receiver (HMAC check, event log, shopify.webhook job); the
 * units move forward only, the recipient gets one shipping email, and orders we did not
 * create are acknowledged and ignored.
 */
const SHOP = "backflow-test.myshopify.com";

let standIn: ShopifyStandIn;
let smtp: SmtpSink;
let deps: TestDeps;
let receiver: http.Server;
let worker: Worker;
let s: Seeded;
let b: { buyerOrgId: string; apiKeyId: string };

beforeAll(async () => {
  standIn = await startShopifyStandIn({ throttle: false, demoShop: false, shops: [{ domain: SHOP, products: 0 }], retry: { delaysMs: [50, 100, 200] } });
  smtp = await startSmtpSink({ port: 0 });
  deps = await testDeps({
    env: { SHOPIFY_SANDBOX_URL: standIn.url, SHOPIFY_API_SECRET: standIn.apiSecret, SMTP_URL: smtp.url, JOB_POLL_INTERVAL_MS: "10" },
  });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      receiveShopifyWebhook(deps, { rawBody: Buffer.concat(chunks), headers: req.headers })
        .then((r) => {
          res.writeHead(r.status);
          res.end();
        })
        .catch(() => {
          res.writeHead(500);
          res.end();
        });
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  await installShop(deps, standIn, SHOP);
  s = await seedVendor(deps.db, { shop: SHOP });
  await mirrorSeedInStandIn(deps, standIn, SHOP, s);
  // Webhooks from here on (the seeded catalog is not the stand-in's products/* history).
  standIn.setWebhookUrl(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/shopify`);
  b = await buyer(deps);
  worker = startWorker(deps);
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  await new Promise((r) => receiver?.close(r));
  await standIn?.close();
  await smtp?.stop();
  await deps?.close();
  await uninstallShopifySandboxRouting();
});

const unit = (id: string) => deps.db.prisma.fulfillmentUnit.findUniqueOrThrow({ where: { id } });

/** A unit that is redeemed and pushed; returns it with its Shopify order's numeric id. */
async function pushedUnit(tag: string): Promise<{ id: string; order: number; email: string }> {
  const [id] = await paidUnits(deps, b, s, s.mugOfferId, 1, tag);
  const r = await redeemUnit(deps, id!, { variantId: s.variants["mug:default"]!, address: testAddress(`Grace ${tag}`) });
  expect(r.ok).toBe(true);
  const pushed = await pushUnitOrder(deps, id!, { log: deps.log, once: (effect, k) => once(deps, k, effect) });
  if (pushed.kind !== "pushed" && pushed.kind !== "already_pushed") throw new Error(JSON.stringify(pushed));
  await waitUntil(async () => (await unit(id!)).status === "pushed");
  const u = await unit(id!);
  return { id: id!, order: Number(u.shopifyOrderId!.split("/").pop()), email: u.recipientEmail };
}

const shippedMails = (to: string) => smtp.messages().filter((m) => m.to.includes(to) && /has (shipped|been delivered)/.test(m.subject));

async function processed() {
  await standIn.whenDeliveriesSettled();
  await waitUntil(async () => (await deps.db.prisma.webhookEvent.count({ where: { provider: "shopify", processedAt: null } })) === 0);
}

describe("fulfillment back-flow", () => {
  it("a fulfilment with tracking moves the unit to shipped, emails the recipient once, and the buyer's order view shows it; delivery follows", async () => {
    const u = await pushedUnit("t");
    standIn.fulfillOrder(SHOP, u.order, { carrier: "UPS", number: "1Z999AA10123456784", url: "https://www.ups.com/track?tracknum=1Z999AA10123456784" });
    await waitUntil(async () => (await unit(u.id)).status === "shipped");
    const shipped = await unit(u.id);
    expect(shipped).toMatchObject({ trackingCarrier: "UPS", trackingNumber: "1Z999AA10123456784", trackingUrl: "https://www.ups.com/track?tracknum=1Z999AA10123456784" });
    expect(shipped.shippedAt).toBeInstanceOf(Date);
    const mail = await smtp.waitFor((m) => m.to.includes(u.email) && m.subject.includes("has shipped"));
    expect(mail.text).toContain("UPS 1Z999AA10123456784");
    expect(mail.html).toContain('href="https://www.ups.com/track?tracknum=1Z999AA10123456784"');

    const view = await getOrder(deps.db, b.buyerOrgId, shipped.orderId, { afterRow: 0, limit: 50 });
    const rec = view!.recipients.find((r) => r.unit?.id === u.id);
    expect(rec?.unit?.status).toBe("shipped");
    expect(rec?.unit?.tracking).toEqual({ carrier: "UPS", number: "1Z999AA10123456784", url: "https://www.ups.com/track?tracknum=1Z999AA10123456784" });

    standIn.markDelivered(SHOP, u.order);
    await waitUntil(async () => (await unit(u.id)).status === "delivered");
    expect((await unit(u.id)).deliveredAt).toBeInstanceOf(Date);
    await processed();
    expect(shippedMails(u.email)).toHaveLength(1);
  });

  it("out of order and repeated: 'delivered' before 'created', then the same fulfilment three times, never moves the unit back", async () => {
    const u = await pushedUnit("o");
    const { fulfillmentId } = await (async () => {
      standIn.setWebhookUrl(null); // hold Shopify's own deliveries; replay them below in a bad order
      try {
        return standIn.fulfillOrder(SHOP, u.order, { carrier: "DHL", number: "JD0002", url: "https://dhl.test/t/JD0002" });
      } finally {
        standIn.setWebhookUrl(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/shopify`);
      }
    })();
    const order = standIn.orders(SHOP).find((o) => o.id === u.order)!;
    const f = order.fulfillments.find((x) => x.id === fulfillmentId)!;
    const base = {
      id: f.id,
      order_id: u.order,
      status: "success",
      tracking_company: "DHL",
      tracking_number: "JD0002",
      tracking_url: "https://dhl.test/t/JD0002",
      created_at: f.createdAt.toISOString(),
    };
    standIn.emitWebhook(SHOP, "fulfillments/update", { ...base, shipment_status: "delivered", updated_at: new Date(Date.now() + 1000).toISOString() });
    await waitUntil(async () => (await unit(u.id)).status === "delivered");
    for (let i = 0; i < 3; i++) standIn.emitWebhook(SHOP, "fulfillments/create", { ...base, shipment_status: null, updated_at: f.createdAt.toISOString() });
    standIn.emitWebhook(SHOP, "fulfillments/update", { ...base, shipment_status: "in_transit" });
    await processed();
    const after = await unit(u.id);
    expect(after).toMatchObject({ status: "delivered", trackingCarrier: "DHL", trackingNumber: "JD0002" });
    const moves = await deps.db.prisma.stateTransition.findMany({ where: { entityId: u.id }, orderBy: { version: "asc" } });
    expect(moves.map((m) => m.toState).slice(-2)).toEqual(["pushed", "delivered"]);
    await smtp.waitFor((m) => m.to.includes(u.email) && /has (shipped|been delivered)/.test(m.subject));
    await new Promise((r) => setTimeout(r, 200));
    expect(shippedMails(u.email)).toHaveLength(1);
  });

  it("a fulfilment without tracking still ships the unit; the email says so", async () => {
    const u = await pushedUnit("n");
    standIn.fulfillOrder(SHOP, u.order, {});
    await waitUntil(async () => (await unit(u.id)).status === "shipped");
    expect(await unit(u.id)).toMatchObject({ trackingCarrier: null, trackingNumber: null, trackingUrl: null });
    const mail = await smtp.waitFor((m) => m.to.includes(u.email) && m.subject.includes("has shipped"));
    expect(mail.text).toContain("did not share tracking");
  });

  it("orders/cancelled cancels a pushed unit (flagged for the refund review) and is ignored once the unit shipped", async () => {
    const a = await pushedUnit("c");
    standIn.cancelOrder(SHOP, a.order, "inventory");
    await waitUntil(async () => (await unit(a.id)).status === "canceled");
    expect((await unit(a.id)).operatorFlag).toMatch(/canceled in Shopify \(inventory\)/);

    const shippedOne = await pushedUnit("c2");
    standIn.fulfillOrder(SHOP, shippedOne.order, { carrier: "USPS", number: "9400" });
    await waitUntil(async () => (await unit(shippedOne.id)).status === "shipped");
    standIn.cancelOrder(SHOP, shippedOne.order);
    await processed();
    expect((await unit(shippedOne.id)).status).toBe("shipped");
  });

  it("webhooks for orders we did not create, or of another shop, are acknowledged and change nothing", async () => {
    const u = await pushedUnit("x");
    const before = await unit(u.id);
    standIn.emitWebhook(SHOP, "fulfillments/create", { id: 1, order_id: 999_999_999, status: "success", tracking_number: "NOPE" });
    standIn.emitWebhook(SHOP, "orders/cancelled", { id: 999_999_999, admin_graphql_api_id: "gid://shopify/Order/999999999" });
    standIn.emitWebhook(SHOP, "fulfillments/create", { id: 2, status: "success" }); // no order id at all
    standIn.emitWebhook("someone-else.myshopify.com", "fulfillments/create", { id: 3, order_id: u.order, status: "success", tracking_number: "X" });
    await processed();
    expect(standIn.deliveries.filter((d) => d.status !== "delivered")).toHaveLength(0);
    const after = await unit(u.id);
    expect(after.status).toBe("pushed");
    expect(after.version).toBe(before.version);
    expect((await listDeadLetters(deps.db, { type: "shopify.webhook" })).length).toBe(0);
  });
});
