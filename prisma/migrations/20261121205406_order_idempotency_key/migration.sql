-- AlterTable
ALTER TABLE "gift_order" ADD COLUMN     "idempotency_key" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "gift_order_buyer_org_id_idempotency_key_key" ON "gift_order"("buyer_org_id", "idempotency_key");
