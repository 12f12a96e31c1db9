-- AlterTable
ALTER TABLE "audit_log" ADD COLUMN     "unique_key" TEXT;

-- Customer data requests recorded so far: the first of each Shopify data request gets its
-- key; later duplicates (concurrent deliveries) stay in the log as they were, without one.
UPDATE "audit_log" a SET "unique_key" = 'shopify-data-request:' || (a."data"->>'shopifyDataRequestId')
WHERE a."id" IN (
  SELECT DISTINCT ON ("vendor_id", "data"->>'shopifyDataRequestId') "id"
  FROM "audit_log"
  WHERE "action" = 'compliance.customer_data_request' AND "vendor_id" IS NOT NULL AND "data"->>'shopifyDataRequestId' IS NOT NULL
  ORDER BY "vendor_id", "data"->>'shopifyDataRequestId', "at", "id"
);

-- CreateIndex
CREATE UNIQUE INDEX "audit_log_vendor_id_unique_key_key" ON "audit_log"("vendor_id", "unique_key");
