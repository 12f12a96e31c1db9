import type { Deps } from "../platform/deps.ts";
import { markVendorUninstalled } from "../vendors/vendors.service.ts";

/**
 * `app/uninstalled`, and the way back. Uninstalling marks the vendor uninstalled (which is
 * what the order-push job checks before calling Shopify), deletes the shop's sessions (their
 * tokens are dead), pauses the vendor's active offers and flags every redeemed unit that is
 * not yet in Shopify for the operator, so nothing waiting is lost. One audit entry records
 * which offers and units it touched; `restoreAfterReinstall` reads it back to reactivate
 * exactly those offers and clear exactly those flags. Both are safe to run twice.
 */
export const PUSH_PAUSED_FLAG = "vendor uninstalled: push paused";
export const UNINSTALL_ACTION = "compliance.uninstall_paused";
export const RESTORE_ACTION = "compliance.reinstall_restored";

export interface UninstallOutcome {
  known: boolean;
  vendorId?: string;
  markedUninstalled: boolean;
  sessionsDeleted: number;
  offersPaused: string[];
  unitsFlagged: string[];
}

export async function handleAppUninstalled(deps: Pick<Deps, "db">, shop: string, at = new Date()): Promise<UninstallOutcome> {
  const vendor = (await deps.db.sql.query<{ id: string }>("SELECT id::text AS id FROM vendor WHERE shop_domain = $1", [shop]))[0];
  // Sessions go whether or not a vendor exists (an install that never finished).
  const sessionsDeleted = await deps.db.transaction((tx) => tx.execute(`DELETE FROM "Session" WHERE shop = $1`, [shop]));
  if (!vendor) return { known: false, markedUninstalled: false, sessionsDeleted, offersPaused: [], unitsFlagged: [] };
  const markedUninstalled = await markVendorUninstalled(deps, shop, at);
  const { offersPaused, unitsFlagged } = await deps.db.transaction(async (tx) => {
    // Only while still uninstalled: a reinstall that raced ahead of this delivery wins.
    const still = await tx.query<{ status: string }>("SELECT status::text AS status FROM vendor WHERE id = $1::uuid FOR UPDATE", [vendor.id]);
    if (still[0]?.status !== "uninstalled") return { offersPaused: [], unitsFlagged: [] };
    const offers = await tx.query<{ id: string }>(
      `UPDATE gift_offer SET status = 'paused', version = version + 1, updated_at = now()
        WHERE vendor_id = $1::uuid AND status = 'active' RETURNING id::text AS id`,
      [vendor.id],
    );
    const units = await tx.query<{ id: string }>(
      `UPDATE fulfillment_unit SET operator_flag = $2, updated_at = now()
        WHERE vendor_id = $1::uuid AND status = 'redeemed' AND shopify_order_id IS NULL AND operator_flag IS NULL
        RETURNING id::text AS id`,
      [vendor.id, PUSH_PAUSED_FLAG],
    );
    const r = { offersPaused: offers.map((o) => o.id), unitsFlagged: units.map((u) => u.id) };
    if (r.offersPaused.length || r.unitsFlagged.length) {
      await tx.execute(
        `INSERT INTO audit_log (id, vendor_id, actor, action, entity, entity_id, data)
         VALUES (gen_random_uuid(), $1::uuid, 'shopify:app/uninstalled', $2, 'vendor', $1, $3::jsonb)`,
        [vendor.id, UNINSTALL_ACTION, JSON.stringify(r)],
      );
      for (const id of r.offersPaused) {
        await tx.execute(
          `INSERT INTO audit_log (id, vendor_id, actor, action, entity, entity_id, data)
           VALUES (gen_random_uuid(), $1::uuid, 'shopify:app/uninstalled', 'offer.paused', 'gift_offer', $2, '{"reason":"app uninstalled"}'::jsonb)`,
          [vendor.id, id],
        );
      }
    }
    return r;
  });
  return { known: true, vendorId: vendor.id, markedUninstalled, sessionsDeleted, offersPaused, unitsFlagged };
}

export interface RestoreOutcome {
  offersReactivated: string[];
  unitsUnflagged: string[];
}

/**
 * After a reinstall (installVendor's outcome `reactivated`): offers the uninstall paused and
 * that are still paused become active again; the uninstall's push-paused flags are cleared,
 * so the order-push job (which skips flagged units and uninstalled vendors) takes them up.
 * Offers the brand changed since (archived, edited and re-paused) are left as they are.
 */
export async function restoreAfterReinstall(deps: Pick<Deps, "db">, vendorId: string): Promise<RestoreOutcome> {
  return deps.db.transaction(async (tx) => {
    const v = await tx.query<{ status: string }>("SELECT status::text AS status FROM vendor WHERE id = $1::uuid FOR UPDATE", [vendorId]);
    if (v[0]?.status !== "active") return { offersReactivated: [], unitsUnflagged: [] };
    const pending = await tx.query<{ id: string; data: { offersPaused?: string[] } }>(
      `SELECT a.id::text AS id, a.data FROM audit_log a
        WHERE a.vendor_id = $1::uuid AND a.action = $2
          AND NOT EXISTS (SELECT 1 FROM audit_log r WHERE r.vendor_id = a.vendor_id AND r.action = $3 AND r.data->>'uninstallEntry' = a.id::text)
        ORDER BY a.at`,
      [vendorId, UNINSTALL_ACTION, RESTORE_ACTION],
    );
    const offerIds = [...new Set(pending.flatMap((p) => p.data.offersPaused ?? []))];
    const offers = offerIds.length
      ? await tx.query<{ id: string }>(
          `UPDATE gift_offer SET status = 'active', version = version + 1, updated_at = now()
            WHERE vendor_id = $1::uuid AND status = 'paused' AND id = ANY($2::uuid[]) RETURNING id::text AS id`,
          [vendorId, offerIds],
        )
      : [];
    const units = await tx.query<{ id: string }>(
      `UPDATE fulfillment_unit SET operator_flag = NULL, updated_at = now()
        WHERE vendor_id = $1::uuid AND operator_flag = $2 RETURNING id::text AS id`,
      [vendorId, PUSH_PAUSED_FLAG],
    );
    const r = { offersReactivated: offers.map((o) => o.id), unitsUnflagged: units.map((u) => u.id) };
    for (const p of pending) {
      await tx.execute(
        `INSERT INTO audit_log (id, vendor_id, actor, action, entity, entity_id, data)
         VALUES (gen_random_uuid(), $1::uuid, 'shopify:install', $2, 'vendor', $1, $3::jsonb)`,
        [vendorId, RESTORE_ACTION, JSON.stringify({ uninstallEntry: p.id, ...r })],
      );
    }
    return r;
  });
}
