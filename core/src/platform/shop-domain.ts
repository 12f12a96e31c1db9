/**
 * Shopify shop domains (`{handle}.myshopify.com`): the one identifier of a brand's store
 * that the app trusts. Everything typed by a person or read from a query string goes
 * through `normalizeShopDomain` before it reaches OAuth, sessions or the database.
 */

/** A lowercased `{handle}.myshopify.com`, checked by `normalizeShopDomain`. */
export type ShopDomain = string & { readonly __brand: "ShopDomain" };

const MYSHOPIFY_SUFFIX = ".myshopify.com";
/** A store handle is one DNS label: lowercase letters, digits and inner hyphens. */
const HANDLE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** A canonical shop domain, for schemas that match strings (zod `.regex`, route params). */
export const SHOP_DOMAIN_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.myshopify\.com$/;
/** Shopify's admin URL for a store: `admin.shopify.com/store/{handle}`. */
const ADMIN_STORE_PATH = /^\/store\/([^/]+)\/?/;

export class InvalidShopDomainError extends Error {
  override name = "InvalidShopDomainError";
  constructor(readonly input: string) {
    super(`not a Shopify shop domain (expected {store}.myshopify.com): ${JSON.stringify(input)}`);
  }
}

/**
 * Returns the canonical shop domain for what a person might paste: any case, with or
 * without `https://`, with a trailing path, query or fragment (e.g. a copied admin URL
 * `https://Foo.myshopify.com/admin/orders`), or Shopify's `admin.shopify.com/store/foo`
 * form. Returns `null` for anything else, including custom domains, ports, credentials
 * (`foo.myshopify.com@evil.com` is `evil.com`), other schemes and look-alike hosts.
 */
export function normalizeShopDomain(input: string): ShopDomain | null {
  const trimmed = input.trim();
  if (trimmed === "" || /\s/.test(trimmed)) return null;

  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(trimmed);
  if (hasScheme && !/^https?:\/\//i.test(trimmed)) return null;

  let url: URL;
  try {
    url = new URL(hasScheme ? trimmed : `https://${trimmed}`);
  } catch {
    return null;
  }
  if (url.username !== "" || url.password !== "" || url.port !== "") return null;

  const host = url.hostname; // already lowercased by the URL parser
  if (host === "admin.shopify.com") {
    const handle = ADMIN_STORE_PATH.exec(url.pathname)?.[1]?.toLowerCase();
    return handle !== undefined && HANDLE.test(handle) ? toShopDomain(handle) : null;
  }
  if (!host.endsWith(MYSHOPIFY_SUFFIX)) return null;
  const handle = host.slice(0, -MYSHOPIFY_SUFFIX.length);
  return HANDLE.test(handle) ? toShopDomain(handle) : null;
}

/** Like `normalizeShopDomain`, but throws `InvalidShopDomainError` instead of returning null. */
export function parseShopDomain(input: string): ShopDomain {
  const shop = normalizeShopDomain(input);
  if (shop === null) throw new InvalidShopDomainError(input);
  return shop;
}

/** True only for a value that is already canonical (as stored or sent by Shopify). */
export function isShopDomain(value: unknown): value is ShopDomain {
  return typeof value === "string" && normalizeShopDomain(value) === value;
}

/** The store handle, e.g. `foo` for `foo.myshopify.com`. */
export function shopHandle(shop: ShopDomain): string {
  return shop.slice(0, -MYSHOPIFY_SUFFIX.length);
}

function toShopDomain(handle: string): ShopDomain {
  return `${handle}${MYSHOPIFY_SUFFIX}` as ShopDomain;
}
