-- AlterTable
ALTER TABLE "gift_order" ADD COLUMN     "reminder_settings" JSONB;

-- AlterTable
ALTER TABLE "fulfillment_unit" ADD COLUMN     "push_started_at" TIMESTAMPTZ(3),
ADD COLUMN     "reminder_next_at" TIMESTAMPTZ(3),
ADD COLUMN     "reminders_sent" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "thank_you_at" TIMESTAMPTZ(3),
ADD COLUMN     "thank_you_note" TEXT;

-- AlterTable
ALTER TABLE "vendor" ADD COLUMN     "reminder_settings" JSONB;

-- CreateIndex
-- Partial: only gifts with a reminder to come are in it (the sweep reads the due ones).
CREATE INDEX "fulfillment_unit_reminder_next_at_idx" ON "fulfillment_unit"("reminder_next_at") WHERE "reminder_next_at" IS NOT NULL;
