import type { Deps } from "../platform/deps.ts";
import { isShopDomain } from "../platform/shop-domain.ts";

/**
 * Vendors (brands) as the embedded Shopify app sees them: one per shop, created on install,
 * reactivated on reinstall. Every other vendor use case takes the `vendorId` that
 * `vendorByShop` resolved from the Shopify session, once, at the edge.
 */
export interface VendorRecord {
  id: string;
  shopDomain: string;
  name: string;
  status: "active" | "uninstalled";
  email: string | null;
  currency: string;
  defaultExpiryDays: number;
  installedAt: Date;
  uninstalledAt: Date | null;
  /** Set while Shopify refuses the app's access token (vendors/connection-state.ts). */
  connectionBrokenAt?: Date | null;
  connectionError?: string | null;
}

export interface InstallInput {
  /** The shop's canonical `{handle}.myshopify.com` domain (from the verified session). */
  shop: string;
  /** From Shopify's `shop` query, when it could be read at install time. */
  shopName?: string | null;
  email?: string | null;
  currency?: string | null;
}

export interface InstallResult {
  vendor: VendorRecord;
  /** `created` on a first install, `reactivated` after an uninstall, `unchanged` otherwise. */
  outcome: "created" | "reactivated" | "unchanged";
}


export class InvalidShopError extends Error {
  override name = "InvalidShopError";
  constructor(shop: string) {
    super(`not a canonical *.myshopify.com shop domain: ${JSON.stringify(shop)}`);
  }
}

/**
 * Creates the shop's vendor, or reactivates it after an uninstall (status active,
 * `uninstalledAt` cleared), keeping its catalog, offers and storefront. Safe to call on every
 * authentication: an active vendor is left as it is, apart from filling in shop details it
 * did not have. Starting the catalog sync is the caller's next step (`onInstalled`).
 */
export async function installVendor(
  deps: Pick<Deps, "db">,
  input: InstallInput,
): Promise<InstallResult> {
  if (!isShopDomain(input.shop)) throw new InvalidShopError(input.shop);
  const name = input.shopName?.trim() || defaultName(input.shop);
  const currency = /^[A-Z]{3}$/.test(input.currency ?? "") ? input.currency! : undefined;
  const email = input.email?.trim() || undefined;

  const existing = await deps.db.prisma.vendor.findUnique({ where: { shopDomain: input.shop } });
  if (!existing) {
    // ON CONFLICT: two first requests may race (App Bridge fires several at once); the
    // loser carries on as a repeat install.
    const created = await deps.db.sql.query<{ id: string }>(
      `INSERT INTO vendor (id, shop_domain, name, email, shop_email, currency, updated_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $3, $4, now())
       ON CONFLICT (shop_domain) DO NOTHING RETURNING id::text AS id`,
      [input.shop, name, email ?? null, currency ?? "USD"],
    );
    if (!created[0]) return installVendor(deps, input);
    const vendor = await deps.db.prisma.vendor.findUniqueOrThrow({ where: { id: created[0].id } });
    return { vendor, outcome: "created" };
  }
  if (existing.status === "uninstalled") {
    const vendor = await deps.db.prisma.vendor.update({
      where: { id: existing.id },
      data: {
        status: "active",
        uninstalledAt: null,
        installedAt: new Date(),
        name: input.shopName?.trim() || existing.name,
        ...(currency ? { currency } : {}),
        ...(email && !existing.email ? { email } : {}),
        ...(email ? { shopEmail: email } : {}),
      },
    });
    return { vendor, outcome: "reactivated" };
  }
  if ((email && !existing.email) || (email && email !== existing.shopEmail) || (input.shopName && existing.name === defaultName(input.shop))) {
    const vendor = await deps.db.prisma.vendor.update({
      where: { id: existing.id },
      data: {
        ...(email && !existing.email ? { email } : {}),
        ...(email ? { shopEmail: email } : {}),
        ...(input.shopName?.trim() && existing.name === defaultName(input.shop) ? { name: input.shopName.trim() } : {}),
      },
    });
    return { vendor, outcome: "unchanged" };
  }
  return { vendor: existing, outcome: "unchanged" };
}

/** The vendor of a shop, or undefined when the shop never installed the app. */
export async function vendorByShop(deps: Pick<Deps, "db">, shop: string): Promise<VendorRecord | undefined> {
  const rows = await deps.db.sql.query<VendorRecord>(
    `SELECT id::text AS id, shop_domain AS "shopDomain", name, status::text AS status, email, currency,
            default_expiry_days AS "defaultExpiryDays", installed_at AS "installedAt", uninstalled_at AS "uninstalledAt",
            connection_broken_at AS "connectionBrokenAt", connection_error AS "connectionError"
       FROM vendor WHERE shop_domain = $1`,
    [shop],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    ...row,
    installedAt: new Date(row.installedAt),
    uninstalledAt: row.uninstalledAt ? new Date(row.uninstalledAt) : null,
    connectionBrokenAt: row.connectionBrokenAt ? new Date(row.connectionBrokenAt) : null,
  };
}

/**
 * Marks the shop's vendor uninstalled (the `app/uninstalled` webhook's job). Its data stays
 * until Shopify's `shop/redact` asks for removal; a reinstall reactivates it.
 */
export async function markVendorUninstalled(deps: Pick<Deps, "db">, shop: string, at = new Date()): Promise<boolean> {
  const changed = await deps.db.prisma.vendor.updateMany({
    where: { shopDomain: shop, status: "active" },
    data: { status: "uninstalled", uninstalledAt: at },
  });
  return changed.count > 0;
}

function defaultName(shop: string): string {
  const handle = shop.replace(/\.myshopify\.com$/, "");
  return handle
    .split("-")
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(" ");
}
