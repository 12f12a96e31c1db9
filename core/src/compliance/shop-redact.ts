import type { Deps } from "../platform/deps.ts";
import type { SqlTx } from "../platform/db/connect.ts";
import { personMatch, REDACTED, scrubPerson } from "./pii-scrub.ts";

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
    // Emails of its recipients, to scrub job payloads and dead letters that carry them (one scan each).
    const emails = await tx.query<{ email: string }>(
      `SELECT DISTINCT lower(recipient_email) AS email FROM fulfillment_unit WHERE vendor_id = $1::uuid AND recipient_email NOT LIKE '%@redacted.invalid'`,
      [v],
    );
    const people = new Set(emails.map((e) => e.email));
    const jobs = (await scrubPeople(tx, "job", "payload", people)) + (await scrubPeople(tx, "dead_letter", "payload", people));
    const units = await tx.execute(
      `UPDATE fulfillment_unit SET recipient_name = '${REDACTED}', recipient_email = 'redacted+' || id::text || '@redacted.invalid',
              recipient_phone = NULL, message = NULL, shipping_address = NULL, thank_you_note = NULL, updated_at = now()
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

const EMAIL_IN_TEXT = /[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/gi;

/** Rewrites the documents of `table.column` that mention any of these emails, in one scan. */
async function scrubPeople(tx: SqlTx, table: "job" | "dead_letter", column: "payload", emails: Set<string>): Promise<number> {
  if (!emails.size) return 0;
  const rows = await tx.query<{ id: string; doc: unknown }>(`SELECT id::text AS id, ${column} AS doc FROM ${table} WHERE ${column}::text LIKE '%@%'`);
  let changed = 0;
  for (const row of rows) {
    let doc = typeof row.doc === "string" ? (JSON.parse(row.doc) as unknown) : row.doc;
    const found = [...new Set((JSON.stringify(doc).match(EMAIL_IN_TEXT) ?? []).map((e) => e.toLowerCase()))].filter((e) => emails.has(e));
    if (!found.length) continue;
    for (const email of found) doc = scrubPerson(doc, personMatch({ email })) ?? doc;
    await tx.execute(`UPDATE ${table} SET ${column} = $2::jsonb WHERE id = $1::uuid`, [row.id, JSON.stringify(doc)]);
    changed++;
  }
  return changed;
}
