import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { connectDatabase } from "../platform/db/connect.ts";
import { migrate } from "../platform/db/migrate.ts";
import { seedVendor } from "../testing/seed.ts";
import { CONNECTION_HOLD, connectionHoldFlag } from "../fulfillment/push/push-holds.ts";

const cli = fileURLToPath(new URL("./cli.ts", import.meta.url));

/** The CLI as a child process (asynchronously, so this worker keeps answering Vitest meanwhile). */
function run(dataDir: string, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", cli, ...args], {
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", LOG_LEVEL: "silent" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** `npm run jobs -- held-pushes` on the embedded database (no server running). */
describe("jobs CLI: held pushes", () => {
  it("lists redeemed gifts whose Shopify order is held, with the reason", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "giftloop-cli-held-"));
    const db = await connectDatabase({ dataDir: path.join(dataDir, "pglite") });
    await migrate(db.owner);
    const s = await seedVendor(db, { shop: "held-cli.myshopify.com" });
    const reason = "Shopify no longer accepts the app's access token (401 Unauthorized)";
    const [unit] = await db.sql.query<{ id: string }>(
      `WITH b AS (INSERT INTO buyer_org (id, name, email) VALUES (gen_random_uuid(), 'Acme', 'a@acme.test') RETURNING id),
            o AS (INSERT INTO gift_order (id, buyer_org_id, storefront_id, status, currency, items_amount, shipping_amount, total_amount, recipient_count, updated_at)
                  SELECT gen_random_uuid(), b.id, $1::uuid, 'paid', 'USD', 3000, 800, 3800, 1, now() FROM b RETURNING id),
            r AS (INSERT INTO order_recipient (id, order_id, row, offer_id, name, email, amount)
                  SELECT gen_random_uuid(), o.id, 1, $2::uuid, 'Ada', 'ada@example.test', 3800 FROM o RETURNING id, order_id)
       INSERT INTO fulfillment_unit (id, order_id, recipient_id, vendor_id, offer_id, status, amount, currency, recipient_name, recipient_email,
                                     choices, code_hash, code_sealed, send_at, expires_at, redeemed_at, chosen_variant_id, operator_flag, updated_at)
       SELECT gen_random_uuid(), r.order_id, r.id, $3::uuid, $2::uuid, 'redeemed', 3800, 'USD', 'Ada', 'ada@example.test',
              jsonb_build_array($4::text), 'hash-held-cli', 'sealed', now(), now() + interval '30 days', now(), $4::uuid, $5, now()
       FROM r RETURNING id::text AS id`,
      [s.storefrontId, s.mugOfferId, s.vendorId, s.variants["mug:default"], connectionHoldFlag(reason)],
    );
    await db.close();

    const out = await run(dataDir, "held-pushes");
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toContain(unit!.id);
    expect(out.stdout).toContain("held-cli.myshopify.com  connection_broken");
    expect(out.stdout).toContain(`${CONNECTION_HOLD} (${reason})`);

    const json = await run(dataDir, "held-pushes", "--json", "--shop", "other.myshopify.com");
    expect(json.status, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([]);
  }, 90_000);
});
