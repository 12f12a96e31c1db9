-- CreateEnum
CREATE TYPE "OfferKind" AS ENUM ('single', 'choice');

-- CreateEnum
CREATE TYPE "OfferStatus" AS ENUM ('draft', 'active', 'paused', 'archived');

-- CreateEnum
CREATE TYPE "GiftOrderStatus" AS ENUM ('awaiting_payment', 'payment_failed', 'paid', 'canceled', 'refunded');

-- CreateEnum
CREATE TYPE "UnitStatus" AS ENUM ('issued', 'sent', 'redeemed', 'pushed', 'shipped', 'delivered', 'expired', 'canceled');

-- CreateEnum
CREATE TYPE "RefundStatus" AS ENUM ('pending', 'succeeded', 'failed', 'canceled');

-- CreateTable
CREATE TABLE "product" (
    "id" UUID NOT NULL,
    "vendor_id" UUID NOT NULL,
    "shopify_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "description_html" TEXT NOT NULL DEFAULT '',
    "product_type" TEXT NOT NULL DEFAULT '',
    "brand" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'active',
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "giftable" BOOLEAN NOT NULL DEFAULT false,
    "shopify_updated_at" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "product_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "product_option" (
    "id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "values" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "product_option_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "variant" (
    "id" UUID NOT NULL,
    "vendor_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "shopify_id" TEXT NOT NULL,
    "inventory_item_id" TEXT,
    "title" TEXT NOT NULL,
    "sku" TEXT,
    "price_amount" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "selected_options" JSONB NOT NULL DEFAULT '[]',
    "image_url" TEXT,
    "inventory_tracked" BOOLEAN NOT NULL DEFAULT true,
    "inventory_quantity" INTEGER NOT NULL DEFAULT 0,
    "inventory_reserved" INTEGER NOT NULL DEFAULT 0,
    "giftable" BOOLEAN NOT NULL DEFAULT true,
    "shopify_updated_at" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "variant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "product_image" (
    "id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "shopify_id" TEXT,
    "url" TEXT NOT NULL,
    "alt_text" TEXT,
    "width" INTEGER,
    "height" INTEGER,
    "position" INTEGER NOT NULL,

    CONSTRAINT "product_image_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gift_offer" (
    "id" UUID NOT NULL,
    "vendor_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "kind" "OfferKind" NOT NULL,
    "status" "OfferStatus" NOT NULL DEFAULT 'draft',
    "price_amount" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "starts_at" TIMESTAMPTZ(3),
    "ends_at" TIMESTAMPTZ(3),
    "expiry_days" INTEGER NOT NULL DEFAULT 90,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "gift_offer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gift_offer_item" (
    "id" UUID NOT NULL,
    "offer_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "variant_id" UUID,
    "position" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "gift_offer_item_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "storefront" (
    "id" UUID NOT NULL,
    "vendor_id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "logo_key" TEXT,
    "primary_color" TEXT NOT NULL DEFAULT '#1a1a1a',
    "accent_color" TEXT NOT NULL DEFAULT '#008060',
    "welcome_text" TEXT NOT NULL DEFAULT '',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "storefront_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "storefront_offer" (
    "storefront_id" UUID NOT NULL,
    "offer_id" UUID NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "price_override_amount" INTEGER,

    CONSTRAINT "storefront_offer_pkey" PRIMARY KEY ("storefront_id","offer_id")
);

-- CreateTable
CREATE TABLE "shipping_rule" (
    "id" UUID NOT NULL,
    "vendor_id" UUID NOT NULL,
    "country" VARCHAR(2) NOT NULL,
    "rate_amount" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,

    CONSTRAINT "shipping_rule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "buyer_org" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "buyer_org_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "buyer_api_key" (
    "id" UUID NOT NULL,
    "buyer_org_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "buyer_api_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gift_order" (
    "id" UUID NOT NULL,
    "buyer_org_id" UUID NOT NULL,
    "storefront_id" UUID NOT NULL,
    "status" "GiftOrderStatus" NOT NULL DEFAULT 'awaiting_payment',
    "version" INTEGER NOT NULL DEFAULT 1,
    "currency" CHAR(3) NOT NULL,
    "items_amount" INTEGER NOT NULL,
    "shipping_amount" INTEGER NOT NULL,
    "total_amount" INTEGER NOT NULL,
    "refunded_amount" INTEGER NOT NULL DEFAULT 0,
    "recipient_count" INTEGER NOT NULL,
    "disputed_at" TIMESTAMPTZ(3),
    "stripe_payment_intent_id" TEXT,
    "buyer_reference" TEXT,
    "sender_name" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "paid_at" TIMESTAMPTZ(3),

    CONSTRAINT "gift_order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_recipient" (
    "id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "row" INTEGER NOT NULL,
    "offer_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "phone" TEXT,
    "message" TEXT,
    "country" VARCHAR(2),
    "send_at" TIMESTAMPTZ(3),
    "amount" INTEGER NOT NULL,

    CONSTRAINT "order_recipient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fulfillment_unit" (
    "id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "recipient_id" UUID NOT NULL,
    "vendor_id" UUID NOT NULL,
    "offer_id" UUID NOT NULL,
    "status" "UnitStatus" NOT NULL DEFAULT 'issued',
    "version" INTEGER NOT NULL DEFAULT 1,
    "amount" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "recipient_name" TEXT NOT NULL,
    "recipient_email" TEXT NOT NULL,
    "recipient_phone" TEXT,
    "message" TEXT,
    "shipping_method" TEXT NOT NULL DEFAULT 'standard',
    "choices" JSONB NOT NULL,
    "code_hash" TEXT NOT NULL,
    "code_sealed" TEXT NOT NULL,
    "send_at" TIMESTAMPTZ(3) NOT NULL,
    "sent_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "redeemed_at" TIMESTAMPTZ(3),
    "chosen_variant_id" UUID,
    "shipping_address" JSONB,
    "shopify_order_id" TEXT,
    "tracking_carrier" TEXT,
    "tracking_number" TEXT,
    "tracking_url" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "fulfillment_unit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "refund" (
    "id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "unit_id" UUID,
    "amount" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "status" "RefundStatus" NOT NULL DEFAULT 'pending',
    "idempotency_key" TEXT NOT NULL,
    "stripe_refund_id" TEXT,
    "failure_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "refund_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "state_transition" (
    "id" UUID NOT NULL,
    "entity" TEXT NOT NULL,
    "entity_id" UUID NOT NULL,
    "from_state" TEXT NOT NULL,
    "to_state" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "state_transition_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "product_vendor_id_giftable_idx" ON "product"("vendor_id", "giftable");

-- CreateIndex
CREATE UNIQUE INDEX "product_vendor_id_shopify_id_key" ON "product"("vendor_id", "shopify_id");

-- CreateIndex
CREATE UNIQUE INDEX "product_option_product_id_name_key" ON "product_option"("product_id", "name");

-- CreateIndex
CREATE INDEX "variant_product_id_idx" ON "variant"("product_id");

-- CreateIndex
CREATE INDEX "variant_vendor_id_inventory_item_id_idx" ON "variant"("vendor_id", "inventory_item_id");

-- CreateIndex
CREATE UNIQUE INDEX "variant_vendor_id_shopify_id_key" ON "variant"("vendor_id", "shopify_id");

-- CreateIndex
CREATE INDEX "product_image_product_id_position_idx" ON "product_image"("product_id", "position");

-- CreateIndex
CREATE INDEX "gift_offer_vendor_id_status_idx" ON "gift_offer"("vendor_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "gift_offer_item_offer_id_product_id_variant_id_key" ON "gift_offer_item"("offer_id", "product_id", "variant_id");

-- CreateIndex
CREATE UNIQUE INDEX "storefront_slug_key" ON "storefront"("slug");

-- CreateIndex
CREATE INDEX "storefront_vendor_id_idx" ON "storefront"("vendor_id");

-- CreateIndex
CREATE UNIQUE INDEX "shipping_rule_vendor_id_country_key" ON "shipping_rule"("vendor_id", "country");

-- CreateIndex
CREATE UNIQUE INDEX "buyer_api_key_key_hash_key" ON "buyer_api_key"("key_hash");

-- CreateIndex
CREATE UNIQUE INDEX "gift_order_stripe_payment_intent_id_key" ON "gift_order"("stripe_payment_intent_id");

-- CreateIndex
CREATE INDEX "gift_order_buyer_org_id_created_at_idx" ON "gift_order"("buyer_org_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "order_recipient_order_id_row_key" ON "order_recipient"("order_id", "row");

-- CreateIndex
CREATE UNIQUE INDEX "fulfillment_unit_recipient_id_key" ON "fulfillment_unit"("recipient_id");

-- CreateIndex
CREATE UNIQUE INDEX "fulfillment_unit_code_hash_key" ON "fulfillment_unit"("code_hash");

-- CreateIndex
CREATE INDEX "fulfillment_unit_order_id_idx" ON "fulfillment_unit"("order_id");

-- CreateIndex
CREATE INDEX "fulfillment_unit_vendor_id_status_idx" ON "fulfillment_unit"("vendor_id", "status");

-- CreateIndex
CREATE INDEX "fulfillment_unit_status_expires_at_idx" ON "fulfillment_unit"("status", "expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "refund_idempotency_key_key" ON "refund"("idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "refund_stripe_refund_id_key" ON "refund"("stripe_refund_id");

-- CreateIndex
CREATE INDEX "refund_order_id_idx" ON "refund"("order_id");

-- CreateIndex
CREATE INDEX "state_transition_entity_entity_id_at_idx" ON "state_transition"("entity", "entity_id", "at");

-- AddForeignKey
ALTER TABLE "product" ADD CONSTRAINT "product_vendor_id_fkey" FOREIGN KEY ("vendor_id") REFERENCES "vendor"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "product_option" ADD CONSTRAINT "product_option_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "variant" ADD CONSTRAINT "variant_vendor_id_fkey" FOREIGN KEY ("vendor_id") REFERENCES "vendor"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "variant" ADD CONSTRAINT "variant_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "product_image" ADD CONSTRAINT "product_image_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gift_offer" ADD CONSTRAINT "gift_offer_vendor_id_fkey" FOREIGN KEY ("vendor_id") REFERENCES "vendor"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gift_offer_item" ADD CONSTRAINT "gift_offer_item_offer_id_fkey" FOREIGN KEY ("offer_id") REFERENCES "gift_offer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "storefront" ADD CONSTRAINT "storefront_vendor_id_fkey" FOREIGN KEY ("vendor_id") REFERENCES "vendor"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "storefront_offer" ADD CONSTRAINT "storefront_offer_storefront_id_fkey" FOREIGN KEY ("storefront_id") REFERENCES "storefront"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "storefront_offer" ADD CONSTRAINT "storefront_offer_offer_id_fkey" FOREIGN KEY ("offer_id") REFERENCES "gift_offer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shipping_rule" ADD CONSTRAINT "shipping_rule_vendor_id_fkey" FOREIGN KEY ("vendor_id") REFERENCES "vendor"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "buyer_api_key" ADD CONSTRAINT "buyer_api_key_buyer_org_id_fkey" FOREIGN KEY ("buyer_org_id") REFERENCES "buyer_org"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gift_order" ADD CONSTRAINT "gift_order_buyer_org_id_fkey" FOREIGN KEY ("buyer_org_id") REFERENCES "buyer_org"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_recipient" ADD CONSTRAINT "order_recipient_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "gift_order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fulfillment_unit" ADD CONSTRAINT "fulfillment_unit_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "gift_order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refund" ADD CONSTRAINT "refund_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "gift_order"("id") ON DELETE CASCADE ON UPDATE CASCADE;
