-- CreateEnum
CREATE TYPE "PayoutStatus" AS ENUM ('draft', 'approved', 'transferring', 'paid', 'failed', 'needs_attention');

-- AlterTable
ALTER TABLE "gift_order" ADD COLUMN     "stripe_charge_id" TEXT;

-- AlterTable
ALTER TABLE "order_recipient" ADD COLUMN     "shipping_amount" INTEGER;

-- AlterTable
ALTER TABLE "fulfillment_unit" ADD COLUMN     "brand_share_amount" INTEGER,
ADD COLUMN     "commission_amount" INTEGER,
ADD COLUMN     "commission_bps" INTEGER,
ADD COLUMN     "item_amount" INTEGER,
ADD COLUMN     "shipping_amount" INTEGER;

-- CreateTable
CREATE TABLE "payout_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "commission_bps" INTEGER NOT NULL DEFAULT 1000,
    "settlement_days" INTEGER NOT NULL DEFAULT 14,
    "minimum_payout" JSONB NOT NULL DEFAULT '{}',
    "schedule_days" INTEGER NOT NULL DEFAULT 7,
    "approval_required" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updated_by" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payout_settings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "vendor_payout_settings" (
    "vendor_id" UUID NOT NULL,
    "commission_bps" INTEGER,
    "settlement_days" INTEGER,
    "minimum_payout" JSONB,
    "approval_required" BOOLEAN,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updated_by" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "vendor_payout_settings_pkey" PRIMARY KEY ("vendor_id")
);

-- CreateTable
CREATE TABLE "payout_run" (
    "id" UUID NOT NULL,
    "trigger" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "as_of" TIMESTAMPTZ(3) NOT NULL,
    "payout_count" INTEGER NOT NULL DEFAULT 0,
    "carried_over" JSONB NOT NULL DEFAULT '[]',
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "payout_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payout" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "vendor_id" UUID NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "status" "PayoutStatus" NOT NULL DEFAULT 'draft',
    "version" INTEGER NOT NULL DEFAULT 1,
    "amount" INTEGER NOT NULL,
    "lines_amount" INTEGER NOT NULL,
    "adjustments_amount" INTEGER NOT NULL DEFAULT 0,
    "commission_amount" INTEGER NOT NULL,
    "line_count" INTEGER NOT NULL,
    "stripe_account_id" TEXT,
    "failure_reason" TEXT,
    "approved_by" TEXT,
    "approved_at" TIMESTAMPTZ(3),
    "paid_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payout_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payout_line" (
    "id" UUID NOT NULL,
    "payout_id" UUID NOT NULL,
    "unit_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "share_amount" INTEGER NOT NULL,
    "commission_amount" INTEGER NOT NULL,

    CONSTRAINT "payout_line_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payout_transfer" (
    "id" UUID NOT NULL,
    "payout_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "amount" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "source_charge" TEXT,
    "stripe_transfer_id" TEXT,
    "attempted_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "amount_reversed" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "confirmed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payout_transfer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payout_adjustment" (
    "id" UUID NOT NULL,
    "vendor_id" UUID NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "amount" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "unit_id" UUID,
    "payout_id" UUID,
    "transfer_id" UUID,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "stripe_reversal_id" TEXT,
    "applied_payout_id" UUID,
    "failure_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payout_adjustment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "payout_run_started_at_idx" ON "payout_run"("started_at");

-- CreateIndex
CREATE INDEX "payout_vendor_id_created_at_idx" ON "payout"("vendor_id", "created_at");

-- CreateIndex
CREATE INDEX "payout_status_idx" ON "payout"("status");

-- CreateIndex
CREATE UNIQUE INDEX "payout_line_unit_id_key" ON "payout_line"("unit_id");

-- CreateIndex
CREATE INDEX "payout_line_payout_id_order_id_idx" ON "payout_line"("payout_id", "order_id");

-- CreateIndex
CREATE UNIQUE INDEX "payout_transfer_stripe_transfer_id_key" ON "payout_transfer"("stripe_transfer_id");

-- CreateIndex
CREATE UNIQUE INDEX "payout_transfer_payout_id_order_id_key" ON "payout_transfer"("payout_id", "order_id");

-- CreateIndex
CREATE UNIQUE INDEX "payout_adjustment_unit_id_key" ON "payout_adjustment"("unit_id");

-- CreateIndex
CREATE UNIQUE INDEX "payout_adjustment_stripe_reversal_id_key" ON "payout_adjustment"("stripe_reversal_id");

-- CreateIndex
CREATE INDEX "payout_adjustment_vendor_id_status_idx" ON "payout_adjustment"("vendor_id", "status");

-- CreateIndex
CREATE INDEX "payout_adjustment_applied_payout_id_idx" ON "payout_adjustment"("applied_payout_id");

-- AddForeignKey
ALTER TABLE "payout" ADD CONSTRAINT "payout_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "payout_run"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payout_line" ADD CONSTRAINT "payout_line_payout_id_fkey" FOREIGN KEY ("payout_id") REFERENCES "payout"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payout_transfer" ADD CONSTRAINT "payout_transfer_payout_id_fkey" FOREIGN KEY ("payout_id") REFERENCES "payout"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The platform's payout settings row (defaults; the operator changes them).
INSERT INTO "payout_settings" ("id") VALUES (1) ON CONFLICT DO NOTHING;
ALTER TABLE "payout_settings" ADD CONSTRAINT "payout_settings_single_row" CHECK ("id" = 1);
ALTER TABLE "payout_settings" ADD CONSTRAINT "payout_settings_ranges"
  CHECK ("commission_bps" BETWEEN 0 AND 10000 AND "settlement_days" BETWEEN 0 AND 365 AND "schedule_days" BETWEEN 1 AND 365);
ALTER TABLE "vendor_payout_settings" ADD CONSTRAINT "vendor_payout_settings_ranges"
  CHECK (("commission_bps" IS NULL OR "commission_bps" BETWEEN 0 AND 10000) AND ("settlement_days" IS NULL OR "settlement_days" BETWEEN 0 AND 365));
ALTER TABLE "payout_transfer" ADD CONSTRAINT "payout_transfer_status_check"
  CHECK ("status" IN ('pending', 'created', 'confirmed', 'offset', 'failed'));
ALTER TABLE "payout_adjustment" ADD CONSTRAINT "payout_adjustment_status_check"
  CHECK ("status" IN ('pending', 'reversed', 'carried', 'applied'));

-- Units paid before the money model existed: the whole amount as the item, the default commission.
UPDATE "fulfillment_unit" SET "item_amount" = "amount", "shipping_amount" = 0, "commission_bps" = 1000,
  "commission_amount" = (("amount"::bigint * 1000 + 5000) / 10000)::int,
  "brand_share_amount" = "amount" - (("amount"::bigint * 1000 + 5000) / 10000)::int
WHERE "brand_share_amount" IS NULL;
