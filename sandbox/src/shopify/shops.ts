import { isShopDomain } from "@giftloop/core/platform/shop-domain";
import { demoCatalog, generateCatalog, slug, type SProduct } from "./catalog.ts";
import { shopOf, type StandInContext } from "./context.ts";
import { reserveOrderIdsAbove } from "./orders.ts";
import { deserializeShops, largestOrderId } from "./persist.ts";
import { indexShop, sortedProductIds, type ShopState } from "./state.ts";
import { DEMO_SHOP, type ShopSeed } from "./types.ts";

/** Where a shop's generated product images are served (`{prefix}/{productId}-{n}.svg`). */
export function imagePathPrefix(domain: string): string {
  return `/cdn/shop/files/${slug(domain.replace(".myshopify.com", ""))}`;
}

function seedCatalog(seed: ShopSeed, n: number): SProduct[] {
  const prefix = imagePathPrefix(seed.domain);
  if (seed.demoCatalog || (seed.products === undefined && seed.domain === DEMO_SHOP)) return demoCatalog(prefix);
  return generateCatalog({
    products: seed.products ?? 0,
    imagePathPrefix: prefix,
    idBase: 7_000_000_000 + n * 100_000_000,
    ...(seed.variantsPerProduct !== undefined ? { variantsPerProduct: seed.variantsPerProduct } : {}),
    ...(seed.exactVariants !== undefined ? { exactVariants: seed.exactVariants } : {}),
    ...(seed.seed !== undefined ? { seed: seed.seed } : {}),
  });
}

/** Adds (or replaces) a shop with a seeded catalog; a replaced shop keeps its tokens and orders. */
export function addShop(ctx: StandInContext, seed: ShopSeed): ShopState {
  if (!isShopDomain(seed.domain)) throw new Error(`not a myshopify.com domain: ${seed.domain}`);
  const n = ctx.shops.size + 1;
  const products = seedCatalog(seed, n);
  const previous = ctx.shops.get(seed.domain);
  const shop: ShopState = {
    domain: seed.domain,
    name: seed.name ?? (seed.domain === DEMO_SHOP ? "Giftloop Demo Goods" : seed.domain.replace(".myshopify.com", "")),
    email: `owner@${seed.domain}`,
    currency: seed.currency ?? "USD",
    id: 60_000_000 + n,
    locationId: 80_000_000 + n,
    products: new Map(products.map((p) => [p.id, p])),
    bulkOps: new Map(),
    subscriptions: [],
    tokens: previous?.tokens ?? new Map(),
    bucket: { available: ctx.throttle ? ctx.throttle.maximumAvailable : 0, at: Date.now() },
    corruptNextBulk: [],
    byInventoryItem: new Map(),
    sorted: null,
    orders: previous?.orders ?? new Map(),
    nextOrderNumber: previous?.nextOrderNumber ?? 1001,
  };
  indexShop(shop);
  ctx.shops.set(seed.domain, shop);
  return shop;
}

/** Puts back the shops of a state file; new orders get ids above every id kept. */
export function restoreShops(ctx: StandInContext, saved: string): void {
  for (const shop of deserializeShops(saved, ctx.throttle ? ctx.throttle.maximumAvailable : 0)) {
    indexShop(shop);
    ctx.shops.set(shop.domain, shop);
  }
  reserveOrderIdsAbove(largestOrderId(ctx.shops.values()));
}

/** Seeds the demo shop (unless `demoShop` is false) and the given shops, skipping those already there. */
export function seedShops(ctx: StandInContext, demoShop: boolean, seeds: ShopSeed[]): void {
  if (demoShop && !ctx.shops.has(DEMO_SHOP)) addShop(ctx, { domain: DEMO_SHOP });
  for (const s of seeds) if (!ctx.shops.has(s.domain)) addShop(ctx, s);
}

/** The shop's products by id. */
export function productsOf(ctx: StandInContext, domain: string): SProduct[] {
  const shop = shopOf(ctx, domain);
  return sortedProductIds(shop).map((id) => shop.products.get(id)!);
}
