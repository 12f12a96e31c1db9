import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifyStandIn, type ShopifyStandIn } from "@giftloop/sandbox/shopify/server";
import { uninstallShopifySandboxRouting } from "../../integrations/shopify/sandbox-routing.ts";
import { startWorker } from "../../jobs/create-queue.ts";
import { waitUntil } from "../../jobs/testing/harness.ts";
import { spawnWorkerProcess } from "../../jobs/testing/worker-process.ts";
import { redeemUnit } from "../../redemption/redeem.ts";
import { recipientContext } from "../../redemption/recipient-context.ts";
import { testDeps, type TestDeps } from "../../testing/deps.ts";
import { seedVendor, type Seeded } from "../../testing/seed.ts";
import { unitTag } from "./push.graphql.ts";
import { createPushOrderJob } from "./push.jobs.ts";
import { buyer, installShop, mirrorSeedInStandIn, paidUnits, registryWith, testAddress } from "./testing.ts";

/**
 * The push job in real worker processes killed with SIGKILL at random moments (before,
 * during or after the Shopify call, before or after the bookkeeping), sometimes with the
 * order's answer lost as well: a fresh worker finishes each push and no unit ever has two
 * orders. Needs PostgreSQL (worker processes share the database), so it is a `.stack.test.ts`:
 * it runs in `npm run test:stack` only.
 */
const SHOP = "push-kill.myshopify.com";
const TRIALS = 15;
const child = fileURLToPath(new URL("./push-worker-child.ts", import.meta.url));

let standIn: ShopifyStandIn;
let deps: TestDeps;
let s: Seeded;

describe("order push under SIGKILL (worker processes)", () => {
  beforeAll(async () => {
    standIn = await startShopifyStandIn({ throttle: false, demoShop: false, shops: [{ domain: SHOP, products: 0 }] });
    deps = await testDeps({
      env: { SHOPIFY_SANDBOX_URL: standIn.url, SHOPIFY_API_SECRET: standIn.apiSecret, JOB_LEASE_SECONDS: "1" },
      registry: registryWith(createPushOrderJob({ backoff: { baseMs: 20, maxMs: 200 } })),
    });
    await installShop(deps, standIn, SHOP);
    s = await seedVendor(deps.db, { shop: SHOP });
    await mirrorSeedInStandIn(deps, standIn, SHOP, s);
  }, 60_000);
  afterAll(async () => {
    await deps?.close();
    await standIn?.close();
    await uninstallShopifySandboxRouting();
  });

  const spawnWorker = () =>
    spawnWorkerProcess(child, {
      DATA_DIR: deps.config.DATA_DIR,
      DATABASE_URL: deps.db.url!,
      SHOPIFY_SANDBOX_URL: standIn.url,
      SHOPIFY_API_SECRET: standIn.apiSecret,
    });

  it(`${TRIALS} pushes, each worker killed at a random moment, never create a duplicate order`, async () => {
    const ids = await paidUnits(deps, await buyer(deps), s, s.mugOfferId, TRIALS, "sk");
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let killedBeforeOrder = 0;
    let killedAfterOrder = 0;
    for (const id of ids) {
      const a = spawnWorker();
      await a.started;
      if (random() < 0.3) standIn.setFaults({ dropAfterCommit: 1 });
      const r = await redeemUnit(recipientContext({ db: deps.db, unitId: id, log: deps.log }), deps, { variantId: s.variants["mug:default"]!, address: testAddress("Kill Test") });
      expect(r.ok).toBe(true);
      await new Promise((res) => setTimeout(res, Math.floor(random() * 1200)));
      a.proc.kill("SIGKILL");
      await a.exited;
      standIn.setFaults({});
      if (standIn.orders(SHOP).some((o) => o.tags.includes(unitTag(id)))) killedAfterOrder++;
      else killedBeforeOrder++;
      // Another worker (here, in the test process) takes the job over once its lease lapses.
      const b = startWorker(deps, { pollIntervalMs: 5 });
      await waitUntil(async () => (await deps.db.prisma.fulfillmentUnit.findUniqueOrThrow({ where: { id } })).status === "pushed", 20_000, 20);
      await b.stop();
      expect(standIn.orders(SHOP).filter((o) => o.tags.includes(unitTag(id))), `unit ${id}`).toHaveLength(1);
    }
    // The kills landed on both sides of the order's creation.
    expect(killedBeforeOrder).toBeGreaterThan(0);
    expect(killedAfterOrder).toBeGreaterThan(0);
  }, 300_000);
});
