-- AlterTable
ALTER TABLE "vendor" ADD COLUMN     "connection_broken_at" TIMESTAMPTZ(3),
ADD COLUMN     "connection_error" TEXT;
