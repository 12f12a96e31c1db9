-- CreateTable
CREATE TABLE "attempt_window" (
    "limiter" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "log" TIMESTAMPTZ(3)[],
    "allowed" BOOLEAN NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "attempt_window_pkey" PRIMARY KEY ("limiter","key")
);

-- CreateTable
CREATE TABLE "attempt_lock" (
    "limiter" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "last_failure_at" TIMESTAMPTZ(3) NOT NULL,
    "locked_until" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "attempt_lock_pkey" PRIMARY KEY ("limiter","key")
);

-- CreateIndex
CREATE INDEX "attempt_window_expires_at_idx" ON "attempt_window"("expires_at");

-- CreateIndex
CREATE INDEX "attempt_lock_expires_at_idx" ON "attempt_lock"("expires_at");
