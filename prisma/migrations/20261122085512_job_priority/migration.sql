-- DropIndex
DROP INDEX "job_status_run_at_idx";

-- AlterTable
ALTER TABLE "job" ADD COLUMN     "priority" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "job_status_priority_run_at_idx" ON "job"("status", "priority", "run_at");
