import { z } from "zod";
import { defineJob, type Backoff } from "../jobs/registry.ts";
import { bookRecord } from "./book-record.ts";
import { BOOK_JOB, ensureRecord, resumeParked, syncSalesRecords } from "./records.ts";
import { reconcileDay } from "./reconcile.ts";
import { syncPayoutRecords } from "./payout-source.ts";
import { refreshIfStale, XeroNotReady } from "./xero-connection.ts";
import { platformContext } from "../platform/use-case.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
const dayString = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const yesterday = (now = Date.now()) => new Date(now - DAY_MS).toISOString().slice(0, 10);

/** Books one accounting record in Xero (SQS in production, the db driver embedded: same handler). */
export function createBookAccountingJob(opts: { backoff?: Backoff } = {}) {
  return defineJob({
    type: BOOK_JOB.type,
    schema: z.object({ recordId: z.uuid() }),
    maxAttempts: BOOK_JOB.maxAttempts,
    backoff: opts.backoff ?? { baseMs: 2_000, maxMs: 10 * 60_000 },
    async handler(p, ctx) {
      const outcome = await bookRecord(ctx.deps, p.recordId);
      ctx.log.debug({ recordId: p.recordId, outcome }, "accounting record");
    },
  });
}

export const bookAccountingJob = createBookAccountingJob();

/** Every minute: records (and jobs) for newly paid orders, refunds, payouts and reversals; parked records whose time came. */
export const accountingSweepJob = defineJob({
  type: "accounting.sweep",
  schema: z.object({}).strict(),
  maxAttempts: 3,
  async handler(_p, ctx) {
    if (!ctx.deps.xero) return;
    const created = (await syncSalesRecords(ctx.deps)) + (await syncPayoutRecords(ctx.deps));
    const resumed = await resumeParked(ctx.deps);
    if (created || resumed) ctx.log.info({ created, resumed }, "accounting sweep");
  },
});

/** Daily: one record for each currency's Stripe fees of the day (booked as one spend transaction). */
export const stripeFeesDayJob = defineJob({
  type: "accounting.stripe_fees_day",
  schema: z.object({ day: dayString.optional() }).strict(),
  maxAttempts: 5,
  async handler(p, ctx) {
    if (!ctx.deps.xero) return;
    await recordStripeFees(ctx.deps, p.day ?? yesterday());
  },
});

export async function recordStripeFees(deps: Parameters<typeof ensureRecord>[0], day: string): Promise<string[]> {
  const from = new Date(`${day}T00:00:00Z`);
  const txns = await deps.stripeBalance.list({ from, to: new Date(from.getTime() + DAY_MS) });
  const fees = new Map<string, number>();
  for (const t of txns) {
    const fee = t.type === "stripe_fee" ? -t.amount : t.fee;
    if (fee) fees.set(t.currency, (fees.get(t.currency) ?? 0) + fee);
  }
  const ids: string[] = [];
  for (const [currency, amount] of fees) {
    if (amount > 0) ids.push(await ensureRecord(deps, { kind: "stripe_fees", sourceId: `${day}:${currency}`, day, currency, amount }));
  }
  return ids;
}

/** Daily (and weekly at the latest): refreshes Xero's tokens so the refresh token never lapses. */
export const refreshXeroTokenJob = defineJob({
  type: "accounting.xero_refresh",
  schema: z.object({ maxAgeDays: z.number().int().min(0).max(30).default(5) }).strict(),
  maxAttempts: 6,
  async handler(p, ctx) {
    const r = await refreshIfStale(ctx.deps, p.maxAgeDays * DAY_MS);
    ctx.log.info({ outcome: r }, "xero token refresh");
  },
});

/** Daily: reconciles yesterday (Stripe, our ledger, Xero); alerts when it does not. */
export const reconcileDayJob = defineJob({
  type: "accounting.reconcile_day",
  schema: z.object({ day: dayString.optional() }).strict(),
  maxAttempts: 5,
  async handler(p, ctx) {
    if (!ctx.deps.xero) return;
    try {
      await reconcileDay(platformContext({ db: ctx.deps.db, actor: `job:${ctx.job.type}`, log: ctx.log }), ctx.deps, p.day ?? yesterday());
    } catch (err) {
      if (!(err instanceof XeroNotReady)) throw err;
      ctx.log.info({ reason: err.reason }, "reconciliation waits for Xero");
    }
  },
});

export const accountingJobs = [bookAccountingJob, accountingSweepJob, stripeFeesDayJob, refreshXeroTokenJob, reconcileDayJob];
