import "@shopify/shopify-api/adapters/node";
import { ApiVersion, GraphqlQueryError, LogSeverity, shopifyApi, type Shopify } from "@shopify/shopify-api";
import type { Config } from "../../platform/config.ts";
import type { Database } from "../../platform/db/connect.ts";
import type { Logger } from "../../platform/logger.ts";
import type { SecretBox } from "../../platform/secrets/secrets.ts";
import { loadOfflineSession, sessionStorageFor, type EncryptedSessionStorage } from "./encrypted-session-storage.ts";
import { installShopifySandboxRouting } from "./sandbox-routing.ts";
import { verifyShopifyHmac } from "./hmac.ts";
import { shopifyApiSecret } from "../../http/vendor-auth.ts";

/**
 * The Shopify integration: the only module that holds Shopify credentials or talks to
 * Shopify. It is built on the official `@shopify/shopify-api` (GraphQL Admin API client,
 * sessions) and adds what the product needs on top: cost-aware throttling, bulk operations
 * and webhook verification. In sandbox mode (`SHOPIFY_SANDBOX_URL`) the library's requests
 * are routed to the local stand-in; the library itself is unchanged.
 */

export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

export interface AdminResponse<T> {
  data: T;
  cost?: QueryCost;
}

/** A GraphQL Admin API client for one shop, bound to its offline session. */
export interface ShopifyAdmin {
  readonly shop: string;
  request<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, opts?: { signal?: AbortSignal }): Promise<AdminResponse<T>>;
}

export interface ShopifyIntegration {
  readonly api: Shopify;
  readonly apiKey: string;
  readonly apiVersion: string;
  /** Session storage for the Remix app (`shopifyApp({ sessionStorage })`) and workers. */
  readonly sessionStorage: EncryptedSessionStorage;
  /** An Admin client for an installed shop (its offline session); throws ShopNotInstalledError. */
  admin(shop: string): Promise<ShopifyAdmin>;
  /** Whether `hmacHeader` (X-Shopify-Hmac-Sha256) signs `rawBody` with the app secret. */
  verifyWebhookHmac(rawBody: string | Buffer, hmacHeader: string | null | undefined): boolean;
}

export class ShopNotInstalledError extends Error {
  override name = "ShopNotInstalledError";
  constructor(readonly shop: string) {
    super(`the app has no offline session for ${shop} (not installed, or uninstalled)`);
  }
}

/** A Shopify GraphQL error answer (userErrors are values; this is for errors[]). */
export class ShopifyGraphqlError extends Error {
  override name = "ShopifyGraphqlError";
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly errors: unknown,
  ) {
    super(message);
  }
}

export interface ThrottleOptions {
  /** Retries after THROTTLED before giving up (default 12). */
  maxRetries?: number;
  /** Upper bound of one wait (default 30 s). */
  maxWaitMs?: number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function assertSupportedApiVersion(version: string): ApiVersion {
  const known = Object.values(ApiVersion) as string[];
  if (!known.includes(version)) {
    throw new Error(`SHOPIFY_API_VERSION ${version} is not supported by @shopify/shopify-api (known: ${known.filter((v) => /^\d/.test(v)).join(", ")})`);
  }
  return version as ApiVersion;
}

/**
 * The app's client secret: one source for the whole core (session tokens, webhook HMACs,
 * token exchange). Outside production it defaults to a generated local key; sandbox mode
 * sets SHOPIFY_API_SECRET to the stand-in's secret.
 */
export function shopifyAppSecret(config: Config): string {
  return shopifyApiSecret(config);
}

export const APP_SCOPES = ["read_products", "read_inventory", "write_orders", "read_orders", "read_fulfillments"];

export function createShopifyIntegration(
  config: Config,
  deps: { db: Database; secrets: SecretBox; log: Logger },
  opts: { throttle?: ThrottleOptions } = {},
): ShopifyIntegration {
  if (config.SHOPIFY_SANDBOX_URL) installShopifySandboxRouting(config.SHOPIFY_SANDBOX_URL, { NODE_ENV: config.NODE_ENV });
  const apiVersion = assertSupportedApiVersion(config.SHOPIFY_API_VERSION);
  const secret = shopifyAppSecret(config);
  const log = deps.log.child({ integration: "shopify" });
  const api = shopifyApi({
    apiKey: config.SHOPIFY_API_KEY,
    apiSecretKey: secret,
    apiVersion,
    scopes: APP_SCOPES,
    hostName: new URL(config.shopifyAppUrl).host,
    hostScheme: new URL(config.shopifyAppUrl).protocol === "http:" ? "http" : "https",
    isEmbeddedApp: true,
    logger: {
      level: LogSeverity.Warning,
      log: async (severity, message) => {
        if (severity <= LogSeverity.Error) log.error(message);
        else log.warn(message);
      },
    },
  });
  return {
    api,
    apiKey: config.SHOPIFY_API_KEY,
    apiVersion,
    // Built on first use: Shopify's Prisma storage checks for its table when constructed.
    get sessionStorage() {
      return sessionStorageFor(deps);
    },
    async admin(shop) {
      const session = await loadOfflineSession(deps, shop);
      if (!session) throw new ShopNotInstalledError(shop);
      const client = new api.clients.Graphql({ session });
      return throttledAdmin(shop, (query, variables, signal) => client.request(query, { variables, retries: 2, ...(signal ? { signal } : {}) }), log, opts.throttle);
    },
    verifyWebhookHmac: (rawBody, header) => verifyShopifyHmac(rawBody, header, secret),
  };
}

type RawRequest = (query: string, variables: Record<string, unknown> | undefined, signal?: AbortSignal) => Promise<{ data?: unknown; extensions?: unknown }>;

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/**
 * Cost-based throttling, client side: every answer reports the bucket
 * (extensions.cost.throttleStatus). Before a request we wait if the last known bucket cannot
 * pay for the last cost of a request; on THROTTLED we wait until the bucket has refilled
 * enough for the requested cost (restoreRate per second), plus jitter so that concurrent
 * callers do not retry in lockstep.
 */
export function throttledAdmin(shop: string, raw: RawRequest, log: Logger, opts: ThrottleOptions = {}): ShopifyAdmin {
  const maxRetries = opts.maxRetries ?? 12;
  const maxWaitMs = opts.maxWaitMs ?? 30_000;
  const random = opts.random ?? Math.random;
  const sleep = opts.sleep ?? defaultSleep;
  let last: { status: QueryCost["throttleStatus"]; at: number; cost: number } | null = null;

  function waitFor(needed: number, status: QueryCost["throttleStatus"], since: number): number {
    const refilled = status.currentlyAvailable + ((Date.now() - since) / 1000) * status.restoreRate;
    if (refilled >= needed) return 0;
    const base = ((needed - refilled) / Math.max(1, status.restoreRate)) * 1000;
    return Math.min(maxWaitMs, Math.ceil(base + random() * Math.min(1000, base * 0.5 + 50)));
  }

  return {
    shop,
    async request<T>(query: string, variables?: Record<string, unknown>, ro: { signal?: AbortSignal } = {}) {
      for (let attempt = 0; ; attempt++) {
        if (last) {
          const pre = waitFor(last.cost, last.status, last.at);
          if (pre > 0) await sleep(pre, ro.signal);
        }
        try {
          const res = await raw(query, variables, ro.signal);
          const cost = (res.extensions as { cost?: QueryCost } | undefined)?.cost;
          if (cost?.throttleStatus) last = { status: cost.throttleStatus, at: Date.now(), cost: cost.actualQueryCost ?? cost.requestedQueryCost };
          return { data: res.data as T, ...(cost ? { cost } : {}) };
        } catch (err) {
          const g = graphqlFailure(err);
          if (g?.code === "THROTTLED" && attempt < maxRetries) {
            const cost = g.cost;
            const wait = cost ? waitFor(cost.requestedQueryCost, cost.throttleStatus, Date.now()) || 50 : 1000 * 2 ** Math.min(attempt, 5);
            if (cost) last = { status: cost.throttleStatus, at: Date.now(), cost: cost.requestedQueryCost };
            log.debug({ shop, attempt: attempt + 1, waitMs: wait, cost }, "shopify throttled; backing off");
            await sleep(wait, ro.signal);
            continue;
          }
          if (g) throw new ShopifyGraphqlError(g.message, g.code, g.errors);
          throw err;
        }
      }
    },
  };
}

function graphqlFailure(err: unknown): { message: string; code: string | undefined; cost: QueryCost | undefined; errors: unknown } | undefined {
  if (!(err instanceof GraphqlQueryError)) return undefined;
  const body = err.body as { errors?: { graphQLErrors?: Array<{ message?: string; extensions?: { code?: string } }> }; extensions?: { cost?: QueryCost } } | undefined;
  const first = body?.errors?.graphQLErrors?.[0];
  return { message: first?.message ?? err.message, code: first?.extensions?.code, cost: body?.extensions?.cost, errors: body?.errors?.graphQLErrors };
}
