import { RequestedTokenType } from "@shopify/shopify-api";
import type { Deps } from "../../../core/src/platform/deps.ts";
import type { ShopifyStandIn } from "./server.ts";

/**
 * Sandbox mode: connects the demo brand to its shop in the Shopify stand-in on every start
 * (the stand-in keeps nothing between runs, the embedded database does): installs the app
 * (token exchange -> offline session, as the embedded app does) and makes each of the
 * brand's variants exist in the stand-in with stock, pointing the mirror at them, so a
 * redeemed demo gift becomes a real order there. Webhooks are held while the catalog is
 * recreated (it is the seed's catalog, not a change the brand made).
 */
export async function connectDemoShop(deps: Deps, standIn: ShopifyStandIn, shop: string, opts: { webhookUrl: string | null }): Promise<{ variants: number }> {
  const vendor = await deps.db.prisma.vendor.findUnique({ where: { shopDomain: shop } });
  if (!vendor) return { variants: 0 };
  standIn.addShop({ domain: shop, name: vendor.name, products: 0 });
  const sessionToken = standIn.mintSessionToken(shop);
  const { session } = await deps.shopify.api.auth.tokenExchange({ shop, sessionToken, requestedTokenType: RequestedTokenType.OfflineAccessToken });
  await deps.shopify.sessionStorage.storeSession(session);

  const variants = await deps.db.prisma.variant.findMany({ where: { vendorId: vendor.id, deletedAt: null }, include: { product: true }, orderBy: { createdAt: "asc" } });
  standIn.setWebhookUrl(null);
  try {
    for (const v of variants) {
      const title = v.title === "Default Title" ? v.product.title : `${v.product.title} - ${v.title}`;
      const p = standIn.createProduct(shop, { title, price: (v.priceAmount / 100).toFixed(2) });
      const sv = p.variants[0]!;
      const stock = Math.max(v.inventoryQuantity, 50);
      standIn.updateProduct(shop, p.id, { variants: [{ id: sv.id, inventoryQuantity: stock, sku: v.sku ?? sv.sku }] });
      await deps.db.prisma.variant.update({
        where: { id: v.id },
        data: { shopifyId: `gid://shopify/ProductVariant/${sv.id}`, inventoryItemId: `gid://shopify/InventoryItem/${sv.inventoryItemId}`, inventoryQuantity: stock },
      });
    }
    await standIn.whenDeliveriesSettled();
  } finally {
    standIn.setWebhookUrl(opts.webhookUrl);
  }
  return { variants: variants.length };
}
