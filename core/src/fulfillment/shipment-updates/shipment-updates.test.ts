import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifyStandIn, type ShopifyStandIn } from "@giftloop/sandbox/shopify/server";
import { startSmtpSink, type SmtpSink } from "@giftloop/sandbox/smtp/smtp-sink";
import { uninstallShopifySandboxRouting } from "../../integrations/shopify/sandbox-routing.ts";
import { startWorker } from "../../jobs/create-queue.ts";
import { listDeadLetters } from "../../jobs/dead-letters.ts";
import { once } from "../../jobs/run-handler.ts";
import { waitUntil } from "../../jobs/testing/harness.ts";
import type { Worker } from "../../jobs/worker.ts";
import { getOrder } from "../../orders/order-view.ts";
import { asBuyer } from "../../testing/buyer.ts";
import { redeemUnit } from "../../redemption/redeem.ts";
import { recipientContext } from "../../redemption/recipient-context.ts";
import { asPlatform, testDeps, type TestDeps } from "../../testing/deps.ts";
import { seedVendor, type Seeded } from "../../testing/seed.ts";
import { serveApp } from "../../webhooks/testing.ts";
import { pushUnitOrder } from "../push/push-order.ts";
import { runPayouts } from "../../payouts/run.ts";
import { DAY_MS, setAccount } from "../../payouts/testing.ts";
import { buyer, installShop, mirrorSeedInStandIn, paidUnits, testAddress } from "../push/testing.ts";

/**
 * Fulfillment back-flow: the stand-in fulfils orders the push created and sends Shopify's
 * signed webhooks to a real HTTP receiver (HMAC check, event log, shopify.webhook job); the
 * units move forward only, the recipient gets one shipping email, and orders we did not
 * create are acknowledged and ignored.
 */
const SHOP = "shipment-updates-test.myshopify.com";

let standIn: ShopifyStandIn;
let smtp: SmtpSink;
let deps: TestDeps;
let served: Awaited<ReturnType<typeof serveApp>>;
let worker: Worker;
let s: Seeded;
let b: { buyerOrgId: string; apiKeyId: string };

beforeAll(async () => {
  standIn = await startShopifyStandIn({ throttle: false, demoShop: false, shops: [{ domain: SHOP, products: 0 }], retry: { delaysMs: [50, 100, 200] } });
  smtp = await startSmtpSink({ port: 0 });
  deps = await testDeps({
    env: { SHOPIFY_SANDBOX_URL: standIn.url, SHOPIFY_API_SECRET: standIn.apiSecret, SMTP_URL: smtp.url, JOB_POLL_INTERVAL_MS: "10" },
  });
  // Shopify's deliveries go to the production route (HMAC, record, 200).
  served = await serveApp(deps);
  await installShop(deps, standIn, SHOP);
  s = await seedVendor(deps.db, { shop: SHOP });
  await mirrorSeedInStandIn(deps, standIn, SHOP, s);
  // Webhooks from here on (the seeded catalog is not the stand-in's products/* history).
  standIn.setWebhookUrl(`${served.url}/webhooks/shopify`);
  b = await buyer(deps);
  worker = startWorker(deps);
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  await served?.close();
  await standIn?.close();
  await smtp?.stop();
  await deps?.close();
  await uninstallShopifySandboxRouting();
});

const unit = (id: string) => deps.db.prisma.fulfillmentUnit.findUniqueOrThrow({ where: { id } });

/** A unit that is redeemed and pushed; returns it with its Shopify order's numeric id. */
async function pushedUnit(tag: string): Promise<{ id: string; order: number; email: string }> {
  const [id] = await paidUnits(deps, b, s, s.mugOfferId, 1, tag);
  const r = await redeemUnit(recipientContext({ db: deps.db, unitId: id!, log: deps.log }), deps, { variantId: s.variants["mug:default"]!, address: testAddress(`Grace ${tag}`) });
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
  // Processed, or failed for good (its error recorded on the event).
  await waitUntil(async () => (await deps.db.prisma.webhookEvent.count({ where: { provider: "shopify", processedAt: null, error: null } })) === 0);
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
    // In the brand's look (its colour), from the buyer via the brand, with a way back to the gift page.
    const storefront = await deps.db.prisma.storefront.findUniqueOrThrow({ where: { slug: s.storefrontSlug } });
    expect(mail.html).toContain(`background-color:${storefront.accentColor}`);
    expect(mail.fromName).toMatch(/ via Northwind Goods$/);
    const giftLink = /See your gift: (\S+)/.exec(mail.text ?? "")?.[1];
    expect(giftLink).toMatch(/\/g\/[A-Z0-9-]+$/);
    expect(mail.html).toMatch(/>See your gift<\/a>/);

    const view = await getOrder(asBuyer(deps, { buyerOrgId: b.buyerOrgId, apiKeyId: null }), deps, shipped.orderId, { afterRow: 0, limit: 50 });
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
        standIn.setWebhookUrl(`${served.url}/webhooks/shopify`);
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

  it("orders/cancelled cancels a pushed unit (flagged for the refund review), and a shipped one too (the brand did not ship it after all)", async () => {
    const a = await pushedUnit("c");
    standIn.cancelOrder(SHOP, a.order, "inventory");
    await waitUntil(async () => (await unit(a.id)).status === "canceled");
    expect((await unit(a.id)).operatorFlag).toMatch(/canceled in Shopify \(inventory\)/);

    const shippedOne = await pushedUnit("c2");
    standIn.fulfillOrder(SHOP, shippedOne.order, { carrier: "USPS", number: "9400" });
    await waitUntil(async () => (await unit(shippedOne.id)).status === "shipped");
    standIn.cancelOrder(SHOP, shippedOne.order);
    await waitUntil(async () => (await unit(shippedOne.id)).status === "canceled");
    expect((await unit(shippedOne.id)).operatorFlag).toMatch(/canceled in Shopify \(other\) after it shipped/);
    standIn.cancelOrder(SHOP, shippedOne.order); // a repeat changes nothing
    await processed();
    expect((await unit(shippedOne.id)).status).toBe("canceled");
  });

  it("refunds/create of the item cancels a shipped unit and takes back a share already paid; a refund of the shipping only changes nothing", async () => {
    const u = await pushedUnit("r");
    standIn.fulfillOrder(SHOP, u.order, { carrier: "UPS", number: "1ZREFUND" });
    await waitUntil(async () => (await unit(u.id)).status === "shipped");
    standIn.refundOrder(SHOP, u.order, { shippingOnly: true });
    await processed();
    expect((await unit(u.id)).status).toBe("shipped");

    // The unit is in a payout (a draft: approval is on, nothing goes to Stripe here).
    await setAccount(deps, s.vendorId, "active", "acct_shipment_refund");
    await deps.db.sql.execute(
      "INSERT INTO vendor_payout_settings (vendor_id, approval_required) VALUES ($1::uuid, true) ON CONFLICT (vendor_id) DO UPDATE SET approval_required = true",
      [s.vendorId],
    );
    await runPayouts(asPlatform(deps), deps, { trigger: "operator", dryRun: false, vendorId: s.vendorId, asOf: new Date(Date.now() + 30 * DAY_MS) });
    const [line] = await deps.db.sql.query<{ share_amount: number }>("SELECT share_amount FROM payout_line WHERE unit_id = $1::uuid", [u.id]);
    expect(line?.share_amount).toBeGreaterThan(0);

    standIn.refundOrder(SHOP, u.order);
    await waitUntil(async () => (await unit(u.id)).status === "canceled");
    expect((await unit(u.id)).operatorFlag).toMatch(/refunded in Shopify after it shipped/);
    const adjustments = () =>
      deps.db.sql.query<{ amount: number; status: string; reason: string }>("SELECT amount, status, reason FROM payout_adjustment WHERE unit_id = $1::uuid", [u.id]);
    // Nothing was transferred for the draft: the amount owed back carries into the brand's next payout.
    await waitUntil(async () => (await adjustments())[0]?.status === "carried");
    expect(await adjustments()).toEqual([{ amount: -line!.share_amount, status: "carried", reason: expect.stringMatching(/refunded in Shopify after it shipped/) }]);
    standIn.refundOrder(SHOP, u.order); // a second refund changes nothing
    await processed();
    expect(await adjustments()).toHaveLength(1);
  });

  it("webhooks for orders we did not create, or of another shop, are acknowledged and change nothing; one without an order fails at once", async () => {
    const u = await pushedUnit("x");
    const before = await unit(u.id);
    standIn.emitWebhook(SHOP, "fulfillments/create", { id: 1, order_id: 999_999_999, status: "success", tracking_number: "NOPE" });
    standIn.emitWebhook(SHOP, "orders/cancelled", { id: 999_999_999, admin_graphql_api_id: "gid://shopify/Order/999999999" });
    const orderless = standIn.emitWebhook(SHOP, "fulfillments/create", { id: 2, status: "success" }); // no order id at all
    standIn.emitWebhook("someone-else.myshopify.com", "fulfillments/create", { id: 3, order_id: u.order, status: "success", tracking_number: "X" });
    await processed();
    expect(standIn.deliveries.filter((d) => d.status !== "delivered")).toHaveLength(0);
    const after = await unit(u.id);
    expect(after.status).toBe("pushed");
    expect(after.version).toBe(before.version);
    // The fulfillment without an order cannot be processed: dead-lettered on its first attempt, with the reason.
    await waitUntil(async () => (await listDeadLetters(asPlatform(deps), { type: "shopify.webhook" })).length > 0);
    const dead = await listDeadLetters(asPlatform(deps), { type: "shopify.webhook" });
    expect(dead.map((d) => [d.attempts, d.lastError])).toEqual([[1, expect.stringMatching(/does not match topic fulfillments\/create: order_id/)]]);
    const event = await deps.db.prisma.webhookEvent.findFirstOrThrow({ where: { externalId: orderless.webhookId } });
    expect(event).toMatchObject({ processedAt: null, error: expect.stringMatching(/order_id/) });
  });
});
