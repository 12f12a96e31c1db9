import { randomUUID } from "node:crypto";
import type { Deps } from "../platform/deps.ts";
import type { PlatformContext } from "../platform/use-case.ts";
import { txSqlOf, type TxSql } from "../platform/lifecycle/lifecycle.ts";
import { enqueueFromSql } from "../jobs/queue.ts";
import { payoutTransfersJob } from "./transfer.jobs.ts";
import { payoutLifecycle } from "./payout-lifecycle.ts";
import { payableUnitsSql } from "./settlement.ts";
import { DEFAULT_SETTINGS, platformSettings } from "./settings.ts";

/**
 * A payout cycle (scheduled, or the operator's "run now"): every payable unit (settlement.ts)
 * is grouped by (brand, currency); each group becomes one payout with one line per unit and
 * one transfer record per order, unless it carries over to the next cycle, with the reason:
 *  - `account_not_active`: the brand's Stripe account is not active (or not connected);
 *  - `minimum_not_met`: the total (less amounts owed back) is under the minimum for the currency;
 *  - `negative_balance`: amounts owed back (reversals Stripe refused) exceed what is payable.
 * Amounts owed back in the currency are deducted from the payout that does go (and marked
 * applied to it). When approval is required (platform or brand setting) the payout waits in
 * draft; otherwise it is approved and its transfers are enqueued in the same transaction.
 * A dry run (preview) answers the same figures and writes nothing. One run at a time: a run
 * that finds another one under way is refused (`PayoutRunBusy`).
 */
export type CarryReason = "account_not_active" | "minimum_not_met" | "negative_balance";

export interface PlannedPayout {
  payoutId: string | null;
  vendorId: string;
  vendorName: string;
  currency: string;
  lineCount: number;
  orderCount: number;
  linesAmount: number;
  adjustmentsAmount: number;
  amount: number;
  commissionAmount: number;
  status: "draft" | "approved";
}

export interface CarryOver {
  vendorId: string;
  vendorName: string;
  currency: string;
  unitCount: number;
  amountMinor: number;
  reason: CarryReason;
  detail: string;
}

export interface RunResult {
  runId: string | null;
  dryRun: boolean;
  asOf: string;
  payouts: PlannedPayout[];
  carriedOver: CarryOver[];
}

export class PayoutRunBusy extends Error {
  override name = "PayoutRunBusy";
}

/** The advisory lock key of payout runs (one at a time across every process). */
const RUN_LOCK = 0x70617931; // "pay1"

interface Group {
  vendor_id: string;
  vendor_name: string;
  currency: string;
  units: number;
  orders: number;
  lines_amount: string;
  commission: string;
  owed: string;
  account_status: string | null;
  stripe_account_id: string | null;
  min_vendor: Record<string, number> | null;
  approval_vendor: boolean | null;
}

/**
 * The run's payable units (settlement.ts), selected once into a table of this transaction
 * (dropped at its end): the plan and the lines written are the same rows, and writing the
 * lines does not select them again against the lines being written.
 */
const PAY_TABLE = "payout_run_unit";

async function selectPayable(tx: TxSql, asOf: Date, vendorId: string | undefined): Promise<void> {
  await tx.$executeRawUnsafe(
    `CREATE TEMP TABLE ${PAY_TABLE} (id uuid NOT NULL, order_id uuid NOT NULL, vendor_id uuid NOT NULL, currency text NOT NULL,
       share int NOT NULL, commission int NOT NULL, shipped_at timestamptz) ON COMMIT DROP`,
  );
  await tx.$executeRawUnsafe(
    `INSERT INTO ${PAY_TABLE} ${payableUnitsSql({ asOf: "$1::timestamptz", ...(vendorId ? { where: "u.vendor_id = $2::uuid" } : {}) })}`,
    asOf.toISOString(),
    ...(vendorId ? [vendorId] : []),
  );
  await tx.$executeRawUnsafe(`ANALYZE ${PAY_TABLE}`);
}

async function groupsOf(tx: TxSql, vendorId: string | undefined): Promise<Group[]> {
  return tx.$queryRawUnsafe<Group[]>(
    `WITH g AS (
       SELECT vendor_id, currency, count(*)::int AS units, count(DISTINCT order_id)::int AS orders,
              sum(share)::bigint AS lines_amount, sum(commission)::bigint AS commission
       FROM ${PAY_TABLE} GROUP BY vendor_id, currency
     ), owed AS (
       SELECT vendor_id, currency, sum(amount)::bigint AS owed FROM payout_adjustment WHERE status = 'carried'
       ${vendorId ? "AND vendor_id = $1::uuid" : ""} GROUP BY vendor_id, currency
     )
     SELECT g.vendor_id::text, v.name AS vendor_name, g.currency, g.units, g.orders, g.lines_amount::text, g.commission::text,
            coalesce(owed.owed, 0)::text AS owed, v.payout_account_status AS account_status, v.stripe_account_id,
            vs.minimum_payout AS min_vendor, vs.approval_required AS approval_vendor
     FROM g
     JOIN vendor v ON v.id = g.vendor_id
     LEFT JOIN owed ON owed.vendor_id = g.vendor_id AND owed.currency = g.currency
     LEFT JOIN vendor_payout_settings vs ON vs.vendor_id = g.vendor_id
     ORDER BY v.name, g.currency`,
    ...(vendorId ? [vendorId] : []),
  );
}

function decide(g: Group, platform: { minimumPayout: Record<string, number>; approvalRequired: boolean }): { carry?: { reason: CarryReason; detail: string }; status: "draft" | "approved"; amount: number } {
  const lines = Number(g.lines_amount);
  const owed = Number(g.owed);
  const amount = lines + owed;
  const status = (g.approval_vendor ?? platform.approvalRequired) ? "draft" : "approved";
  if (g.account_status !== "active" || !g.stripe_account_id) {
    return { status, amount, carry: { reason: "account_not_active", detail: `Stripe account ${g.stripe_account_id ? `is ${g.account_status ?? "not_started"}` : "not connected"}` } };
  }
  if (amount <= 0) return { status, amount, carry: { reason: "negative_balance", detail: `owes ${-owed} back, ${lines} payable` } };
  const min = { ...platform.minimumPayout, ...(g.min_vendor ?? {}) }[g.currency] ?? 0;
  if (amount < min) return { status, amount, carry: { reason: "minimum_not_met", detail: `${amount} is under the minimum of ${min}` } };
  return { status, amount };
}

export interface RunInput {
  trigger: "scheduled" | "operator";
  dryRun: boolean;
  /** The instant units are settled as of (default now). */
  asOf?: Date;
  /** Only this brand (operator runs). */
  vendorId?: string;
}

/** Runs (or previews) a payout cycle across every brand; the run, its transitions and its audit entry record `ctx.actor` and `ctx.requestId`. */
export async function runPayouts(ctx: PlatformContext, deps: Pick<Deps, "jobs">, input: RunInput): Promise<RunResult> {
  const asOf = input.asOf ?? new Date();
  return ctx.db.transaction(async (sqlTx) => {
    const tx = txSqlOf(sqlTx);
    if (!input.dryRun) {
      const [lock] = await tx.$queryRawUnsafe<Array<{ ok: boolean }>>("SELECT pg_try_advisory_xact_lock($1) AS ok", RUN_LOCK);
      if (!lock?.ok) throw new PayoutRunBusy("another payout run is under way");
    }
    const platform = await platformSettings(tx).catch(() => ({ ...DEFAULT_SETTINGS }));
    await selectPayable(tx, asOf, input.vendorId);
    const groups = await groupsOf(tx, input.vendorId);
    const payouts: PlannedPayout[] = [];
    const carriedOver: CarryOver[] = [];
    for (const g of groups) {
      const d = decide(g, platform);
      if (d.carry) {
        carriedOver.push({ vendorId: g.vendor_id, vendorName: g.vendor_name, currency: g.currency, unitCount: g.units, amountMinor: d.amount, ...d.carry });
        continue;
      }
      payouts.push({
        payoutId: input.dryRun ? null : randomUUID(),
        vendorId: g.vendor_id,
        vendorName: g.vendor_name,
        currency: g.currency,
        lineCount: g.units,
        orderCount: g.orders,
        linesAmount: Number(g.lines_amount),
        adjustmentsAmount: Number(g.owed),
        amount: d.amount,
        commissionAmount: Number(g.commission),
        status: d.status,
      });
    }
    if (input.dryRun) return { runId: null, dryRun: true, asOf: asOf.toISOString(), payouts, carriedOver };

    const runId = randomUUID();
    await tx.$executeRawUnsafe(
      `INSERT INTO payout_run (id, trigger, actor, as_of, payout_count, carried_over, finished_at) VALUES ($1::uuid, $2, $3, $4::timestamptz, $5, $6::jsonb, now())`,
      runId,
      input.trigger,
      ctx.actor,
      asOf.toISOString(),
      payouts.length,
      JSON.stringify(carriedOver),
    );
    if (payouts.length > 0) await writePayouts(tx, runId, asOf, payouts, ctx.actor);
    await enqueueRunTransfers(deps, tx, runId);
    await tx.$executeRawUnsafe(
      `INSERT INTO audit_log (id, actor, action, entity, entity_id, request_id, data) VALUES (gen_random_uuid(), $1, 'payouts.run', 'payout_run', $2, $3, $4::jsonb)`,
      ctx.actor,
      runId,
      ctx.requestId ?? null,
      JSON.stringify({ trigger: input.trigger, asOf: asOf.toISOString(), payouts: payouts.length, carriedOver: carriedOver.length, vendorId: input.vendorId ?? null }),
    );
    return { runId, dryRun: false, asOf: asOf.toISOString(), payouts, carriedOver };
  });
}

/** The payouts, their lines, transfers and applied adjustments, each kind in one statement. */
async function writePayouts(tx: TxSql, runId: string, asOf: Date, payouts: PlannedPayout[], actor: string): Promise<void> {
  const col = <K extends keyof PlannedPayout>(k: K) => payouts.map((p) => p[k]);
  await tx.$executeRawUnsafe(
    `INSERT INTO payout (id, run_id, vendor_id, currency, status, amount, lines_amount, adjustments_amount, commission_amount, line_count, stripe_account_id, updated_at)
     SELECT p.id, $1::uuid, p.vendor_id, p.currency, p.status::"PayoutStatus", p.amount, p.lines_amount, p.adj, p.commission, p.lines,
            (SELECT stripe_account_id FROM vendor WHERE id = p.vendor_id), now()
     FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::int[], $7::int[], $8::int[], $9::int[], $10::int[])
       AS p(id, vendor_id, currency, status, amount, lines_amount, adj, commission, lines)`,
    runId,
    col("payoutId"),
    col("vendorId"),
    col("currency"),
    col("status"),
    col("amount"),
    col("linesAmount"),
    col("adjustmentsAmount"),
    col("commissionAmount"),
    col("lineCount"),
  );
  await tx.$executeRawUnsafe(
    payoutLifecycle.recordMovesSql({
      from: "payout p WHERE p.run_id = $1::uuid",
      id: "p.id",
      fromState: "'new'",
      toState: "p.status::text",
      version: "1",
      actor: "$2",
      reason: "'payout run ' || $3",
    }),
    runId,
    actor,
    runId,
  );
  // The planned units (carried-over groups have no payout here, so no lines).
  const lines = await tx.$executeRawUnsafe(
    `INSERT INTO payout_line (id, payout_id, unit_id, order_id, share_amount, commission_amount)
     SELECT gen_random_uuid(), p.id, pay.id, pay.order_id, pay.share, pay.commission
     FROM ${PAY_TABLE} pay
     JOIN payout p ON p.run_id = $1::uuid AND p.vendor_id = pay.vendor_id AND p.currency = pay.currency`,
    runId,
  );
  const planned = payouts.reduce((n, p) => n + p.lineCount, 0);
  if (lines !== planned) throw new Error(`payout run ${runId}: ${planned} units planned, ${lines} lines written`);
  await tx.$executeRawUnsafe(
    `INSERT INTO payout_transfer (id, payout_id, order_id, amount, currency, source_charge)
     SELECT gen_random_uuid(), l.payout_id, l.order_id, sum(l.share_amount), p.currency, o.stripe_charge_id
     FROM payout_line l JOIN payout p ON p.id = l.payout_id JOIN gift_order o ON o.id = l.order_id
     WHERE p.run_id = $1::uuid
     GROUP BY l.payout_id, l.order_id, p.currency, o.stripe_charge_id`,
    runId,
  );
  const withAdjustments = payouts.filter((p) => p.adjustmentsAmount !== 0);
  for (const p of withAdjustments) await applyAdjustments(tx, p);
}

/** Marks the brand's carried adjustments applied to `p` and takes them from its largest transfers first. */
async function applyAdjustments(tx: TxSql, p: PlannedPayout): Promise<void> {
  await tx.$executeRawUnsafe(
    `UPDATE payout_adjustment SET status = 'applied', applied_payout_id = $1::uuid, updated_at = now()
     WHERE vendor_id = $2::uuid AND currency = $3 AND status = 'carried'`,
    p.payoutId,
    p.vendorId,
    p.currency,
  );
  let owed = -p.adjustmentsAmount;
  const transfers = await tx.$queryRawUnsafe<Array<{ id: string; amount: number }>>(
    "SELECT id::text, amount FROM payout_transfer WHERE payout_id = $1::uuid ORDER BY amount DESC, order_id",
    p.payoutId,
  );
  for (const t of transfers) {
    if (owed <= 0) break;
    const take = Math.min(owed, t.amount);
    owed -= take;
    await tx.$executeRawUnsafe(
      `UPDATE payout_transfer SET amount = amount - $2, status = CASE WHEN amount - $2 = 0 THEN 'offset' ELSE status END WHERE id = $1::uuid`,
      t.id,
      take,
    );
  }
}

/**
 * The transfer jobs of the run's approved payouts, in one statement. They are a bulk batch
 * (priorities 1, 2, 3, …): other work, the transfer webhooks that confirm them among it, goes
 * first, instead of waiting behind every payout of the run.
 */
async function enqueueRunTransfers(deps: Pick<Deps, "jobs">, tx: TxSql, runId: string): Promise<void> {
  await tx.$executeRawUnsafe(
    `WITH approved AS (
       SELECT id, row_number() OVER (ORDER BY amount DESC, id) AS pos FROM payout WHERE run_id = $1::uuid AND status = 'approved'
     )
     ${enqueueFromSql(deps.jobs.registry, payoutTransfersJob, {
       from: "approved",
       payload: "jsonb_build_object('payoutId', approved.id::text)",
       key: "'payouts.transfer:' || approved.id || ':run'",
       priority: "approved.pos",
     })}`,
    runId,
  );
}
