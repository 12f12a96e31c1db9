-- AlterTable
ALTER TABLE "fulfillment_unit" ADD COLUMN     "ship_country" TEXT;
