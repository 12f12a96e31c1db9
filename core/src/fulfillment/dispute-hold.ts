import type { TxSql } from "../platform/lifecycle/lifecycle.ts";
import type { Deps } from "../platform/deps.ts";
import { enqueueFromSql } from "../jobs/queue.ts";
import { unitLifecycle, type UnitStatus } from "../platform/lifecycle/lifecycles.ts";
import { giftEmailJob, giftEmailKeySql } from "./gift-email.jobs.ts";
import { pushOrderJob } from "./push/push.jobs.ts";
import { releaseStockSql } from "../catalog/stock.ts";

/**
 * What a disputed order's gifts do when the dispute closes (see orders/order-hold.ts for
 * the hold itself). Both run in the transaction that closes the dispute, after it locked
 * and updated the order's row.
 */

/**
 * The dispute ended in the platform's favour: the gifts the hold kept back go out. Gift
 * emails for units still `issued` and not past their expiry (those expire and are refunded
 * with the next expiry run) whose email job is not waiting to run (it ran during the hold
 * and held the email; a job still queued will find the order released), at their send
 * date or now; a job that is running right now may be the one that held it, or one sending
 * it, so the new one starts a minute later, when the unit it finds is `sent` if that one
 * sent it. Shopify orders for units redeemed before the hold that have none (pushes find
 * their order themselves, so a second one is harmless). Returns how many of each.
 */
export async function releaseHeldGifts(
  deps: Pick<Deps, "jobs">,
  tx: TxSql,
  orderId: string,
  releaseKey: string,
): Promise<{ emails: number; pushes: number }> {
  const emails = await tx.$executeRawUnsafe(
    `WITH held AS (
       SELECT u.id, GREATEST(u.send_at, now()) + CASE WHEN j.status = 'running' THEN interval '1 minute' ELSE interval '0' END AS run_at,
              row_number() OVER (ORDER BY u.send_at, u.id) AS pos
       FROM fulfillment_unit u
       LEFT JOIN job j ON j.idempotency_key = ${giftEmailKeySql("u.id::text")}
       WHERE u.order_id = $1::uuid AND u.status = 'issued' AND u.expires_at > now()
         AND (j.status IS NULL OR j.status NOT IN ('queued', 'published'))
     )
     ${enqueueFromSql(deps.jobs.registry, giftEmailJob, {
       from: "held",
       payload: "jsonb_build_object('unitId', held.id::text)",
       key: `${giftEmailKeySql("held.id::text")} || ':released:' || $2`,
       runAt: "held.run_at",
       priority: "held.pos",
     })}`,
    orderId,
    releaseKey,
  );
  const pushes = await tx.$executeRawUnsafe(
    `WITH held AS (
       SELECT u.id FROM fulfillment_unit u
       WHERE u.order_id = $1::uuid AND u.status = 'redeemed' AND u.shopify_order_id IS NULL
     )
     ${enqueueFromSql(deps.jobs.registry, pushOrderJob, {
       from: "held",
       payload: "jsonb_build_object('unitId', held.id::text)",
       key: `'push:' || held.id || ':released:' || $2`,
     })}`,
    orderId,
    releaseKey,
  );
  return { emails, pushes };
}

/** The statuses of a gift that has not become a Shopify order yet, and can still be canceled. */
const NOT_YET_ORDERED: UnitStatus[] = (["issued", "sent", "redeemed"] as const).filter((s) => unitLifecycle.canMove(s, "canceled"));

/**
 * The dispute was lost: the buyer's card issuer gave them the money back, so the gifts not
 * yet ordered from the brand are canceled (recorded as the unit lifecycle records every
 * move), without a refund: the chargeback was the refund. Redeemed gifts give back the
 * stock they reserved. Gifts already ordered in Shopify stay with the brand. Returns how
 * many were canceled.
 */
export async function cancelChargedBackGifts(tx: TxSql, orderId: string, reason: string): Promise<number> {
  const rows = await tx.$queryRawUnsafe<Array<{ n: number }>>(
    `WITH old AS MATERIALIZED (
       SELECT f.id, f.status::text AS status, f.chosen_variant_id FROM fulfillment_unit f
       WHERE f.order_id = $1::uuid AND f.status::text = ANY ($2::text[])
       ORDER BY f.id FOR UPDATE
     ), ${unitLifecycle.transitionAllCtes("upd", { source: "old", to: "canceled", actor: "'stripe'", reason: "$3", returning: ["chosen_variant_id"] })},
     stock AS (
       ${releaseStockSql("(SELECT chosen_variant_id AS id, count(*)::int AS n FROM upd WHERE from_status = 'redeemed' AND chosen_variant_id IS NOT NULL GROUP BY 1)")}
     )
     SELECT count(*)::int AS n FROM upd`,
    orderId,
    NOT_YET_ORDERED,
    reason,
  );
  return rows[0]?.n ?? 0;
}
