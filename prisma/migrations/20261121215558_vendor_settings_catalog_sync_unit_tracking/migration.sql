-- CreateEnum
CREATE TYPE "CatalogSyncStatus" AS ENUM ('pending', 'running', 'completed', 'failed');

-- AlterTable
ALTER TABLE "fulfillment_unit" ADD COLUMN     "delivered_at" TIMESTAMPTZ(3),
ADD COLUMN     "operator_flag" TEXT,
ADD COLUMN     "push_error" TEXT,
ADD COLUMN     "shipped_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "vendor" ADD COLUMN     "default_expiry_days" INTEGER NOT NULL DEFAULT 90,
ADD COLUMN     "shopify_notify_customer" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "catalog_sync" (
    "id" UUID NOT NULL,
    "vendor_id" UUID NOT NULL,
    "status" "CatalogSyncStatus" NOT NULL DEFAULT 'pending',
    "bulk_operation_id" TEXT,
    "object_count" INTEGER NOT NULL DEFAULT 0,
    "products_synced" INTEGER NOT NULL DEFAULT 0,
    "variants_synced" INTEGER NOT NULL DEFAULT 0,
    "errors" JSONB NOT NULL DEFAULT '[]',
    "error_message" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "catalog_sync_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "catalog_sync_bulk_operation_id_key" ON "catalog_sync"("bulk_operation_id");

-- CreateIndex
CREATE INDEX "catalog_sync_vendor_id_started_at_idx" ON "catalog_sync"("vendor_id", "started_at");

-- AddForeignKey
ALTER TABLE "catalog_sync" ADD CONSTRAINT "catalog_sync_vendor_id_fkey" FOREIGN KEY ("vendor_id") REFERENCES "vendor"("id") ON DELETE CASCADE ON UPDATE CASCADE;
