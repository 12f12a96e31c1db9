import { RequestedTokenType } from "@shopify/shopify-api";
import type { Deps } from "@giftloop/core/platform/deps";
import { startCatalogSync } from "@giftloop/core/catalog/catalog.sync";
import { vendorContext } from "@giftloop/core/platform/use-case";
import type { SProduct } from "./catalog.ts";
import type { ShopifyStandIn } from "./server.ts";

/**
 * Sandbox mode: the demo brand's shop in the Shopify stand-in, the one shop the sandbox
 * admin opens, the demo storefront sells from and redeemed demo gifts become orders in.
 *
 * On the first start (the stand-in keeps its shops in DATA_DIR after that) the shop is made
 * from the brand's seeded catalog, with the mirror's own Shopify ids, so the products the
 * demo offers are the shop's products, plus the stand-in's 240-product demo catalog; the
 * mirror's images then point at the stand-in's generated images (they load offline), and a
 * full catalog sync brings the rest of the shop into the mirror. On every start the app's
 * stored offline token is checked and, when the shop does not accept it (a fresh stand-in),
 * exchanged for a new one as the embedded app does.
 */
export async function connectDemoShop(deps: Deps, standIn: ShopifyStandIn, shop: string): Promise<{ created: boolean }> {
  const vendor = await deps.db.prisma.vendor.findUnique({ where: { shopDomain: shop } });
  if (!vendor) return { created: false };
  const created = !standIn.hasShop(shop);
  if (created) await createDemoShop(deps, standIn, shop, vendor);
  if (!(await tokenWorks(deps, shop))) {
    const sessionToken = standIn.mintSessionToken(shop);
    const { session } = await deps.shopify.api.auth.tokenExchange({ shop, sessionToken, requestedTokenType: RequestedTokenType.OfflineAccessToken });
    await deps.shopify.sessionStorage.storeSession(session);
  }
  if (created) {
    const started = await startCatalogSync(vendorContext({ db: deps.db, vendorId: vendor.id, actor: "sandbox", log: deps.log }), deps);
    if (!started.ok) throw new Error(`the demo shop's catalog sync did not start: ${started.detail}`);
  }
  return { created };
}

async function tokenWorks(deps: Deps, shop: string): Promise<boolean> {
  try {
    await (await deps.shopify.admin(shop)).request(`{ shop { name } }`);
    return true;
  } catch {
    return false;
  }
}

/** At least this much stock of each seeded variant, in the shop and the mirror, so demo gifts do not run out. */
const DEMO_STOCK = 50;

async function createDemoShop(deps: Deps, standIn: ShopifyStandIn, shop: string, vendor: { id: string; name: string; currency: string }): Promise<void> {
  standIn.addShop({ domain: shop, name: vendor.name, currency: vendor.currency, demoCatalog: true });
  const prefix = standIn.imagePathPrefix(shop);
  const mirror = await deps.db.prisma.product.findMany({
    where: { vendorId: vendor.id, deletedAt: null },
    include: { options: { orderBy: { position: "asc" } }, variants: { where: { deletedAt: null }, orderBy: { createdAt: "asc" } } },
  });
  const now = new Date();
  const products: SProduct[] = [];
  for (const p of mirror) {
    const id = numericId(p.shopifyId);
    const imageId = id * 3;
    products.push({
      id,
      title: p.title,
      handle: p.handle,
      descriptionHtml: p.descriptionHtml,
      productType: p.productType,
      vendor: p.brand || vendor.name,
      status: "ACTIVE",
      tags: p.tags,
      options: p.options.map((o) => ({ id: id * 10 + o.position, name: o.name, position: o.position, values: o.values })),
      images: [{ id: imageId, path: `${prefix}/${id}-1.svg`, altText: p.title, width: 800, height: 800 }],
      variants: p.variants.map((v, i) => ({
        id: numericId(v.shopifyId),
        productId: id,
        title: v.title,
        sku: v.sku ?? "",
        price: v.priceAmount,
        compareAtPrice: null,
        position: i + 1,
        selectedOptions: v.selectedOptions as Array<{ name: string; value: string }>,
        inventoryItemId: numericId(v.shopifyId) * 4,
        tracked: v.inventoryTracked,
        inventoryQuantity: Math.max(v.inventoryQuantity, DEMO_STOCK),
        imageId,
        createdAt: now,
        updatedAt: now,
      })),
      createdAt: now,
      updatedAt: now,
    });
  }
  standIn.putProducts(shop, products);
  // The mirror agrees with the shop: inventory items (for inventory webhooks), stock, and images that load offline.
  for (const p of products) {
    for (const v of p.variants) {
      await deps.db.prisma.variant.updateMany({
        where: { vendorId: vendor.id, shopifyId: `gid://shopify/ProductVariant/${v.id}` },
        data: { inventoryItemId: `gid://shopify/InventoryItem/${v.inventoryItemId}`, inventoryQuantity: v.inventoryQuantity },
      });
    }
    const product = mirror.find((m) => numericId(m.shopifyId) === p.id)!;
    await deps.db.prisma.productImage.deleteMany({ where: { productId: product.id } });
    await deps.db.prisma.productImage.create({ data: { productId: product.id, url: `${standIn.url}${p.images[0]!.path}`, altText: p.title, width: 800, height: 800, position: 1 } });
  }
}

function numericId(gid: string): number {
  const n = Number(/(\d+)$/.exec(gid)?.[1]);
  if (!Number.isSafeInteger(n)) throw new Error(`not a Shopify gid: ${gid}`);
  return n;
}
