import type { Deps } from "../platform/deps.ts";
import { statement } from "../platform/db/connect.ts";
import { jobInsertSql } from "../jobs/queue.ts";
import { PUSH_MAX_ATTEMPTS, PUSH_ORDER_JOB } from "../fulfillment/push/push.enqueue.ts";
import type { Address } from "./address.ts";
import { giftViewJson, UUID } from "./gift-view.ts";

export type CorrectionResult =
  | { ok: true; view: string }
  | { ok: false; code: "not_found" | "not_redeemed" | "already_ordered" | "unavailable" | "country_not_shipped" };

/**
 * The recipient corrects the shipping address of a redeemed gift, as long as it is not yet
 * being ordered from the brand. The order push (fulfillment/push/push-order.ts) marks the
 * unit `push_started_at` in a statement of its own before it talks to Shopify, and reads the
 * address it sends from that same statement; this one locks the unit and writes only while
 * that mark is absent. The two serialize on the unit's row, so either the correction lands
 * first and the push sends the corrected address, or the push started first and the
 * correction is refused (`already_ordered`): never an order with an address the recipient
 * believes they changed.
 *
 * Shopify refusing the order (e.g. an address it cannot ship to) clears the mark and leaves
 * the reason in `push_error`: a correction then clears the reason and enqueues a new push.
 * The same country rules as the redemption apply (the brand ships there; the country the
 * buyer paid shipping to).
 */
const CORRECT = statement(
  `WITH u AS MATERIALIZED (
     SELECT f.id, f.status::text AS status, f.push_started_at, f.ship_country, f.vendor_id, f.push_error
     FROM fulfillment_unit f WHERE f.id = $1::uuid
     FOR UPDATE
   ), checked AS MATERIALIZED (
     SELECT u.*, CASE
       WHEN u.status IN ('issued', 'sent') THEN 'not_redeemed'
       WHEN u.status IN ('pushed', 'shipped', 'delivered') OR (u.status = 'redeemed' AND u.push_started_at IS NOT NULL) THEN 'already_ordered'
       WHEN u.status <> 'redeemed' THEN 'unavailable'
       WHEN NOT EXISTS (SELECT 1 FROM shipping_rule s WHERE s.vendor_id = u.vendor_id AND s.country IN ($2::jsonb->>'country', '*')) THEN 'country_not_shipped'
       WHEN u.ship_country IS NOT NULL AND u.ship_country <> $2::jsonb->>'country' THEN 'country_not_shipped'
     END AS refusal
     FROM u
   ), upd AS (
     UPDATE fulfillment_unit f
     SET shipping_address = $2::jsonb, version = f.version + 1, updated_at = now(), push_error = NULL
     FROM checked c
     WHERE f.id = c.id AND c.refusal IS NULL
     RETURNING f.id, f.version, c.push_error IS NOT NULL AS refused_before
   ), repush AS (
     ${jobInsertSql(
       { type: PUSH_ORDER_JOB, maxAttempts: PUSH_MAX_ATTEMPTS },
       { from: "upd WHERE upd.refused_before", payload: "jsonb_build_object('unitId', upd.id)", key: "'push:' || upd.id || ':address:' || upd.version" },
     )}
   )
   SELECT COALESCE((SELECT refusal FROM checked), 'not_found') AS refusal, (SELECT count(*)::int FROM upd) AS updated`,
);

export async function correctAddress(
  deps: Pick<Deps, "db" | "log"> & { config?: Pick<Deps["config"], "publicUrl"> },
  unitId: string,
  address: Address,
): Promise<CorrectionResult> {
  if (!UUID.test(unitId)) return { ok: false, code: "not_found" };
  const [row] = await deps.db.sql.query<{ refusal: string | null; updated: number }>(CORRECT, [unitId, JSON.stringify(address)]);
  if (!row || row.updated === 0) {
    const code = (row?.refusal ?? "not_found") as Exclude<CorrectionResult, { ok: true }>["code"];
    return { ok: false, code };
  }
  deps.log.info({ unit: unitId }, "recipient corrected the shipping address");
  const view = await giftViewJson(deps.db, unitId, deps.config?.publicUrl ?? "");
  return view ? { ok: true, view } : { ok: false, code: "not_found" };
}
