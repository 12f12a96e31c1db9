import type { SqlTx } from "../../platform/db/connect.ts";
import type { PlatformContext, VendorContext } from "../../platform/use-case.ts";
import { jobInsertSql } from "../../jobs/queue.ts";
import { PUSH_PAUSED_FLAG } from "../../compliance/uninstall.ts";
import { orderOnHoldSql } from "../../orders/order-hold.ts";
import { PUSH_MAX_ATTEMPTS, PUSH_ORDER_JOB } from "./push.enqueue.ts";

/**
 * Order pushes that wait: a redeemed gift whose Shopify order is not created yet and will
 * not be until something changes. The reasons, with what ends each:
 *  - `vendor_uninstalled`: the brand removed the app (`operator_flag` = PUSH_PAUSED_FLAG);
 *    a reinstall clears it (compliance/uninstall.ts);
 *  - `connection_broken`: Shopify refused the app's access token (401/403) while the brand
 *    still has the app (`operator_flag` starts with CONNECTION_HOLD); a fresh token exchange
 *    clears it and pushes again (vendors/shopify-connection.ts);
 *  - `payment_disputed`: the buyer's payment is disputed (orders/order-hold.ts);
 *  - `refused`: Shopify refused the order itself (`push_error`, the job dead-lettered);
 *  - `flagged`: any other operator flag (e.g. a unit canceled in Shopify).
 */
export const CONNECTION_HOLD = "Shopify connection broken: push paused";

/** The unit's flag while its brand's Shopify connection is broken, with Shopify's reason. */
export function connectionHoldFlag(reason: string): string {
  return `${CONNECTION_HOLD} (${reason})`.slice(0, 500);
}

export type HoldKind = "vendor_uninstalled" | "connection_broken" | "payment_disputed" | "refused" | "flagged";

export interface HeldPush {
  unitId: string;
  orderId: string;
  vendorId: string;
  shop: string;
  brand: string;
  kind: HoldKind;
  reason: string;
  redeemedAt: Date | null;
  /** Since when the push waits: the flag or error was set, or the dispute opened. */
  heldSince: Date;
}

/**
 * Clears the connection holds of a vendor's units and enqueues their pushes, in the caller's
 * transaction (the reconnect's). `restoreKey` makes the jobs' keys unique to this restore.
 * Returns the units released.
 */
export async function releaseConnectionHolds(tx: SqlTx, vendorId: string, restoreKey: string): Promise<string[]> {
  const rows = await tx.query<{ id: string }>(
    `WITH released AS (
       UPDATE fulfillment_unit SET operator_flag = NULL, push_error = NULL, updated_at = now()
       WHERE vendor_id = $1::uuid AND status = 'redeemed' AND shopify_order_id IS NULL AND operator_flag LIKE $2
       RETURNING id
     ), jobs AS (
       ${jobInsertSql({ type: PUSH_ORDER_JOB, maxAttempts: PUSH_MAX_ATTEMPTS }, { from: "released", payload: "jsonb_build_object('unitId', released.id)", key: "'push:' || released.id || ':reconnect:' || $3" })}
     )
     SELECT id::text AS id FROM released`,
    [vendorId, `${CONNECTION_HOLD}%`, restoreKey],
  );
  return rows.map((r) => r.id);
}

const HELD = `
  SELECT u.id::text AS unit_id, u.order_id::text AS order_id, u.vendor_id::text AS vendor_id, v.shop_domain AS shop, v.name AS brand,
         CASE
           WHEN u.operator_flag = $1 THEN 'vendor_uninstalled'
           WHEN u.operator_flag LIKE $2 THEN 'connection_broken'
           WHEN ${orderOnHoldSql("o")} THEN 'payment_disputed'
           WHEN u.operator_flag IS NOT NULL THEN 'flagged'
           ELSE 'refused'
         END AS kind,
         COALESCE(u.operator_flag, CASE WHEN ${orderOnHoldSql("o")} THEN 'payment disputed' END, u.push_error) AS reason,
         u.redeemed_at, CASE WHEN ${orderOnHoldSql("o")} AND u.operator_flag IS NULL THEN o.disputed_at ELSE u.updated_at END AS held_since
  FROM fulfillment_unit u
  JOIN vendor v ON v.id = u.vendor_id
  JOIN gift_order o ON o.id = u.order_id
  WHERE u.status = 'redeemed' AND u.shopify_order_id IS NULL
    AND (u.operator_flag IS NOT NULL OR (u.push_error IS NOT NULL AND u.push_error NOT LIKE 'retrying:%') OR ${orderOnHoldSql("o")})
    AND ($3::text IS NULL OR v.shop_domain = $3)
  ORDER BY held_since, u.id
  LIMIT $4`;

/** Redeemed gifts whose Shopify order waits, oldest first, with why (for operators: every brand's units unless `shop` names one). */
export async function listHeldPushes(ctx: PlatformContext, opts: { shop?: string; limit?: number } = {}): Promise<HeldPush[]> {
  const rows = await ctx.db.sql.query<{
    unit_id: string;
    order_id: string;
    vendor_id: string;
    shop: string;
    brand: string;
    kind: HoldKind;
    reason: string | null;
    redeemed_at: Date | string | null;
    held_since: Date | string;
  }>(HELD, [PUSH_PAUSED_FLAG, `${CONNECTION_HOLD}%`, opts.shop ?? null, opts.limit ?? 100]);
  return rows.map((r) => ({
    unitId: r.unit_id,
    orderId: r.order_id,
    vendorId: r.vendor_id,
    shop: r.shop,
    brand: r.brand,
    kind: r.kind,
    reason: r.reason ?? r.kind,
    redeemedAt: r.redeemed_at ? new Date(r.redeemed_at) : null,
    heldSince: new Date(r.held_since),
  }));
}

/** How many of the brand's redeemed gifts wait for its Shopify connection (read as the brand: row-level security shows only its units). */
export async function countConnectionHolds(ctx: VendorContext): Promise<number> {
  const [r] = await ctx.db.sql.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM fulfillment_unit WHERE status = 'redeemed' AND operator_flag LIKE $1",
    [`${CONNECTION_HOLD}%`],
  );
  return r?.n ?? 0;
}
