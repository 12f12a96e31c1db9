-- AlterTable
ALTER TABLE "gift_order" ADD COLUMN     "idempotency_fingerprint" TEXT;
