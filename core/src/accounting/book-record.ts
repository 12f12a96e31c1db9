import type { Deps } from "../platform/deps.ts";
import { XeroForbidden, XeroInvalidGrant, XeroRateLimited, XeroValidation } from "../integrations/xero/xero.ts";
import { bookFees, bookRefund, bookSale } from "./book-sales.ts";
import { bookPayout, bookPayoutReversal } from "./book-payouts.ts";
import { NeedsAttention } from "./document-steps.ts";
import { claimRecord, markBooked, markNeedsAttention, parkRecord, releaseRecord, rescheduleRecord, type AccountingRecord, type RecordKind } from "./records.ts";
import { xeroCaller, type XeroCaller } from "./xero-calls.ts";
import { XeroLimiterBusy } from "./xero-limiter.ts";
import { CONNECTION_ID, XeroNotReady } from "./xero-connection.ts";

/**
 * Books one accounting record in Xero (the `accounting.book` job's work). The outcome of a
 * failure decides what happens next, in one place:
 *
 * | what happened                                  | the record                    | the job          |
 * | ---------------------------------------------- | ----------------------------- | ---------------- |
 * | Xero refused it (400) / a cause only people mend | needs_attention, Xero's message | done             |
 * | 429 (minute, concurrent, app)                  | pending, next job after Retry-After | done       |
 * | our limiter has no slot in time                | pending, next job at the slot | done             |
 * | day limit, not connected, needs re-authorisation, not mapped | parked (until the next day / a reconnect) | done |
 * | 5xx, timeout, anything else                    | pending                        | thrown: retried with backoff |
 */
const BOOKERS: Record<RecordKind, (deps: Deps, x: XeroCaller, rec: AccountingRecord) => Promise<void>> = {
  sale_invoice: bookSale,
  refund_credit_note: bookRefund,
  stripe_fees: bookFees,
  payout_bill: bookPayout,
  payout_reversal: bookPayoutReversal,
};

export type BookOutcome = "booked" | "skipped" | "needs_attention" | "rescheduled" | "parked";

export async function bookRecord(deps: Deps, recordId: string, opts: { onCaller?: (x: XeroCaller) => void } = {}): Promise<BookOutcome> {
  const rec = await claimRecord(deps, recordId);
  if (!rec) return "skipped";
  try {
    const x = await xeroCaller(deps);
    opts.onCaller?.(x);
    await BOOKERS[rec.kind](deps, x, rec);
    await markBooked(deps, rec);
    return "booked";
  } catch (err) {
    return settle(deps, rec, err);
  }
}

async function settle(deps: Deps, rec: AccountingRecord, err: unknown): Promise<BookOutcome> {
  if (err instanceof NeedsAttention || err instanceof XeroValidation) {
    const message = err instanceof XeroValidation ? err.messages.join("; ") : err.message;
    await markNeedsAttention(deps, rec, message);
    await deps.alerts.notify({ kind: "accounting.needs_attention", message: `A ${rec.kind.replace(/_/g, " ")} could not be booked in Xero: ${message}`, details: { record: rec.id, source: rec.sourceId } });
    return "needs_attention";
  }
  if (err instanceof XeroRateLimited) {
    await rescheduleRecord(deps, rec.id, new Date(Date.now() + Math.max(1, err.retryAfterSeconds) * 1000));
    return "rescheduled";
  }
  if (err instanceof XeroLimiterBusy) {
    await rescheduleRecord(deps, rec.id, err.retryAt);
    return "rescheduled";
  }
  if (err instanceof XeroInvalidGrant || err instanceof XeroForbidden) {
    // Xero refused the connection itself: every booking waits for a reconnect.
    const n = await deps.db.sql.execute(`UPDATE xero_connection SET status = 'needs_reauth', reauth_reason = $2, updated_at = now() WHERE id = $1 AND status = 'connected'`, [
      CONNECTION_ID,
      err.message,
    ]);
    if (n > 0) await deps.alerts.notify({ kind: "xero.needs_reauth", message: "Xero refused the organisation: accounting jobs are parked until staff connect Xero again", details: { reason: err.message } });
    await parkRecord(deps, rec, "needs_reauth", null);
    return "parked";
  }
  if (err instanceof XeroNotReady) {
    await parkRecord(deps, rec, err.reason, err.until);
    return "parked";
  }
  await releaseRecord(deps, rec);
  throw err;
}
