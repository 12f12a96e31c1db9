import { jobInsertSql } from "../../jobs/queue.ts";

/**
 * The order push's job identity, without the job's own dependencies, so that the redemption
 * statement can enqueue the push in the same statement (and so the same commit) as the
 * redemption.
 */
export const PUSH_ORDER_JOB = "fulfillment.push_order";
export const PUSH_MAX_ATTEMPTS = 12;

/** The push job's idempotency key: one push per unit. */
export const pushJobKey = (unitId: string) => `push:${unitId}`;

/**
 * A CTE that enqueues `fulfillment.push_order` for the row(s) of a preceding CTE `upd(id)`
 * (the redeemed unit): the outbox row commits with the redemption or not at all, and the
 * key `push:<unitId>` (`pushJobKey`) makes it once per unit.
 */
export const PUSH_ENQUEUE_CTE = `push_job AS (
     ${jobInsertSql({ type: PUSH_ORDER_JOB, maxAttempts: PUSH_MAX_ATTEMPTS }, { from: "upd", payload: "jsonb_build_object('unitId', upd.id)", key: "'push:' || upd.id" })}
   )`;
