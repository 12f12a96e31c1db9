-- AlterTable
ALTER TABLE "vendor" ADD COLUMN     "payout_account_status" TEXT NOT NULL DEFAULT 'not_started',
ADD COLUMN     "payout_account_updated_at" TIMESTAMPTZ(3),
ADD COLUMN     "payout_disabled_reason" TEXT,
ADD COLUMN     "payout_requirements" JSONB,
ADD COLUMN     "stripe_account_id" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "vendor_stripe_account_id_key" ON "vendor"("stripe_account_id");

-- The statuses core/src/payouts/account/status.ts derives; anything else is a bug.
ALTER TABLE "vendor" ADD CONSTRAINT "vendor_payout_account_status_check"
  CHECK ("payout_account_status" IN ('not_started', 'onboarding', 'restricted', 'active', 'disabled'));
