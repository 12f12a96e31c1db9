import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifyStandIn, type ShopifyStandIn } from "@giftloop/sandbox/shopify/server";
import { uninstallShopifySandboxRouting } from "../../integrations/shopify/sandbox-routing.ts";
import { startWorker } from "../../jobs/create-queue.ts";
import { listDeadLetters } from "../../jobs/dead-letters.ts";
import { once } from "../../jobs/run-handler.ts";
import { waitUntil } from "../../jobs/testing/harness.ts";
import type { Worker } from "../../jobs/worker.ts";
import { redeemUnit } from "../../redemption/redeem.ts";
import { recipientContext } from "../../redemption/recipient-context.ts";
import { asPlatform, testDeps, type TestDeps } from "../../testing/deps.ts";
import { seedVendor, type Seeded } from "../../testing/seed.ts";
import { pushUnitOrder, type PushPoint } from "./push-order.ts";
import { PUSH_PAUSED_FLAG } from "../../compliance/uninstall.ts";
import { createPushOrderJob, PUSH_ORDER_JOB, sweepUnpushed } from "./push.jobs.ts";
import { unitTag } from "./push.graphql.ts";
import { buyer, installShop, mirrorSeedInStandIn, paidUnits, registryWith, testAddress } from "./testing.ts";

/**
 * The order push against the Shopify stand-in through @shopify/shopify-api (no mocks): one
 * order per redeemed unit with the right fields, found again (not created twice) after a
 * lost answer, refusals surfaced and dead-lettered, uninstalled vendors held, and exactly
 * once under random kill points and a 30% failing Shopify. The database is PGlite under
 * `npm test` and PostgreSQL under `npm run test:stack`.
 */
const SHOP = "push-test.myshopify.com";

let standIn: ShopifyStandIn;
let deps: TestDeps;
let s: Seeded;
let b: { buyerOrgId: string; apiKeyId: string };

beforeAll(async () => {
  standIn = await startShopifyStandIn({ throttle: false, demoShop: false, shops: [{ domain: SHOP, products: 0 }] });
  deps = await testDeps({
    env: { SHOPIFY_SANDBOX_URL: standIn.url, SHOPIFY_API_SECRET: standIn.apiSecret, JOB_POLL_INTERVAL_MS: "10", JOB_CONCURRENCY: "16" },
    registry: registryWith(createPushOrderJob({ backoff: { baseMs: 20, maxMs: 200 } })),
  });
  await installShop(deps, standIn, SHOP);
  s = await seedVendor(deps.db, { shop: SHOP });
  await mirrorSeedInStandIn(deps, standIn, SHOP, s);
  b = await buyer(deps);
}, 60_000);
afterAll(async () => {
  await deps?.close();
  await standIn?.close();
  await uninstallShopifySandboxRouting();
});

const ordersFor = (unitId: string) => standIn.orders(SHOP).filter((o) => o.tags.includes(unitTag(unitId)));

async function redeem(unitId: string, variant = "mug:default") {
  const r = await redeemUnit(recipientContext({ db: deps.db, unitId, log: deps.log }), deps, { variantId: s.variants[variant]!, address: testAddress(`Ada Lovelace ${unitId.slice(0, 4)}`) });
  expect(r.ok).toBe(true);
}

async function withWorker<T>(fn: () => Promise<T>): Promise<T> {
  const worker: Worker = startWorker(deps);
  try {
    return await fn();
  } finally {
    await worker.stop();
  }
}

const unit = (id: string) => deps.db.prisma.fulfillmentUnit.findUniqueOrThrow({ where: { id } });

describe("order push (fulfillment.push_order)", () => {
  it("redemption enqueues the push in its own commit; the job creates exactly one order with the right fields", async () => {
    const [id] = await paidUnits(deps, b, s, s.mugOfferId, 1, "a");
    const reservedBefore = (await deps.db.prisma.variant.findUniqueOrThrow({ where: { id: s.variants["mug:default"]! } })).inventoryReserved;
    await redeem(id!);
    const job = await deps.db.prisma.job.findUnique({ where: { idempotencyKey: `push:${id}` } });
    expect(job?.type).toBe(PUSH_ORDER_JOB);
    await withWorker(() => waitUntil(async () => (await unit(id!)).status === "pushed"));

    const u = await unit(id!);
    const [o, ...more] = ordersFor(id!);
    expect(more).toHaveLength(0);
    expect(u.shopifyOrderId).toBe(`gid://shopify/Order/${o!.id}`);
    expect(u.pushError).toBeNull();
    expect(o).toMatchObject({
      note: "Thanks for everything, a0!",
      sourceIdentifier: `giftloop-unit-${id}`,
      financialStatus: "PAID",
      sendReceipt: false,
      email: null,
      shippingAddress: { firstName: "Ada Lovelace", address1: "1 Main St", address2: "Apt 4", city: "Springfield", provinceCode: "IL", zip: "62701", countryCode: "US" },
    });
    expect(o!.tags).toEqual(["giftloop-gift", `giftloop-unit-${id}`]);
    expect(o!.lineItems).toHaveLength(1);
    expect(o!.lineItems[0]).toMatchObject({ quantity: 1, price: 2500 });
    expect(`gid://shopify/ProductVariant/${o!.lineItems[0]!.variantId}`).toBe(
      (await deps.db.prisma.variant.findUniqueOrThrow({ where: { id: s.variants["mug:default"]! } })).shopifyId,
    );
    expect(o!.transactions).toEqual([{ kind: "SALE", status: "SUCCESS", gateway: "Giftloop (paid by the platform)", amount: 2500 }]);
    // Shopify now holds the stock claim: our reservation is released.
    const reservedAfter = (await deps.db.prisma.variant.findUniqueOrThrow({ where: { id: s.variants["mug:default"]! } })).inventoryReserved;
    expect(reservedAfter).toBe(reservedBefore);
    const transitions = await deps.db.prisma.stateTransition.findMany({ where: { entityId: id! }, orderBy: { version: "asc" } });
    expect(transitions.map((t) => t.toState).slice(-2)).toEqual(["redeemed", "pushed"]);
  });

  it("notifies the customer only when the vendor wants it", async () => {
    await deps.db.prisma.vendor.update({ where: { id: s.vendorId }, data: { shopifyNotifyCustomer: true } });
    try {
      const [id] = await paidUnits(deps, b, s, s.mugOfferId, 1, "n");
      await redeem(id!);
      await withWorker(() => waitUntil(async () => (await unit(id!)).status === "pushed"));
      expect(ordersFor(id!)[0]).toMatchObject({ sendReceipt: true, email: "n0@example.test" });
    } finally {
      await deps.db.prisma.vendor.update({ where: { id: s.vendorId }, data: { shopifyNotifyCustomer: false } });
    }
  });

  it("a single-item gift of a product in sizes orders the variant the recipient picked", async () => {
    const offer = await deps.db.prisma.giftOffer.create({
      data: { vendorId: s.vendorId, name: "Hoodie", kind: "single", status: "active", priceAmount: 5000, currency: "USD", items: { create: [{ productId: s.products.hoodie! }] } },
    });
    await deps.db.prisma.storefrontOffer.create({ data: { storefrontId: s.storefrontId, offerId: offer.id, position: 5 } });
    const [id] = await paidUnits(deps, b, s, offer.id, 1, "h");
    expect(((await unit(id!)).choices as string[]).length).toBe(6);
    await redeem(id!, "hoodie:L/Sand");
    await withWorker(() => waitUntil(async () => (await unit(id!)).status === "pushed"));
    const chosen = await deps.db.prisma.variant.findUniqueOrThrow({ where: { id: s.variants["hoodie:L/Sand"]! } });
    expect(ordersFor(id!).map((o) => o.lineItems.map((l) => `gid://shopify/ProductVariant/${l.variantId}`))).toEqual([[chosen.shopifyId]]);
  });

  it("a retry after 'created, answer lost' finds the order instead of creating a second", async () => {
    const [id] = await paidUnits(deps, b, s, s.mugOfferId, 1, "d");
    await redeem(id!);
    standIn.setFaults({ dropAfterCommit: 1 });
    const dropped = standIn.faultCounts.dropped;
    await withWorker(() => waitUntil(async () => (await unit(id!)).status === "pushed"));
    expect(standIn.faultCounts.dropped).toBe(dropped + 1);
    expect(ordersFor(id!)).toHaveLength(1);
    const job = await deps.db.prisma.job.findUniqueOrThrow({ where: { idempotencyKey: `push:${id}` } });
    expect(job.attempts).toBeGreaterThanOrEqual(2);
    const last = await deps.db.prisma.stateTransition.findFirstOrThrow({ where: { entityId: id!, toState: "pushed" } });
    expect(last.reason).toMatch(/\(found\)$/);
    standIn.setFaults({});
  });

  it("an inventory shortfall in Shopify is surfaced on the unit and dead-lettered with the reason", async () => {
    const [id] = await paidUnits(deps, b, s, s.choiceOfferId, 1, "i");
    const variant = await deps.db.prisma.variant.findUniqueOrThrow({ where: { id: s.variants["notebook:Green"]! } });
    const gidNum = Number(variant.shopifyId.split("/").pop());
    const sv = standIn.products(SHOP).flatMap((p) => p.variants).find((v) => v.id === gidNum)!;
    await redeem(id!, "notebook:Green"); // our mirror still believes in the stock
    standIn.setInventory(SHOP, sv.inventoryItemId, 0); // ... but the shop sold out meanwhile
    await withWorker(() => waitUntil(async () => (await listDeadLetters(asPlatform(deps), { type: PUSH_ORDER_JOB })).some((d) => JSON.stringify(d.payload).includes(id!))));
    const dead = (await listDeadLetters(asPlatform(deps), { type: PUSH_ORDER_JOB })).find((d) => JSON.stringify(d.payload).includes(id!))!;
    expect(dead.lastError).toMatch(/INVENTORY_CLAIM_FAILED/);
    expect(dead.attempts).toBe(1); // permanent: not retried
    const u = await unit(id!);
    expect(u.status).toBe("redeemed");
    expect(u.pushError).toMatch(/^Shopify refused the order: INVENTORY_CLAIM_FAILED/);
    expect(ordersFor(id!)).toHaveLength(0);
    standIn.setInventory(SHOP, sv.inventoryItemId, 1000);
  });

  it("a vendor that uninstalled is not pushed to: the unit is flagged and stays redeemed", async () => {
    const [id] = await paidUnits(deps, b, s, s.mugOfferId, 1, "u");
    await redeem(id!);
    await deps.db.prisma.vendor.update({ where: { id: s.vendorId }, data: { status: "uninstalled", uninstalledAt: new Date() } });
    try {
      await withWorker(() => waitUntil(async () => (await deps.db.prisma.job.findUniqueOrThrow({ where: { idempotencyKey: `push:${id}` } })).status === "succeeded"));
    } finally {
      await deps.db.prisma.vendor.update({ where: { id: s.vendorId }, data: { status: "active", uninstalledAt: null } });
    }
    const u = await unit(id!);
    expect(u).toMatchObject({ status: "redeemed", operatorFlag: PUSH_PAUSED_FLAG, shopifyOrderId: null });
    expect(ordersFor(id!)).toHaveLength(0);
    // Reinstall clears the flag (compliance/uninstall.ts); the sweep pushes it then, once.
    await deps.db.prisma.fulfillmentUnit.update({ where: { id: id! }, data: { operatorFlag: null } });
    expect(await sweepUnpushed(deps)).toBe(1);
    expect(await sweepUnpushed(deps)).toBe(0); // one under way already
    await withWorker(() => waitUntil(async () => (await unit(id!)).status === "pushed"));
    expect(ordersFor(id!)).toHaveLength(1);
    expect(await sweepUnpushed(deps)).toBe(0);
  });
});

describe("order push reliability", () => {
  it("100 trials with a crash at a random point (between steps, or mid-call) never create a duplicate order", async () => {
    const TRIALS = 100;
    const ids = await paidUnits(deps, b, s, s.mugOfferId, TRIALS, "k");
    for (const id of ids) await redeem(id);
    const points: PushPoint[] = ["loaded", "looked_up", "before_create", "created", "recorded"];
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const crashes: Record<string, number> = {};
    for (const id of ids) {
      // The first attempt dies somewhere; sometimes its order is committed and the answer lost too.
      const mode = random();
      const crashAt = points[Math.floor(random() * points.length)]!;
      const controller = new AbortController();
      if (random() < 0.3) standIn.setFaults({ dropAfterCommit: 1 });
      let timer: NodeJS.Timeout | undefined;
      if (mode < 0.4) timer = setTimeout(() => controller.abort(new Error("killed")), Math.floor(random() * 15));
      const key = mode < 0.4 ? "abort" : crashAt;
      crashes[key] = (crashes[key] ?? 0) + 1;
      await pushUnitOrder(deps, id, {
        log: deps.log,
        signal: controller.signal,
        once: (effect, k) => once(deps, k, effect),
        at: (p) => {
          if (mode >= 0.4 && p === crashAt) throw new Error(`killed at ${p}`);
          if (controller.signal.aborted) throw controller.signal.reason as Error;
        },
      }).catch(() => undefined);
      clearTimeout(timer);
      standIn.setFaults({});
      // The retry (as the job system would run it) completes the push.
      const r = await pushUnitOrder(deps, id, { log: deps.log, once: (effect, k) => once(deps, k, effect) });
      expect(["pushed", "already_pushed"]).toContain(r.kind);
      // And a redelivery after success changes nothing.
      expect((await pushUnitOrder(deps, id, { log: deps.log, once: (effect, k) => once(deps, k, effect) })).kind).toBe("already_pushed");
    }
    const units = await deps.db.prisma.fulfillmentUnit.findMany({ where: { id: { in: ids } } });
    expect(units.every((u) => u.status === "pushed" && u.shopifyOrderId)).toBe(true);
    for (const u of units) {
      const orders = ordersFor(u.id);
      expect(orders, `unit ${u.id}`).toHaveLength(1);
      expect(u.shopifyOrderId).toBe(`gid://shopify/Order/${orders[0]!.id}`);
    }
    expect(Object.keys(crashes).length).toBeGreaterThanOrEqual(4);
  }, 120_000);

  it("with 30% of Shopify calls failing (500, timeout, THROTTLED), every unit is pushed exactly once by the job system", async () => {
    const N = 40;
    const ids = await paidUnits(deps, b, s, s.mugOfferId, N, "f");
    for (const id of ids) await redeem(id);
    // Plenty of attempts: this test is about duplicates, not about giving up.
    await deps.db.prisma.job.updateMany({ where: { idempotencyKey: { in: ids.map((id) => `push:${id}`) } }, data: { maxAttempts: 60 } });
    const before = { ...standIn.faultCounts };
    standIn.setFaults({ rate: 0.3, kinds: ["500", "timeout", "throttled"], hangMs: 150 });
    try {
      await withWorker(() =>
        waitUntil(async () => (await deps.db.prisma.fulfillmentUnit.count({ where: { id: { in: ids }, status: "pushed" } })) === N, 90_000, 100),
      );
    } finally {
      standIn.setFaults({});
    }
    for (const id of ids) expect(ordersFor(id), `unit ${id}`).toHaveLength(1);
    const injected = (["500", "timeout", "throttled"] as const).map((k) => standIn.faultCounts[k] - before[k]);
    expect(injected.every((n) => n > 0)).toBe(true);
    expect((await listDeadLetters(asPlatform(deps), { type: PUSH_ORDER_JOB })).filter((d) => ids.some((id) => JSON.stringify(d.payload).includes(id)))).toHaveLength(0);
  }, 120_000);
});
