import type { Deps } from "../platform/deps.ts";
import { scrubJsonColumn } from "./customer-data.ts";
import { personMatch, REDACTED } from "./pii-scrub.ts";

/**
 * `shop/redact` (Shopify sends it 48 hours after an uninstall): the shop's data goes. Deleted:
 * its catalog mirror and sync history, offers, storefronts (logos too), shipping rules,
 * sessions and secrets, the vendor's stored files. Anonymised and kept: its gift units and
 * order recipient rows (amounts, statuses, Shopify order ids, refunds and orders stay for the
 * books; names, emails, phones, messages and addresses go), webhook events of the shop
 * (payloads emptied). The vendor row stays as an anonymous tombstone (`uninstalled`, name
 * "[redacted]"), so the record of money paid to it still has an owner and a repeat is a no-op.
 * If the shop is installed again at the time (a late delivery), nothing is done.
 */
export const SHOP_REDACT_ACTION = "compliance.shop_redact";

export interface ShopRedactOutcome {
  known: boolean;
  skipped?: "installed";
  products: number;
  offers: number;
  storefronts: number;
  sessions: number;
  secrets: number;
  units: number;
  recipientRows: number;
  webhookEvents: number;
  files: number;
}

export async function redactShop(deps: Pick<Deps, "db" | "storage">, shop: string): Promise<ShopRedactOutcome> {
  const zero = { products: 0, offers: 0, storefronts: 0, sessions: 0, secrets: 0, units: 0, recipientRows: 0, webhookEvents: 0, files: 0 };
  const vendor = (
    await deps.db.sql.query<{ id: string; status: string }>("SELECT id::text AS id, status::text AS status FROM vendor WHERE shop_domain = $1", [shop])
  )[0];
  if (!vendor) {
    const sessions = await deps.db.transaction((tx) => tx.execute(`DELETE FROM "Session" WHERE shop = $1`, [shop]));
    return { known: false, ...zero, sessions };
  }
  if (vendor.status === "active") return { known: true, skipped: "installed", ...zero };
  const logoKeys = (await deps.db.sql.query<{ key: string }>("SELECT logo_key AS key FROM storefront WHERE vendor_id = $1::uuid AND logo_key IS NOT NULL", [vendor.id])).map((r) => r.key);
  const dataRequestKeys = (
    await deps.db.sql.query<{ key: string }>(
      `SELECT k.key FROM audit_log a, LATERAL (VALUES (a.data->>'fileKey'), (a.data->>'sidecarKey')) AS k(key)
        WHERE a.vendor_id = $1::uuid AND a.entity IN ('data_request', 'packing_manifest') AND k.key IS NOT NULL`,
      [vendor.id],
    )
  ).map((r) => r.key);
  const counts = await deps.db.transaction(async (tx) => {
    const v = vendor.id;
    // Emails of its recipients, to scrub job payloads and dead letters that carry them.
    const emails = await tx.query<{ email: string }>(
      `SELECT DISTINCT lower(recipient_email) AS email FROM fulfillment_unit WHERE vendor_id = $1::uuid AND recipient_email NOT LIKE '%@redacted.invalid'`,
      [v],
    );
    let jobs = 0;
    for (const e of emails) {
      jobs += await scrubJsonColumn(tx, "job", "payload", personMatch({ email: e.email }));
      jobs += await scrubJsonColumn(tx, "dead_letter", "payload", personMatch({ email: e.email }));
    }
    const units = await tx.execute(
      `UPDATE fulfillment_unit SET recipient_name = '${REDACTED}', recipient_email = 'redacted+' || id::text || '@redacted.invalid',
              recipient_phone = NULL, message = NULL, shipping_address = NULL, updated_at = now()
        WHERE vendor_id = $1::uuid AND (recipient_email NOT LIKE '%@redacted.invalid' OR recipient_phone IS NOT NULL OR message IS NOT NULL OR shipping_address IS NOT NULL)`,
      [v],
    );
    const recipientRows = await tx.execute(
      `UPDATE order_recipient SET name = '${REDACTED}', email = 'redacted+' || id::text || '@redacted.invalid', phone = NULL, message = NULL
        WHERE (offer_id IN (SELECT id FROM gift_offer WHERE vendor_id = $1::uuid) OR id IN (SELECT recipient_id FROM fulfillment_unit WHERE vendor_id = $1::uuid))
          AND email NOT LIKE '%@redacted.invalid'`,
      [v],
    );
    const storefronts = await tx.execute("DELETE FROM storefront WHERE vendor_id = $1::uuid", [v]);
    const offers = await tx.execute("DELETE FROM gift_offer WHERE vendor_id = $1::uuid", [v]);
    await tx.execute("DELETE FROM shipping_rule WHERE vendor_id = $1::uuid", [v]);
    await tx.execute("DELETE FROM variant WHERE vendor_id = $1::uuid", [v]);
    const products = await tx.execute("DELETE FROM product WHERE vendor_id = $1::uuid", [v]);
    await tx.execute("DELETE FROM catalog_sync WHERE vendor_id = $1::uuid", [v]);
    const secrets = await tx.execute("DELETE FROM secret WHERE vendor_id = $1::uuid", [v]);
    const sessions = await tx.execute(`DELETE FROM "Session" WHERE shop = $1`, [shop]);
    const webhookEvents = await tx.execute(
      `UPDATE webhook_event SET payload = '{"redacted":true}'::jsonb WHERE shop_domain = $1 AND payload <> '{"redacted":true}'::jsonb`,
      [shop],
    );
    await tx.execute(`UPDATE vendor SET name = '${REDACTED}', email = NULL, updated_at = now() WHERE id = $1::uuid`, [v]);
    return { products, offers, storefronts, sessions, secrets, units, recipientRows, webhookEvents, jobs };
  });
  let files = 0;
  for (const key of [...logoKeys, ...dataRequestKeys]) {
    if (await deps.storage.exists(key)) {
      await deps.storage.delete(key);
      files++;
    }
  }
  const outcome: ShopRedactOutcome = { known: true, ...counts, files };
  await deps.db.sql.query(
    `INSERT INTO audit_log (id, vendor_id, actor, action, entity, entity_id, data) VALUES (gen_random_uuid(), $1::uuid, 'shopify:compliance', $2, 'vendor', $1, $3::jsonb)`,
    [vendor.id, SHOP_REDACT_ACTION, JSON.stringify(outcome)],
  );
  return outcome;
}
