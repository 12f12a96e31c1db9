import { JobRegistry } from "./registry.ts";
import { pruneFinishedJobs } from "./maintenance.jobs.ts";
import { processStripeEvent } from "../payments/stripe-events.jobs.ts";
import { processConnectEvent } from "../payouts/account/connect-events.jobs.ts";
import { giftEmailJob } from "../fulfillment/gift-email.jobs.ts";
import { expireUnitsJob, expirySummaryJob } from "../fulfillment/expiry.jobs.ts";
import { createStripeRefundJob, reconcileRefundsJob } from "../payments/refunds.ts";
import { shopifyWebhookJob } from "../webhooks/shopify-webhooks.ts";
import { importBulkSyncJob, pollBulkSyncJob, runBulkSyncJob } from "../catalog/catalog.sync.ts";
import { buildManifestJob } from "../fulfillment/manifests/manifests.service.ts";
import { pushOrderJob, pushSweepJob } from "../fulfillment/push/push.jobs.ts";
import { shippedEmailJob } from "../fulfillment/shipment-updates/shipment-updates.ts";
import { sweepAttemptLimitsJob } from "../redemption/codes/attempt-limiter.jobs.ts";
import { reminderEmailJob, reminderSweepJob } from "../reminders/reminders.jobs.ts";
import { thankYouEmailJob } from "../redemption/thank-you.ts";
import { accountingJobs } from "../accounting/accounting.jobs.ts";
import { brandNewOrderJob, lowStockEmailJob, lowStockScanJob } from "../vendors/brand-notifications.ts";
import { payoutTransfersJob } from "../payouts/transfer.jobs.ts";
import { payoutPaidEmailJob } from "../payouts/payout-email.ts";
import { scheduledPayoutRunJob } from "../payouts/schedule.jobs.ts";
import { reverseShareJob } from "../payouts/reversals.ts";
import { buyerReceiptJob } from "../buyers/receipt-email.jobs.ts";
import { redemptionDigestEmailJob, redemptionDigestJob } from "../buyers/digest.jobs.ts";
import { sweepWebSessionsJob } from "../platform/web-session/web-session.jobs.ts";
import { resendGiftEmailJob } from "../buyers/gift-actions.ts";

/**
 * Every job type the product runs, in one place. Modules export their definitions;
 * this list is the registry workers and enqueuers share.
 */
export function jobRegistry(): JobRegistry {
  return new JobRegistry([
    pruneFinishedJobs,
    processStripeEvent,
    processConnectEvent,
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
    reminderSweepJob,
    reminderEmailJob,
    thankYouEmailJob,
    brandNewOrderJob,
    lowStockScanJob,
    lowStockEmailJob,
    ...accountingJobs,
    payoutTransfersJob,
    payoutPaidEmailJob,
    scheduledPayoutRunJob,
    reverseShareJob,
    buyerReceiptJob,
    redemptionDigestJob,
    redemptionDigestEmailJob,
    sweepWebSessionsJob,
    resendGiftEmailJob,
  ]);
}
