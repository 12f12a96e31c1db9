import { pruneFinishedJobs } from "./maintenance.jobs.ts";
import { expireUnitsJob } from "../fulfillment/expiry.jobs.ts";
import { pushSweepJob } from "../fulfillment/push/push.jobs.ts";
import { sweepAttemptLimitsJob } from "../redemption/codes/attempt-limiter.jobs.ts";
import { reconcileRefundsJob } from "../payments/refunds.ts";
import { reminderSweepJob } from "../reminders/reminders.jobs.ts";
import { lowStockScanJob } from "../vendors/brand-notifications.ts";
import { accountingSweepJob, reconcileDayJob, refreshXeroTokenJob, stripeFeesDayJob } from "../accounting/accounting.jobs.ts";
import { scheduledPayoutRunJob } from "../payouts/schedule.jobs.ts";
import { redemptionDigestJob } from "../buyers/digest.jobs.ts";
import { sweepWebSessionsJob } from "../platform/web-session/web-session.jobs.ts";
import type { Schedule } from "./scheduler.ts";

const DAY = 24 * 60 * 60 * 1000;

/** Every periodic job the worker role schedules. */
export const schedules: Schedule[] = [
  { job: pruneFinishedJobs, everyMs: DAY, payload: { olderThanDays: 14 } } as Schedule,
  { job: expireUnitsJob, everyMs: 15 * 60 * 1000, payload: {} } as Schedule,
  { job: pushSweepJob, everyMs: 60 * 1000, payload: {} } as Schedule,
  { job: sweepAttemptLimitsJob, everyMs: 10 * 60 * 1000, payload: {} } as Schedule,
  { job: reconcileRefundsJob, everyMs: 15 * 60 * 1000, payload: {} } as Schedule,
  { job: reminderSweepJob, everyMs: 15 * 60 * 1000, payload: {} } as Schedule,
  { job: accountingSweepJob, everyMs: 60 * 1000, payload: {} } as Schedule,
  { job: refreshXeroTokenJob, everyMs: DAY, payload: { maxAgeDays: 5 } } as Schedule,
  { job: stripeFeesDayJob, everyMs: DAY, payload: {} } as Schedule,
  { job: reconcileDayJob, everyMs: DAY, payload: {} } as Schedule,
  { job: lowStockScanJob, everyMs: 60 * 60 * 1000, payload: {} } as Schedule,
  // Checked daily; runs when the platform's payout schedule (weekly by default) is due.
  { job: scheduledPayoutRunJob, everyMs: DAY, payload: {} } as Schedule,
  { job: redemptionDigestJob, everyMs: DAY, payload: {} } as Schedule,
  { job: sweepWebSessionsJob, everyMs: 60 * 60 * 1000, payload: {} } as Schedule,
];
