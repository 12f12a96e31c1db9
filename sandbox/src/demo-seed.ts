import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Deps } from "@giftloop/core/platform/deps";
import { createBuyerOrg } from "@giftloop/core/buyers/buyers.service";
import { platformContext } from "@giftloop/core/platform/use-case";
import { seedVendor } from "@giftloop/core/testing/seed";

/** The demo brand's Shopify shop (in the Shopify stand-in in sandbox mode). */
export const DEMO_BRAND_SHOP = "northwind-demo.myshopify.com";

/** The demo brand, storefront and buyer of sandbox mode, created once per data folder. */
export async function seedDemo(deps: Deps): Promise<{ storefrontSlug: string; buyerApiKey?: string }> {
  const slug = "northwind-demo";
  if (await deps.db.prisma.storefront.findUnique({ where: { slug } })) return { storefrontSlug: slug };
  await seedVendor(deps.db, { slug, shop: DEMO_BRAND_SHOP });
  const buyer = await createBuyerOrg(platformContext({ db: deps.db, actor: "sandbox", log: deps.log }), { name: "Acme Corp", email: "gifts@acme.example" });
  writeFileSync(path.resolve(deps.config.DATA_DIR, "demo-buyer.key"), `${buyer.apiKey.key}\n`, { mode: 0o600 });
  return { storefrontSlug: slug, buyerApiKey: buyer.apiKey.key };
}
