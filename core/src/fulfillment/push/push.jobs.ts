import { z } from "zod";
import { defineJob, PermanentJobError, type Backoff, type JobDefinition } from "../../jobs/registry.ts";
import { jobInsertSql, type Tx } from "../../jobs/queue.ts";
import type { Deps } from "../../platform/deps.ts";
import { pushUnitOrder, PushRefusedError, type PushIo } from "./push-order.ts";

import { PUSH_MAX_ATTEMPTS, PUSH_ORDER_JOB, pushJobKey } from "./push.enqueue.ts";
import { unitOrderOnHoldSql } from "../../orders/order-hold.ts";

export { PUSH_ENQUEUE_CTE, PUSH_MAX_ATTEMPTS, PUSH_ORDER_JOB, pushJobKey } from "./push.enqueue.ts";

/**
 * `fulfillment.push_order`: one redeemed unit -> one Shopify order (push-order.ts). Retried
 * with backoff on Shopify 5xx, timeouts, throttling and network errors; dead-lettered at once
 * with the reason when Shopify refuses the order (userErrors, e.g. no stock) or the unit
 * cannot be pushed as it stands; a vendor that uninstalled is not pushed to (the unit is
 * flagged for the operator).
 */
export function createPushOrderJob(opts: { backoff?: Backoff; maxAttempts?: number; at?: PushIo["at"]; requestTimeoutMs?: number } = {}): JobDefinition<{ unitId: string }> {
  return defineJob({
    type: PUSH_ORDER_JOB,
    schema: z.object({ unitId: z.uuid() }),
    maxAttempts: opts.maxAttempts ?? PUSH_MAX_ATTEMPTS,
    backoff: opts.backoff ?? { baseMs: 2_000, maxMs: 10 * 60_000 },
    async handler({ unitId }, ctx) {
      try {
        const r = await pushUnitOrder(ctx.deps, unitId, {
          log: ctx.log,
          signal: ctx.signal,
          once: (effect, key) => ctx.once(effect, key),
          ...(opts.at ? { at: opts.at } : {}),
          ...(opts.requestTimeoutMs ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
        });
        if (r.kind === "not_pushable") ctx.log.info({ unit: unitId, status: r.status }, "unit is not redeemed; nothing to push");
      } catch (err) {
        if (err instanceof PushRefusedError) throw new PermanentJobError(err.message);
        throw err;
      }
    },
  });
}

export const pushOrderJob = createPushOrderJob();

/** Enqueues the push of a redeemed unit in the caller's transaction (once per unit). */
export function enqueuePush(deps: Pick<Deps, "jobs">, tx: Tx, unitId: string, opts: { key?: string } = {}) {
  return deps.jobs.enqueue(tx, pushOrderJob, { unitId }, { key: opts.key ?? pushJobKey(unitId) });
}

const SWEEP_UNPUSHED = `WITH unpushed AS (
     SELECT u.id, u.version, u.updated_at
     FROM fulfillment_unit u JOIN vendor v ON v.id = u.vendor_id AND v.status = 'active'
     WHERE u.status = 'redeemed' AND u.shopify_order_id IS NULL AND u.operator_flag IS NULL AND u.push_error IS NULL
       AND NOT ${unitOrderOnHoldSql("u")}
       AND NOT EXISTS (SELECT 1 FROM job j WHERE j.type = '${PUSH_ORDER_JOB}' AND j.payload->>'unitId' = u.id::text AND j.status IN ('queued', 'running', 'published'))
     LIMIT $1
   )
   ${jobInsertSql(
     { type: PUSH_ORDER_JOB, maxAttempts: PUSH_MAX_ATTEMPTS },
     {
       from: "unpushed",
       payload: "jsonb_build_object('unitId', unpushed.id)",
       key: "'push:' || unpushed.id || ':sweep:' || unpushed.version || ':' || (extract(epoch FROM unpushed.updated_at) * 1000)::bigint",
     },
   )}`;

/**
 * Safety net and the way back after a reinstall: enqueues a push for every redeemed unit
 * that has no Shopify order, no flag, no refusal and no push job under way (e.g. its vendor
 * uninstalled and reinstalled, which clears the flag; or it was redeemed before pushes
 * existed). The key includes the unit's version and update time, so a unit is swept again
 * only after it changed. Returns how many were enqueued.
 */
export async function sweepUnpushed(deps: Pick<Deps, "db">, limit = 500): Promise<number> {
  return deps.db.sql.execute(SWEEP_UNPUSHED, [limit]);
}

/** Runs the sweep (scheduled every minute by the worker role). */
export const pushSweepJob = defineJob({
  type: "fulfillment.push_sweep",
  schema: z.object({}),
  maxAttempts: 3,
  async handler(_payload, ctx) {
    const n = await sweepUnpushed(ctx.deps);
    if (n) ctx.log.info({ enqueued: n }, "order pushes enqueued for redeemed units without one");
  },
});
