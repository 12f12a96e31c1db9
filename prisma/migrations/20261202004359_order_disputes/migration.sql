-- AlterEnum
ALTER TYPE "GiftOrderStatus" ADD VALUE 'charged_back';

-- AlterTable
ALTER TABLE "gift_order" ADD COLUMN     "dispute_amount" INTEGER,
ADD COLUMN     "dispute_closed_at" TIMESTAMPTZ(3),
ADD COLUMN     "dispute_status" TEXT,
ADD COLUMN     "stripe_dispute_id" TEXT;
