import { testDeps, type TestDeps } from "../testing/deps.ts";
import type { JobRegistry } from "../jobs/registry.ts";
import { createApp, type App, type CreateAppOptions } from "./app.ts";
import { mintOperatorToken } from "./operator-auth.ts";
import { shopifyApiSecret } from "./vendor-auth.ts";
import { sign } from "hono/jwt";
import type { Config } from "../platform/config.ts";

/** Claims as Shopify puts them in an App Bridge session token. */
export async function mintTestSessionToken(config: Config, shop: string, claims: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign(
    {
      iss: `https://${shop}/admin`,
      dest: `https://${shop}`,
      aud: config.SHOPIFY_API_KEY,
      sub: "42",
      exp: now + 60,
      nbf: now - 5,
      iat: now,
      jti: `jti-${now}-${Math.random()}`,
      sid: "session-1",
      ...claims,
    },
    shopifyApiSecret(config),
    "HS256",
  );
}

/**
 * The core app over real test dependencies (fresh migrated database, local storage and
 * secrets in a temp folder, captured logs), for HTTP tests that call it in-process with
 * `app.request(...)`.
 */
export interface TestApp {
  app: App;
  deps: TestDeps;
  /** A valid operator token for this app's configuration. */
  operatorToken(opts?: { sub?: string; ttlSeconds?: number }): Promise<string>;
  /** A Shopify session token for this shop, as App Bridge would mint it (claims overridable). */
  vendorToken(shop: string, claims?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export async function testApp(
  opts: CreateAppOptions & { env?: Record<string, string | undefined>; registry?: JobRegistry } = {},
): Promise<TestApp> {
  const { env, registry, ...appOptions } = opts;
  const deps = await testDeps({ ...(env ? { env } : {}), ...(registry ? { registry } : {}) });
  const app = createApp(deps, appOptions);
  return {
    app,
    deps,
    operatorToken: (o = {}) =>
      mintOperatorToken(deps.config, { sub: o.sub ?? "ops@giftloop.test", ttlSeconds: o.ttlSeconds ?? 600 }),
    vendorToken: (shop, claims = {}) => mintTestSessionToken(deps.config, shop, claims),
    close: () => deps.close(),
  };
}

/** Headers for an authenticated JSON request. */
export function bearer(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, ...extra };
}
