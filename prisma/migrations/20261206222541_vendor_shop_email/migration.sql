-- AlterTable
ALTER TABLE "vendor" ADD COLUMN     "shop_email" TEXT;

-- Until now the install wrote the shop's contact email into "email" when it was empty.
UPDATE "vendor" SET "shop_email" = "email" WHERE "email" IS NOT NULL;
