import { statement } from "../platform/db/connect.ts";
import { fieldError } from "../platform/field-error.ts";
import { refuse, type Outcome, type Refusal } from "../platform/use-case.ts";
import { jobInsertSql } from "../jobs/queue.ts";
import { PUSH_MAX_ATTEMPTS, PUSH_ORDER_JOB } from "../fulfillment/push/push.enqueue.ts";
import type { Address } from "./address.ts";
import { giftViewJson, UUID, type GiftViewDeps } from "./gift-view.ts";
import type { RecipientContext } from "./recipient-context.ts";

export type CorrectionRefusalCode = "not_found" | "not_redeemed" | "already_ordered" | "unavailable" | "country_not_shipped";

/** `view`: the gift as it now stands, a `GiftView` as JSON text. */
export type CorrectionResult = Outcome<{ view: string }, CorrectionRefusalCode>;

const CORRECTION_REFUSALS: Record<CorrectionRefusalCode, string> = {
  not_found: "This gift no longer exists.",
  not_redeemed: "This gift has not been redeemed yet: choose your item and address first.",
  already_ordered:
    "Your gift has already been ordered from the brand, so its address can no longer be changed here. If it must go elsewhere, please reach out to the sender.",
  unavailable: "This gift was canceled.",
  country_not_shipped: "This gift can't be shipped to that country.",
};

function correctionRefusal(code: CorrectionRefusalCode): Refusal<CorrectionRefusalCode> {
  const detail = CORRECTION_REFUSALS[code];
  return refuse(code, detail, code === "country_not_shipped" ? { errors: [fieldError(["address", "country"], code, detail)] } : {});
}

/**
 * The recipient corrects the shipping address of their redeemed gift (`ctx.tenant.unitId`),
 * as long as it is not yet being ordered from the brand. The order push
 * (fulfillment/push/push-order.ts) marks the unit `push_started_at` in a statement of its own
 * before it talks to Shopify, and reads the address it sends from that same statement; this
 * one locks the unit and writes only while that mark is absent. The two serialize on the unit's row, so either the correction lands
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

export async function correctAddress(ctx: RecipientContext, deps: GiftViewDeps, input: { address: Address }): Promise<CorrectionResult> {
  const { unitId } = ctx.tenant;
  if (!UUID.test(unitId)) return correctionRefusal("not_found");
  const [row] = await ctx.db.sql.query<{ refusal: CorrectionRefusalCode | null; updated: number }>(CORRECT, [unitId, JSON.stringify(input.address)]);
  if (!row || row.updated === 0) return correctionRefusal(row?.refusal ?? "not_found");
  ctx.log.info({ unit: unitId }, "recipient corrected the shipping address");
  const view = await giftViewJson(ctx, deps);
  return view ? { ok: true, view } : correctionRefusal("not_found");
}
