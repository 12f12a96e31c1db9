-- AlterTable
ALTER TABLE "buyer_org" ADD COLUMN     "digest_opt_in" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "buyer_member" (
    "id" UUID NOT NULL,
    "buyer_org_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "role" TEXT NOT NULL,
    "invited_by" UUID,
    "joined_at" TIMESTAMPTZ(3),
    "removed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "buyer_member_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "web_login_token" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "token_hash" TEXT NOT NULL,
    "code_hash" TEXT NOT NULL,
    "code_failures" INTEGER NOT NULL DEFAULT 0,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "web_login_token_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "web_session" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "principal_id" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "web_session_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "buyer_member_email_idx" ON "buyer_member"("email");

-- CreateIndex
CREATE UNIQUE INDEX "buyer_member_buyer_org_id_email_key" ON "buyer_member"("buyer_org_id", "email");

-- CreateIndex
CREATE UNIQUE INDEX "web_login_token_token_hash_key" ON "web_login_token"("token_hash");

-- CreateIndex
CREATE INDEX "web_login_token_kind_email_created_at_idx" ON "web_login_token"("kind", "email", "created_at");

-- CreateIndex
CREATE INDEX "web_login_token_expires_at_idx" ON "web_login_token"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "web_session_token_hash_key" ON "web_session"("token_hash");

-- CreateIndex
CREATE INDEX "web_session_kind_principal_id_idx" ON "web_session"("kind", "principal_id");

-- CreateIndex
CREATE INDEX "web_session_expires_at_idx" ON "web_session"("expires_at");

-- AddForeignKey
ALTER TABLE "buyer_member" ADD CONSTRAINT "buyer_member_buyer_org_id_fkey" FOREIGN KEY ("buyer_org_id") REFERENCES "buyer_org"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
