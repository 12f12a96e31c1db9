import type { Deps } from "../platform/deps.ts";
import type { PlatformContext } from "../platform/use-case.ts";
import { txSqlOf, TransitionError } from "../platform/lifecycle/lifecycle.ts";
import { payoutLifecycle, type PayoutStatus } from "./payout-lifecycle.ts";
import { enqueueTransfers } from "./transfer.jobs.ts";
import { payoutDetail, type PayoutDetail } from "./vendor-payouts.ts";

/**
 * The operator's payout operations (approve, retry, list, inspect), for platform staff across
 * every brand: each takes the platform's context first. Each change goes through the payout
 * lifecycle (state + version checked, transition recorded) and is audited with the actor and
 * the request, in the same transaction.
 */
export type ChangeResult = { ok: true; status: PayoutStatus; version: number } | { ok: false; code: "not_found" | "stale" | "not_allowed"; message: string };

async function change(
  ctx: PlatformContext,
  deps: Pick<Deps, "jobs">,
  payoutId: string,
  opts: { to: PayoutStatus; from: PayoutStatus[]; expectedVersion?: number; action: string; reason: string; set?: Record<string, unknown>; enqueue?: string },
): Promise<ChangeResult> {
  try {
    return await ctx.db.transaction(async (sqlTx) => {
      const tx = txSqlOf(sqlTx);
      const [p] = await sqlTx.query<{ status: PayoutStatus; version: number; vendor_id: string }>(
        "SELECT status::text AS status, version, vendor_id::text FROM payout WHERE id = $1::uuid FOR UPDATE",
        [payoutId],
      );
      if (!p) return { ok: false, code: "not_found", message: "No payout has this id." } as const;
      if (!opts.from.includes(p.status)) {
        return { ok: false, code: "not_allowed", message: `The payout is ${p.status}; only a ${opts.from.join(" or ")} payout can be ${opts.action}.` } as const;
      }
      const moved = await payoutLifecycle.transition(tx, {
        id: payoutId,
        to: opts.to,
        expectedVersion: opts.expectedVersion ?? p.version,
        actor: ctx.actor,
        reason: opts.reason,
        ...(opts.set ? { set: opts.set } : {}),
      });
      if (opts.enqueue) await enqueueTransfers(deps, tx, [payoutId], opts.enqueue.replace("{v}", String(moved.version)));
      await tx.$executeRawUnsafe(
        `INSERT INTO audit_log (id, vendor_id, actor, action, entity, entity_id, request_id, data)
         VALUES (gen_random_uuid(), $1::uuid, $2, $3, 'payout', $4, $5, $6::jsonb)`,
        p.vendor_id,
        ctx.actor,
        `payouts.${opts.action}`,
        payoutId,
        ctx.requestId ?? null,
        JSON.stringify({ from: p.status, to: opts.to, version: moved.version }),
      );
      return { ok: true, status: opts.to, version: moved.version } as const;
    });
  } catch (err) {
    if (err instanceof TransitionError) return { ok: false, code: err.code, message: err.message };
    throw err;
  }
}

/** draft → approved, and its transfers are enqueued. */
export function approvePayout(ctx: PlatformContext, deps: Pick<Deps, "jobs">, payoutId: string, expectedVersion?: number): Promise<ChangeResult> {
  return change(ctx, deps, payoutId, {
    to: "approved",
    from: ["draft"],
    ...(expectedVersion !== undefined ? { expectedVersion } : {}),
    action: "approved",
    reason: `approved by ${ctx.actor}`,
    set: { approved_by: ctx.actor, approved_at: new Date() },
    enqueue: "approved",
  });
}

/** failed / needs_attention → transferring: the transfers not made yet are tried again (each looked for at Stripe first). */
export function retryPayout(ctx: PlatformContext, deps: Pick<Deps, "jobs">, payoutId: string, expectedVersion?: number): Promise<ChangeResult> {
  return change(ctx, deps, payoutId, {
    to: "transferring",
    from: ["failed", "needs_attention"],
    ...(expectedVersion !== undefined ? { expectedVersion } : {}),
    action: "retried",
    reason: `retried by ${ctx.actor}`,
    set: { failure_reason: null },
    enqueue: "retry:{v}",
  });
}

export interface OperatorPayoutItem {
  id: string;
  vendorId: string;
  vendorName: string;
  status: PayoutStatus;
  version: number;
  currency: string;
  amountMinor: number;
  lineCount: number;
  failureReason: string | null;
  createdAt: string;
  paidAt: string | null;
}

export async function listPayouts(
  ctx: PlatformContext,
  opts: { status?: PayoutStatus; vendorId?: string; limit: number },
): Promise<OperatorPayoutItem[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (opts.status) where.push(`p.status = $${params.push(opts.status)}::"PayoutStatus"`);
  if (opts.vendorId) where.push(`p.vendor_id = $${params.push(opts.vendorId)}::uuid`);
  const rows = await ctx.db.sql.query<{
    id: string; vendor_id: string; vendor_name: string; status: PayoutStatus; version: number; currency: string; amount: number; line_count: number;
    failure_reason: string | null; created_at: Date; paid_at: Date | null;
  }>(
    `SELECT p.id::text, p.vendor_id::text, v.name AS vendor_name, p.status::text AS status, p.version, p.currency, p.amount, p.line_count,
            p.failure_reason, p.created_at, p.paid_at
     FROM payout p JOIN vendor v ON v.id = p.vendor_id
     ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
     ORDER BY p.created_at DESC, p.id DESC LIMIT ${Math.min(Math.max(1, Math.floor(opts.limit)), 1000)}`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    vendorId: r.vendor_id,
    vendorName: r.vendor_name,
    status: r.status,
    version: r.version,
    currency: r.currency,
    amountMinor: r.amount,
    lineCount: r.line_count,
    failureReason: r.failure_reason,
    createdAt: new Date(r.created_at).toISOString(),
    paidAt: r.paid_at ? new Date(r.paid_at).toISOString() : null,
  }));
}

export type OperatorPayoutDetail = PayoutDetail & { vendorId: string; version: number; failureReason: string | null; stripeAccountId: string | null };

export async function inspectPayout(ctx: PlatformContext, payoutId: string): Promise<OperatorPayoutDetail | undefined> {
  const [p] = await ctx.db.sql.query<{ vendor_id: string; version: number; failure_reason: string | null; stripe_account_id: string | null }>(
    "SELECT vendor_id::text, version, failure_reason, stripe_account_id FROM payout WHERE id = $1::uuid",
    [payoutId],
  );
  if (!p) return undefined;
  // Platform staff read any brand's payout: the platform's `ctx.db` is the process-wide handle, across tenants.
  const detail = await payoutDetail(ctx.db, payoutId);
  return detail && { ...detail, vendorId: p.vendor_id, version: p.version, failureReason: p.failure_reason, stripeAccountId: p.stripe_account_id };
}
