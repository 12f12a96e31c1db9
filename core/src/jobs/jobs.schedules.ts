import { pruneFinishedJobs } from "./maintenance.jobs.ts";
import { expireUnitsJob } from "../fulfillment/expiry.jobs.ts";
import { pushSweepJob } from "../fulfillment/push/push.jobs.ts";
import { sweepAttemptLimitsJob } from "../redemption/codes/attempt-limiter.jobs.ts";
import { reconcileRefundsJob } from "../payments/refunds.ts";
import type { Schedule } from "./scheduler.ts";

const DAY = 24 * 60 * 60 * 1000;

/** Every periodic job the worker role schedules. */
export const schedules: Schedule[] = [
  { job: pruneFinishedJobs, everyMs: DAY, payload: { olderThanDays: 14 } } as Schedule,
  { job: expireUnitsJob, everyMs: 15 * 60 * 1000, payload: {} } as Schedule,
  { job: pushSweepJob, everyMs: 60 * 1000, payload: {} } as Schedule,
  { job: sweepAttemptLimitsJob, everyMs: 10 * 60 * 1000, payload: {} } as Schedule,
  { job: reconcileRefundsJob, everyMs: 15 * 60 * 1000, payload: {} } as Schedule,
];
