import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifyStandIn, type ShopifyStandIn } from "@giftloop/sandbox/shopify/server";
import { uninstallShopifySandboxRouting } from "../integrations/shopify/sandbox-routing.ts";
import { startWorker } from "../jobs/create-queue.ts";
import { waitUntil } from "../jobs/testing/harness.ts";
import { redeemUnit } from "../redemption/redeem.ts";
import { recipientContext } from "../redemption/recipient-context.ts";
import { asPlatform, brandContext, testDeps, type TestDeps } from "../testing/deps.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { CONNECTION_BROKEN, startCatalogSync } from "../catalog/catalog.sync.ts";
import { latestSync } from "../catalog/catalog.queries.ts";
import { createApp } from "../http/app.ts";
import { mintOperatorToken } from "../http/operator-auth.ts";
import { CONNECTION_HOLD, listHeldPushes } from "../fulfillment/push/push-holds.ts";
import { buyer, installShop, mirrorSeedInStandIn, paidUnits, testAddress } from "../fulfillment/push/testing.ts";
import { markConnectionBroken, reconnectShop, restoreConnection, shopifyConnection } from "./shopify-connection.ts";
import { pushUnitOrder, PushTransientError, type PushIo } from "../fulfillment/push/push-order.ts";
import { once } from "../jobs/run-handler.ts";

/**
 * A shop whose access token Shopify stops accepting (revoked; the app uninstalled without
 * the webhook arriving), against the Shopify stand-in through @shopify/shopify-api: the
 * catalog sync stops at once and says why, order pushes are held with the reason (on the
 * unit, and for the operator), and a fresh token exchange releases everything held.
 */
const SHOP = "broken-token.myshopify.com";

let standIn: ShopifyStandIn;
let deps: TestDeps;
let s: Seeded;
let b: { buyerOrgId: string; apiKeyId: string };

beforeAll(async () => {
  standIn = await startShopifyStandIn({ throttle: false, demoShop: false, shops: [{ domain: SHOP, products: 0 }] });
  deps = await testDeps({
    env: { SHOPIFY_SANDBOX_URL: standIn.url, SHOPIFY_API_SECRET: standIn.apiSecret, JOB_POLL_INTERVAL_MS: "10", JOB_CONCURRENCY: "8" },
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

async function withWorker<T>(fn: () => Promise<T>): Promise<T> {
  const worker = startWorker(deps);
  try {
    return await fn();
  } finally {
    await worker.stop();
  }
}
const unit = (id: string) => deps.db.prisma.fulfillmentUnit.findUniqueOrThrow({ where: { id } });
const jobDone = async (key: string) => (await deps.db.prisma.job.findUnique({ where: { idempotencyKey: key } }))?.status === "succeeded";

describe("a broken Shopify connection", () => {
  it("a reconnect between a push's look at the vendor and its hold leaves no stale hold: the push is tried again", async () => {
    const [id] = await paidUnits(deps, b, s, s.mugOfferId, 1, "r");
    await redeemUnit(recipientContext({ db: deps.db, unitId: id!, log: deps.log }), deps, { variantId: s.variants["mug:default"]!, address: testAddress("Mary Jackson") });
    await deps.db.prisma.job.updateMany({ where: { idempotencyKey: `push:${id}` }, data: { status: "succeeded" } }); // this test runs the push itself
    await markConnectionBroken(deps, s.vendorId, "Shopify no longer accepts the app's access token (401 Unauthorized)");
    const io: PushIo = { log: deps.log, once: (effect, k) => once(deps, k, effect) };
    // The push has read the vendor as broken; the brand reconnects before it holds the unit.
    const attempt = pushUnitOrder(deps, id!, { ...io, at: async (p) => void (p === "loaded" && (await restoreConnection(deps, s.vendorId))) });
    await expect(attempt).rejects.toBeInstanceOf(PushTransientError);
    expect((await unit(id!)).operatorFlag).toBeNull();
    // Its retry pushes it.
    expect((await pushUnitOrder(deps, id!, io)).kind).toBe("pushed");
  }, 60_000);

  it("stops the catalog sync with the reason, holds order pushes with it, and a token exchange restores everything", async () => {
    const since = new Date();
    const [first, second] = await paidUnits(deps, b, s, s.mugOfferId, 2, "c");
    await redeemUnit(recipientContext({ db: deps.db, unitId: first!, log: deps.log }), deps, { variantId: s.variants["mug:default"]!, address: testAddress("Ada Lovelace") });
    standIn.revokeAccessTokens(SHOP);

    // The sync's first Shopify call gets 401: it fails at once (no ten retries), and says why.
    const started = await startCatalogSync(brandContext(deps, s.vendorId), deps);
    if (!started.ok) throw new Error(started.detail);
    const { syncId } = started;
    await withWorker(() => waitUntil(async () => (await latestSync(brandContext(deps, s.vendorId)))?.status === "failed"));
    const sync = (await latestSync(brandContext(deps, s.vendorId)))!;
    expect(sync.id).toBe(syncId);
    expect(sync.errorMessage).toMatch(new RegExp(`^${CONNECTION_BROKEN}: Shopify no longer accepts the app's access token \\(401 Unauthorized\\)$`));
    expect((await deps.db.prisma.job.findUniqueOrThrow({ where: { idempotencyKey: `catalog.run_bulk_sync:${syncId}` } })).attempts).toBe(1);
    const broken = await shopifyConnection(brandContext(deps, s.vendorId));
    expect(broken).toMatchObject({ broken: true, reason: "Shopify no longer accepts the app's access token (401 Unauthorized)" });
    // No sync starts while it is broken.
    expect(await startCatalogSync(brandContext(deps, s.vendorId), deps)).toMatchObject({ ok: false, code: "connection_broken" });

    // The push that was waiting is held with the reason; one redeemed now is held without calling Shopify.
    await withWorker(() => waitUntil(() => jobDone(`push:${first}`)));
    await redeemUnit(recipientContext({ db: deps.db, unitId: second!, log: deps.log }), deps, { variantId: s.variants["mug:default"]!, address: testAddress("Grace Hopper") });
    await withWorker(() => waitUntil(() => jobDone(`push:${second}`)));
    for (const id of [first!, second!]) {
      expect(await unit(id)).toMatchObject({ status: "redeemed", shopifyOrderId: null, operatorFlag: expect.stringContaining(`${CONNECTION_HOLD} (Shopify no longer accepts the app's access token (401 Unauthorized))`) });
    }
    const ordersOf = (ids: string[]) => standIn.orders(SHOP).filter((o) => ids.some((id) => o.tags.includes(`giftloop-unit-${id}`)));
    expect(ordersOf([first!, second!])).toHaveLength(0);

    // The operator sees both, with the reason, through the API.
    const held = await listHeldPushes(asPlatform(deps), { shop: SHOP });
    expect(held.map((h) => [h.unitId, h.kind])).toEqual(expect.arrayContaining([[first, "connection_broken"], [second, "connection_broken"]]));
    const app = createApp(deps);
    const token = await mintOperatorToken(deps.config, { sub: "ops", ttlSeconds: 60 });
    const res = await app.request(`/v1/operator/held-pushes?shop=${SHOP}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: Array<{ unitId: string; kind: string; reason: string; shop: string }> };
    expect(body.items.find((i) => i.unitId === first)).toMatchObject({ kind: "connection_broken", shop: SHOP, reason: expect.stringContaining("401 Unauthorized") });
    expect((await app.request("/v1/operator/held-pushes")).status).toBe(401);
    expect((await app.request("/v1/operator/held-pushes?shop=not%20a%20shop", { headers: { authorization: `Bearer ${token}` } })).status).toBe(400);

    // A session token Shopify does not accept (signed with another secret) gets no fresh token: still broken, with the newer reason.
    const forged = standIn.mintSessionToken(SHOP, { apiSecret: "not-the-app-secret" });
    const still = await reconnectShop(deps, { vendorId: s.vendorId, shop: SHOP, sessionToken: forged });
    expect(still).toMatchObject({ broken: true, reason: expect.stringMatching(/^reconnecting failed/) });
    expect((await unit(first!)).operatorFlag).toMatch(new RegExp(`^${CONNECTION_HOLD}`));

    // The brand opens the app: its session token is exchanged for a fresh access token.
    const mended = await reconnectShop(deps, { vendorId: s.vendorId, shop: SHOP, sessionToken: standIn.mintSessionToken(SHOP) });
    expect(mended).toMatchObject({ broken: false, reason: null });
    const resumed = (await latestSync(brandContext(deps, s.vendorId)))!;
    expect(resumed.id).not.toBe(syncId); // the sync starts again
    await withWorker(() =>
      waitUntil(async () => (await unit(first!)).status === "pushed" && (await unit(second!)).status === "pushed" && (await latestSync(brandContext(deps, s.vendorId)))?.status === "completed", 30_000),
    );
    expect(ordersOf([first!, second!])).toHaveLength(2);
    expect(await listHeldPushes(asPlatform(deps), { shop: SHOP })).toHaveLength(0);
    const audit = await deps.db.prisma.auditLog.findMany({ where: { vendorId: s.vendorId, action: { startsWith: "vendor.connection" }, at: { gte: since } }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["vendor.connection_broken", "vendor.connection_restored"]);
  }, 90_000);

});
