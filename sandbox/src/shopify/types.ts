// The Shopify stand-in's public shapes: what `startShopifyStandIn` takes and returns, its
// run-time settings (throttle, faults) and the sandbox app's defaults. `server.ts` re-exports
// all of it; the stand-in's parts import it from here.
import type { SProduct, SVariant } from "./catalog.ts";
import type { SOrder } from "./orders.ts";
import type { MintSessionTokenOptions } from "./session-token.ts";
import type { RetryPolicy, WebhookDelivery } from "./webhooks.ts";

/** Fault injection for reliability tests (GraphQL requests only). */
export interface Faults {
  /** Fraction (0..1) of requests that fail with one of `kinds`. */
  rate?: number;
  kinds?: Array<"500" | "timeout" | "throttled">;
  /** How long a "timeout" request hangs before its connection is dropped (default 2000 ms). */
  hangMs?: number;
  /** Only mutations fail (default: every GraphQL request). */
  mutationsOnly?: boolean;
  /** The next n mutations are executed and committed, then their connection drops unanswered. */
  dropAfterCommit?: number;
  /** Random source (default Math.random). */
  random?: () => number;
}

export interface TrackingInput {
  carrier?: string | null;
  number?: string | null;
  url?: string | null;
}

export const DEMO_SHOP = "giftloop-demo.myshopify.com";
/** The sandbox app's credentials (config defaults outside production). */
export const SANDBOX_API_KEY = "giftloop-sandbox-app";
export const SANDBOX_API_SECRET = "giftloop-sandbox-secret";
export const DEFAULT_SCOPES = "read_products,read_inventory,write_orders,read_orders,read_fulfillments";
export const DEFAULT_API_VERSION = "2026-10";

export interface Throttle {
  maximumAvailable: number;
  restoreRate: number;
}

export interface ShopSeed {
  domain: string;
  name?: string;
  currency?: string;
  /** A generated catalog of this many products (default: the demo catalog for DEMO_SHOP, else empty). */
  products?: number;
  /** The demo catalog (240 gift products) whatever the domain. */
  demoCatalog?: boolean;
  variantsPerProduct?: number;
  /** Exactly `variantsPerProduct` variants each (benchmarks). */
  exactVariants?: boolean;
  seed?: number;
}

export interface ShopifyStandInOptions {
  port?: number;
  apiKey?: string;
  apiSecret?: string;
  apiVersion?: string;
  scopes?: string;
  /** App-level webhook URL (as in shopify.app.toml): every topic of every shop is POSTed here. */
  webhookUrl?: string | null;
  /** Cost bucket per shop; false disables throttling (costs are still reported). Default 2000 / 100 per s. */
  throttle?: Throttle | false;
  retry?: Partial<RetryPolicy>;
  /** Delay before a bulk operation starts running (default 10 ms). */
  bulkDelayMs?: number;
  /** Seed the demo shop (default true). */
  demoShop?: boolean;
  /**
   * Keep the shops (catalog, access tokens, webhook subscriptions, orders) in this file, so a
   * restart finds them as they were (sandbox mode: `$DATA_DIR/shopify-stand-in.json`). Shops
   * found in the file are not seeded again.
   */
  stateFile?: string;
  shops?: ShopSeed[];
  log?: (line: string) => void;
}

export interface ProductPatch {
  title?: string;
  productType?: string;
  vendor?: string;
  tags?: string[];
  status?: "ACTIVE" | "DRAFT" | "ARCHIVED";
  descriptionHtml?: string;
  /** Decimal string, applied to every variant. */
  price?: string;
  variants?: Array<{ id: number; price?: string; inventoryQuantity?: number; sku?: string }>;
}

export interface ShopifyStandIn {
  /** e.g. "http://127.0.0.1:43121" (what SHOPIFY_SANDBOX_URL points at) */
  url: string;
  port: number;
  apiKey: string;
  apiSecret: string;
  apiVersion: string;
  demoShop: string;
  /** Adds (or replaces) a shop with a generated catalog. */
  addShop(seed: ShopSeed): void;
  /** Whether the stand-in has this shop (seeded, added, or kept from an earlier run). */
  hasShop(shop: string): boolean;
  /** The shop's products (live objects: read, do not mutate; use updateProduct). */
  products(shop: string): SProduct[];
  /** An offline access token for the shop, as after an install. */
  issueAccessToken(shop: string, scope?: string): string;
  /** Revokes every access token of the shop: the Admin API answers 401 until a new token exchange. */
  revokeAccessTokens(shop: string): number;
  mintSessionToken(shop: string, opts?: Partial<MintSessionTokenOptions>): string;
  createProduct(shop: string, patch: ProductPatch & { title: string }): SProduct;
  /** Puts whole products (their own ids, options, variants, images) into the shop, without webhooks (seeding). */
  putProducts(shop: string, products: SProduct[]): void;
  /** The path prefix of the shop's generated product images (`{prefix}/{productId}-{n}.svg`). */
  imagePathPrefix(shop: string): string;
  updateProduct(shop: string, id: number, patch: ProductPatch): SProduct;
  deleteProduct(shop: string, id: number): void;
  setInventory(shop: string, inventoryItemId: number, available: number): SVariant;
  /** Breaks these 1-based lines of the shop's next bulk result file. */
  corruptNextBulk(shop: string, lines: number[]): void;
  setThrottle(t: Throttle | false): void;
  /** Fault injection for GraphQL requests (replaces the previous setting; {} clears). */
  setFaults(f: Faults): void;
  /** Counts of injected faults since start. */
  readonly faultCounts: { "500": number; timeout: number; throttled: number; dropped: number };
  /** Orders of a shop, oldest first (live objects: read only). */
  orders(shop: string): SOrder[];
  /** Fulfils the order with tracking -> fulfillments/create. */
  fulfillOrder(shop: string, orderId: number | string, tracking?: TrackingInput): { fulfillmentId: number };
  /** Marks the order's last fulfillment delivered -> fulfillments/update (shipment_status delivered). */
  markDelivered(shop: string, orderId: number | string): void;
  /** Cancels the order -> orders/cancelled. */
  cancelOrder(shop: string, orderId: number | string, reason?: string): void;
  /** Refunds the order's line items (or only its shipping) -> refunds/create. */
  refundOrder(shop: string, orderId: number | string, opts?: { shippingOnly?: boolean }): { refundId: number };
  setWebhookUrl(url: string | null): void;
  /** Sends a signed webhook (tests of arbitrary topics/payloads). */
  emitWebhook(shop: string, topic: string, payload: unknown, opts?: { webhookId?: string; url?: string }): WebhookDelivery;
  readonly deliveries: WebhookDelivery[];
  whenDeliveriesSettled(): Promise<void>;
  /** Signs a body as Shopify signs webhooks (tests). */
  sign(body: string | Buffer): string;
  close(): Promise<void>;
}
