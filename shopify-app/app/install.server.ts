import type { Session } from "@shopify/shopify-api";
import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import type { Deps } from "@giftloop/core/platform/deps";
import { installVendor, type VendorRecord } from "@giftloop/core/vendors/vendors.service";
import { startCatalogSync } from "@giftloop/core/catalog/catalog.sync";
import { vendorContext } from "@giftloop/core/platform/use-case";
import { restoreAfterReinstall } from "@giftloop/core/compliance/uninstall";
import { restoreConnection } from "@giftloop/core/vendors/shopify-connection";

const SHOP_QUERY = `#graphql
  query GiftloopInstallShop { shop { name email currencyCode } }`;

/**
 * After Shopify authenticated a shop for the first time (or again after an uninstall):
 * the vendor is created or reactivated (offers the uninstall paused come back, held pushes
 * resume), a connection Shopify had refused is mended when the fresh token reads the shop,
 * then a full catalog sync starts.
 */
export async function onShopInstalled(deps: Deps, session: Session, admin?: AdminApiContext): Promise<VendorRecord> {
  const shopInfo = admin ? await readShop(deps, admin) : undefined;
  const { vendor, outcome } = await installVendor(deps, {
    shop: session.shop,
    shopName: shopInfo?.name ?? null,
    email: shopInfo?.email ?? null,
    currency: shopInfo?.currencyCode ?? null,
  });
  if (outcome === "reactivated") {
    const restored = await restoreAfterReinstall(deps, vendor.id);
    deps.log.info({ shop: session.shop, offers: restored.offersReactivated.length, units: restored.unitsUnflagged.length }, "service restored after reinstall");
  }
  if (shopInfo) await restoreConnection(deps, vendor.id);
  if (outcome !== "unchanged" || !(await hasSynced(deps, vendor.id))) {
    // Refused while Shopify still refuses the token: the app says so; the reconnect starts the sync.
    const started = await startCatalogSync(vendorContext({ db: deps.db, vendorId: vendor.id, actor: `shopify:install@${session.shop}`, log: deps.log }), deps);
    if (!started.ok && started.code !== "connection_broken") throw new Error(`catalog sync of ${session.shop} not started: ${started.detail}`);
  }
  deps.log.info({ shop: session.shop, vendorId: vendor.id, outcome }, "shop installed");
  return vendor;
}

async function hasSynced(deps: Deps, vendorId: string): Promise<boolean> {
  const rows = await deps.db.sql.query("SELECT 1 FROM catalog_sync WHERE vendor_id = $1 LIMIT 1", [vendorId]);
  return rows.length > 0;
}

async function readShop(deps: Deps, admin: AdminApiContext) {
  try {
    const res = await admin.graphql(SHOP_QUERY);
    const body = (await res.json()) as { data?: { shop?: { name: string; email: string; currencyCode: string } } };
    return body.data?.shop;
  } catch (err) {
    // The vendor is still created (named after the shop); the name can be read again later.
    deps.log.warn({ err }, "could not read the shop's details at install");
    return undefined;
  }
}
