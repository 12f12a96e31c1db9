-- CreateEnum
CREATE TYPE "XeroConnectionStatus" AS ENUM ('choose_organisation', 'connected', 'needs_reauth', 'disconnected');

-- CreateEnum
CREATE TYPE "AccountingStatus" AS ENUM ('pending', 'booked', 'needs_attention', 'parked');

-- CreateEnum
CREATE TYPE "StaffRole" AS ENUM ('admin', 'finance', 'support');

-- CreateTable
CREATE TABLE "xero_connection" (
    "id" TEXT NOT NULL,
    "status" "XeroConnectionStatus" NOT NULL,
    "tenant_id" TEXT,
    "tenant_name" TEXT,
    "connection_id" TEXT,
    "base_currency" CHAR(3),
    "mapping" JSONB,
    "access_expires_at" TIMESTAMPTZ(3),
    "refreshed_at" TIMESTAMPTZ(3),
    "token_version" INTEGER NOT NULL DEFAULT 0,
    "reauth_reason" TEXT,
    "day_blocked_until" TIMESTAMPTZ(3),
    "connected_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "xero_connection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "xero_oauth_state" (
    "state_hash" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "xero_oauth_state_pkey" PRIMARY KEY ("state_hash")
);

-- CreateTable
CREATE TABLE "accounting_record" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "source_id" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "amount" INTEGER NOT NULL,
    "status" "AccountingStatus" NOT NULL DEFAULT 'pending',
    "generation" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "parked_reason" TEXT,
    "parked_until" TIMESTAMPTZ(3),
    "message" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "create_sent_at" TIMESTAMPTZ(3),
    "payment_sent_at" TIMESTAMPTZ(3),
    "xero_contact_id" TEXT,
    "xero_document_id" TEXT,
    "xero_document_number" TEXT,
    "xero_payment_id" TEXT,
    "xero_allocation_id" TEXT,
    "stripe_ref" TEXT,
    "booked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "accounting_record_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "xero_contact_link" (
    "tenant_id" TEXT NOT NULL,
    "party" TEXT NOT NULL,
    "party_id" TEXT NOT NULL,
    "contact_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "xero_contact_link_pkey" PRIMARY KEY ("tenant_id","party","party_id")
);

-- CreateTable
CREATE TABLE "xero_call" (
    "id" UUID NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "released_at" TIMESTAMPTZ(3),

    CONSTRAINT "xero_call_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reconciliation_day" (
    "day" DATE NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "reconciled" BOOLEAN NOT NULL,
    "stripe_net" INTEGER NOT NULL,
    "ledger_net" INTEGER NOT NULL,
    "xero_net" INTEGER NOT NULL,
    "differences" JSONB NOT NULL,
    "run_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reconciliation_day_pkey" PRIMARY KEY ("day","currency")
);

-- CreateTable
CREATE TABLE "staff_account" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "StaffRole" NOT NULL,
    "disabled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "staff_account_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "accounting_record_status_parked_until_idx" ON "accounting_record"("status", "parked_until");

-- CreateIndex
CREATE INDEX "accounting_record_day_idx" ON "accounting_record"("day");

-- CreateIndex
CREATE UNIQUE INDEX "accounting_record_kind_source_id_key" ON "accounting_record"("kind", "source_id");

-- CreateIndex
CREATE INDEX "xero_call_tenant_id_started_at_idx" ON "xero_call"("tenant_id", "started_at");

-- CreateIndex
CREATE UNIQUE INDEX "staff_account_email_key" ON "staff_account"("email");
