/**
 * Test helpers for the embedded app: the core app with the Shopify app mounted over real
 * test dependencies, an installed shop (vendor + stored offline session), and the URLs and
 * session tokens Shopify admin would use to open a page.
 */
import { Session } from "@shopify/shopify-api";
import { createApp, type App } from "@giftloop/core/http/app";
import { testDeps, type TestDeps } from "@giftloop/core/testing/deps";
import { seedVendor, type Seeded } from "@giftloop/core/testing/seed";
import { sessionStorageFor, offlineSessionId } from "@giftloop/core/integrations/shopify/encrypted-session-storage";
import { mintSessionToken } from "@giftloop/sandbox/shopify/session-token";
import { ensureAppBuild } from "./build.ts";
import { mountShopifyApp } from "./mount.ts";
import { APP_SCOPES as SCOPES } from "@giftloop/core/integrations/shopify/shopify";

export const TEST_API_KEY = "giftloop-test-app";
export const TEST_API_SECRET = "test-app-secret-0123456789abcdef0123456789";

export interface AppHarness {
  app: App;
  deps: TestDeps;
  close(): Promise<void>;
}

export async function appHarness(env: Record<string, string> = {}): Promise<AppHarness> {
  await ensureAppBuild();
  const deps = await testDeps({
    env: { SHOPIFY_API_KEY: TEST_API_KEY, SHOPIFY_API_SECRET: TEST_API_SECRET, PUBLIC_URL: "http://localhost:3999", LOG_LEVEL: "warn", ...env },
  });
  const mounted = await mountShopifyApp(deps);
  if (!mounted) throw new Error("the Shopify app build is missing");
  const app = createApp(deps, { routes: [mounted.routes], ownErrorPages: mounted.ownErrorPages });
  return { app, deps, close: () => deps.close() };
}

/** A shop that installed the app: its vendor (seeded catalog, offers, storefront) and offline session. */
export async function installedShop(deps: TestDeps, handle = `shop-${Math.random().toString(36).slice(2, 8)}`): Promise<Seeded & { shop: string }> {
  const shop = `${handle}.myshopify.com`;
  const seeded = await seedVendor(deps.db, { shop, slug: handle });
  await sessionStorageFor(deps).storeSession(
    new Session({ id: offlineSessionId(shop), shop, state: "", isOnline: false, accessToken: "shpat_test_token", scope: SCOPES.join(",") }),
  );
  return { ...seeded, shop };
}

export function sessionToken(shop: string, opts: { apiKey?: string; secret?: string; ttlSeconds?: number; now?: number } = {}): string {
  return mintSessionToken({
    shop,
    apiKey: opts.apiKey ?? TEST_API_KEY,
    apiSecret: opts.secret ?? TEST_API_SECRET,
    ...(opts.ttlSeconds !== undefined ? { ttlSeconds: opts.ttlSeconds } : {}),
    ...(opts.now !== undefined ? { now: opts.now } : {}),
  });
}

export function hostParam(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}`).toString("base64url");
}

/** The URL Shopify admin loads in its iframe for an app page. */
export function embeddedUrl(pathname: string, shop: string, token = sessionToken(shop)): string {
  const q = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: token, locale: "en" });
  return `http://localhost:3999${pathname}?${q}`;
}

/** Headers App Bridge adds to the app's own fetches (Remix data requests). */
export function bearerFor(shop: string, token = sessionToken(shop)): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
