/**
 * Gifting core benchmark (partial): splitting a paid order of 10,000 recipients into units
 * (codes, HMACs, sealed codes, unit rows, email jobs) in one transaction on PostgreSQL,
 * against the raw floor of inserting the same 10,000 unit rows with one statement.
 */
import pg from "pg";
import { parseConfig } from "../core/src/platform/config.ts";
import { buildDeps } from "../core/src/platform/build-deps.ts";
import { migrate } from "../core/src/platform/db/migrate.ts";
import { createLogger } from "../core/src/platform/logger.ts";
import { createBuyerOrg } from "../core/src/buyers/buyers.service.ts";
import { createOrder } from "../core/src/orders/create-order.ts";
import { splitOrder } from "../core/src/orders/split-order.ts";
import { seedVendor } from "../core/src/testing/seed.ts";
import { progress, report } from "./figures.ts";
import { freshPostgres } from "./pg.ts";

const N = 10_000;

export async function run(): Promise<void> {
  const db = await freshPostgres("gl_bench_orders");
  try {
    const config = parseConfig({ NODE_ENV: "test", LOG_LEVEL: "warn", DATA_DIR: ".data/bench", DATABASE_URL: db.url });
    const deps = await buildDeps(config, { log: createLogger("warn") });
    await migrate(deps.db.sql);
    const s = await seedVendor(deps.db);
    const org = await createBuyerOrg(deps.db, { name: "Bench", email: "b@bench.test" }, { actor: "bench" });
    const buyer = { buyerOrgId: org.id, apiKeyId: org.apiKey.id };
    const created = await createOrder(deps, buyer, {
      storefront: s.storefrontSlug,
      offerId: s.choiceOfferId,
      recipients: Array.from({ length: N }, (_, i) => ({ name: `Recipient ${i}`, email: `r${i}@bench.test`, country: "US", message: "Thank you for a great year!" })),
    });
    if (!created.ok) throw new Error(JSON.stringify(created).slice(0, 500));
    await deps.db.prisma.giftOrder.update({ where: { id: created.orderId }, data: { stripePaymentIntentId: "pi_bench" } });
    progress(`order of ${N} recipients created; splitting`);
    const t0 = performance.now();
    const r = await splitOrder(deps, { paymentIntentId: "pi_bench", amount: created.quote.totalAmount, currency: "usd" });
    const splitMs = performance.now() - t0;
    if (!r.split || r.units !== N) throw new Error(`split made ${JSON.stringify(r)}`);

    // Raw floor: the same number of unit rows, one INSERT … SELECT from the recipients.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query("BEGIN");
    const t1 = performance.now();
    await client.query(
      `INSERT INTO fulfillment_unit (id, order_id, recipient_id, vendor_id, offer_id, amount, currency, recipient_name,
         recipient_email, message, choices, code_hash, code_sealed, send_at, expires_at, updated_at)
       SELECT gen_random_uuid(), order_id, gen_random_uuid(), $2::uuid, offer_id, amount, 'USD', name, email, message, '[]'::jsonb,
              md5(random()::text) || id::text, 'sealed', now(), now() + interval '90 days', now()
       FROM order_recipient WHERE order_id = $1::uuid`,
      [created.orderId, s.vendorId],
    );
    const floorMs = performance.now() - t1;
    await client.query("ROLLBACK");
    await client.end();
    await deps.db.close();
    report({ metric: "orders.split_10k.ms", value: splitMs, unit: "ms", target: "<= 1500" });
    report({ metric: "orders.split_10k.raw_floor_ms", value: floorMs, unit: "ms" });
    report({ metric: "orders.split_10k.ratio_to_floor", value: splitMs / floorMs, unit: "x", target: "<= 10" });
  } finally {
    await db.drop();
  }
}
