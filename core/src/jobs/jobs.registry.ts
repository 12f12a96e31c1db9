import { JobRegistry } from "./registry.ts";
import { pruneFinishedJobs } from "./maintenance.jobs.ts";
import { processStripeEvent } from "../payments/stripe-events.jobs.ts";
import { giftEmailJob } from "../fulfillment/gift-email.jobs.ts";
import { expireUnitsJob, expirySummaryJob } from "../fulfillment/expiry.jobs.ts";
import { createStripeRefundJob, reconcileRefundsJob } from "../payments/refunds.ts";
import { shopifyWebhookJob } from "../webhooks/shopify-webhooks.ts";
import { importBulkSyncJob, pollBulkSyncJob, runBulkSyncJob } from "../catalog/catalog.sync.ts";
import { buildManifestJob } from "../fulfillment/manifests/manifests.service.ts";
import { pushOrderJob, pushSweepJob } from "../fulfillment/push/push.jobs.ts";
import { shippedEmailJob } from "../fulfillment/backflow/backflow.ts";
import { sweepAttemptLimitsJob } from "../redemption/codes/attempt-limiter.jobs.ts";

/**
 * Every job type the product runs, in one place. Modules export their definitions;
 * this list is the registry workers and enqueuers share.
 */
export function jobRegistry(): JobRegistry {
  return new JobRegistry([
    pruneFinishedJobs,
    processStripeEvent,
    giftEmailJob,
    createStripeRefundJob,
    reconcileRefundsJob,
    expireUnitsJob,
    expirySummaryJob,
    shopifyWebhookJob,
    runBulkSyncJob,
    pollBulkSyncJob,
    importBulkSyncJob,
    buildManifestJob,
    pushOrderJob,
    pushSweepJob,
    shippedEmailJob,
    sweepAttemptLimitsJob,
  ]);
}
