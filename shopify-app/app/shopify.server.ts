/**
 * The one module that builds the Shopify app (`@shopify/shopify-app-remix`) and the helpers
 * every route uses to authenticate. It is built per process from the core's configuration
 * and dependencies (passed to Remix as load context), never from module-level env reads.
 */
import {
  ApiVersion,
  AppDistribution,
  LogSeverity,
  shopifyApp,
} from "@shopify/shopify-app-remix/server";
import type { Session } from "@shopify/shopify-api";
import type { Deps } from "@giftloop/core/platform/deps";
import { shopifyApiSecret } from "@giftloop/core/http/vendor-auth";
import { sessionStorageFor } from "@giftloop/core/integrations/shopify/encrypted-session-storage";
import { APP_SCOPES } from "@giftloop/core/integrations/shopify/shopify";
import { onShopInstalled } from "./install.server.ts";

/**
 * Access scopes: the Shopify integration's one list (catalog mirror, inventory, orders for
 * redeemed gifts, fulfillments). shopify.app.toml's `access_scopes` must equal it (a test checks).
 */
export const SCOPES: readonly string[] = APP_SCOPES;

export type ShopifyApp = ReturnType<typeof buildShopifyApp>;

function apiVersionOf(v: string): ApiVersion {
  const known = Object.values(ApiVersion) as string[];
  if (!known.includes(v)) throw new Error(`SHOPIFY_API_VERSION ${v} is not known to @shopify/shopify-api (latest ${known.at(-1)})`);
  return v as ApiVersion;
}

const LOG_LEVELS = { error: LogSeverity.Error, warn: LogSeverity.Warning, info: LogSeverity.Info, debug: LogSeverity.Debug } as const;

function buildShopifyApp(deps: Deps) {
  const { config } = deps;
  const log = deps.log.child({ component: "shopify-app" });
  return shopifyApp({
    apiKey: config.SHOPIFY_API_KEY,
    apiSecretKey: shopifyApiSecret(config),
    appUrl: config.shopifyAppUrl,
    apiVersion: apiVersionOf(config.SHOPIFY_API_VERSION),
    scopes: [...SCOPES],
    authPathPrefix: "/auth",
    sessionStorage: sessionStorageFor(deps),
    distribution: AppDistribution.AppStore,
    isEmbeddedApp: true,
    // Embedded auth: App Bridge session tokens, exchanged for an offline access token
    // (no OAuth redirects inside the admin).
    future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
    logger: {
      level: config.LOG_LEVEL === "debug" || config.LOG_LEVEL === "trace" ? LOG_LEVELS.debug : LOG_LEVELS.warn,
      log: (severity, message) => {
        if (severity === LogSeverity.Error) log.error(message);
        else if (severity === LogSeverity.Warning) log.warn(message);
        else if (severity === LogSeverity.Info) log.info(message);
        else log.debug(message);
      },
    },
    hooks: {
      afterAuth: async ({ session, admin }) => {
        try {
          await onShopInstalled(deps, session, admin);
        } catch (err) {
          // The library turns a failing hook into a bare 500: say why here.
          log.error({ err, shop: session.shop }, "install after authentication failed");
          throw err;
        }
      },
    },
  });
}

const apps = new WeakMap<Deps, ShopifyApp>();

/** The Shopify app of this process's dependencies (built on first use). */
export function shopifyFor(deps: Deps): ShopifyApp {
  let app = apps.get(deps);
  if (!app) apps.set(deps, (app = buildShopifyApp(deps)));
  return app;
}

export type { Session };
