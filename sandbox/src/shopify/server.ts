/**
 * Shopify stand-in: the subset of the Admin API this product uses, on loopback, in Shopify's
 * wire formats, for sandbox mode, tests and benchmarks.
 *
 *   const shopify = await startShopifyStandIn({ webhookUrl: "http://127.0.0.1:3000/webhooks/shopify" });
 *   // route *.myshopify.com to it (core/src/integrations/shopify/sandbox-routing.ts), then use
 *   // @shopify/shopify-api unmodified against https://giftloop-demo.myshopify.com
 *   const token = shopify.issueAccessToken("giftloop-demo.myshopify.com");
 *   await shopify.close();
 *
 * Served on the shop's host (the Host header names the shop, as at Shopify):
 *   POST /admin/api/{version}/graphql.json   Admin GraphQL (schema.ts): shop, products, variants
 *        with cursor pagination, node/nodes, inventory items and levels, bulkOperationRunQuery,
 *        currentBulkOperation / bulkOperation / node for BulkOperation, bulkOperationCancel,
 *        webhookSubscriptionCreate. Cost-based throttling: every answer carries
 *        extensions.cost {requestedQueryCost, actualQueryCost, throttleStatus}; a query costing
 *        more than the bucket holds gets a THROTTLED error, one above 1000 MAX_COST_EXCEEDED.
 *   POST /admin/oauth/access_token           token exchange (session token -> offline/online
 *        access token) and the authorization-code grant
 *   GET  /admin/oauth/authorize              code grant: redirects back with code, hmac, shop...
 * On any host:
 *   GET  /_bulk/{token}.jsonl                a bulk operation's result (Shopify's JSONL format)
 *   GET  /cdn/shop/files/{shop}/{product}-{n}.svg   generated product images
 * Sandbox controls (no auth, not part of Shopify's API; {shop} is the myshopify domain):
 *   GET  /_sandbox/shops                                   shops and catalog sizes
 *   GET  /_sandbox/shops/{shop}/products?query=&limit=     products (title, handle, vendor, SKU matching `query`), images
 *        with absolute URLs: what the sandbox admin's resource picker lists
 *   POST /_sandbox/shops                                   {domain, products, variantsPerProduct, seed} (re)create a shop
 *   POST /_sandbox/shops/{shop}/products                   create a product -> products/create
 *   POST /_sandbox/shops/{shop}/products/{id}              change a product -> products/update
 *        body: {title?, productType?, vendor?, tags?, status?, descriptionHtml?, price? (decimal),
 *               variants?: [{id, price?, inventoryQuantity?, sku?}]}
 *   DELETE /_sandbox/shops/{shop}/products/{id}            -> products/delete
 *   POST /_sandbox/shops/{shop}/inventory                  {inventoryItemId, available} -> inventory_levels/update
 *   POST /_sandbox/shops/{shop}/access_tokens              install shortcut: an offline token
 *   DELETE /_sandbox/shops/{shop}/access_tokens            revokes every token of the shop (the Admin API answers
 *        401 until the app exchanges a session token again), as when a token is revoked or the app is
 *        uninstalled without its webhook arriving
 *   POST /_sandbox/shops/{shop}/bulk/corrupt               {lines: [n...]} break lines of the next bulk result
 *   POST /_sandbox/session_token                           {shop, userId?} a signed session token
 *   POST /_sandbox/webhook_endpoint                        {url} app-level webhook URL (all topics)
 *   POST /_sandbox/throttle                                {maximumAvailable, restoreRate} or {enabled: false}
 *   GET  /_sandbox/deliveries                              webhook delivery records
 * Orders (orderCreate, order(id:), orders(query: "tag:... source_identifier:...")):
 *   GET  /_sandbox/shops/{shop}/orders                     orders created in the shop (REST shape)
 *   GET  /_sandbox/shops/{shop}/orders.html                a page listing them with Fulfil / Deliver / Cancel buttons
 *   POST /_sandbox/shops/{shop}/orders/{id}/fulfill        {carrier?, number?, url?} -> fulfillments/create
 *   POST /_sandbox/shops/{shop}/orders/{id}/deliver        last fulfillment's shipment_status=delivered -> fulfillments/update
 *   POST /_sandbox/shops/{shop}/orders/{id}/cancel         {reason?} -> orders/cancelled
 *   POST /_sandbox/shops/{shop}/orders/{id}/refund         {shippingOnly?} -> refunds/create (every line item, or the shipping only)
 * Fault injection (reliability tests; GraphQL requests only):
 *   POST /_sandbox/faults  {rate, kinds: ["500"|"timeout"|"throttled"], hangMs?, mutationsOnly?} a fraction of
 *        requests answer 500, hang then drop the connection (the work may or may not have been done), or THROTTLED;
 *        {dropAfterCommit: n}: the next n mutations run, then the connection drops with no answer; {} clears all.
 *
 * The parts, by role: types.ts (options and the returned object), context.ts (one running
 * stand-in's state), shops.ts (seeding and restoring shops), admin-graphql.ts with graphql.ts and
 * schema.ts (the Admin API), bulk-operations.ts, throttling.ts, oauth.ts (tokens and the code
 * grant), catalog-changes.ts and order-actions.ts (a merchant's changes and their webhooks),
 * sandbox-controls.ts, orders-page.ts, product-images.ts, fault-injection.ts, webhooks.ts
 * (delivery), persist.ts (the state file) and http-router.ts.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createProduct, deleteProduct, putProducts, setInventory, updateProduct } from "./catalog-changes.ts";
import { shopOf, type StandInContext } from "./context.ts";
import { handleRequest } from "./http-router.ts";
import { issueAccessToken, revokeAccessTokens } from "./oauth.ts";
import { cancelOrder, fulfillOrder, markDelivered, refundOrder } from "./order-actions.ts";
import { serializeShops, StateFile } from "./persist.ts";
import { mintSessionToken } from "./session-token.ts";
import { addShop, imagePathPrefix, productsOf, restoreShops, seedShops } from "./shops.ts";
import { DEFAULT_THROTTLE, setThrottle } from "./throttling.ts";
import { DEFAULT_API_VERSION, DEFAULT_SCOPES, DEMO_SHOP, SANDBOX_API_KEY, SANDBOX_API_SECRET, type ShopifyStandIn, type ShopifyStandInOptions, type ShopSeed } from "./types.ts";
import { DEFAULT_RETRY, shopifyHmac, WebhookEmitter } from "./webhooks.ts";

export { mintSessionToken, verifySessionToken, type MintSessionTokenOptions, type SessionTokenClaims } from "./session-token.ts";
export { shopifyHmac, type RetryPolicy, type WebhookDelivery } from "./webhooks.ts";
export { generateCatalog, decimal, parseDecimal, type SProduct, type SVariant } from "./catalog.ts";
export type { SOrder, SFulfillment, SLineItem, SAddress } from "./orders.ts";
export {
  DEFAULT_API_VERSION,
  DEFAULT_SCOPES,
  DEMO_SHOP,
  SANDBOX_API_KEY,
  SANDBOX_API_SECRET,
  type Faults,
  type ProductPatch,
  type ShopifyStandIn,
  type ShopifyStandInOptions,
  type ShopSeed,
  type Throttle,
  type TrackingInput,
} from "./types.ts";

const HOST = "127.0.0.1";

function createContext(opts: ShopifyStandInOptions): StandInContext {
  const log = opts.log ?? (() => {});
  const apiSecret = opts.apiSecret ?? SANDBOX_API_SECRET;
  const apiVersion = opts.apiVersion ?? DEFAULT_API_VERSION;
  return {
    apiKey: opts.apiKey ?? SANDBOX_API_KEY,
    apiSecret,
    apiVersion,
    scopes: opts.scopes ?? DEFAULT_SCOPES,
    log,
    bulkDelayMs: opts.bulkDelayMs ?? 10,
    shops: new Map(),
    bulkFiles: new Map(),
    authorizationCodes: new Map(),
    emitter: new WebhookEmitter({ secret: apiSecret, apiVersion, retry: { ...DEFAULT_RETRY, ...opts.retry }, log }),
    throttle: opts.throttle === undefined ? { ...DEFAULT_THROTTLE } : opts.throttle,
    appWebhookUrl: opts.webhookUrl ?? null,
    faults: {},
    faultCounts: { "500": 0, timeout: 0, throttled: 0, dropped: 0 },
    baseUrl: "",
    seq: 1,
    nextRefundId: 7_100_000_000,
  };
}

async function listen(ctx: StandInContext, port: number, stateFile: StateFile | undefined): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    // Anything but a read may change a shop (orderCreate, a token exchange, a control route).
    if (req.method !== "GET" && stateFile) res.once("finish", () => stateFile.changed());
    handleRequest(ctx, req, res).catch((e: unknown) => {
      ctx.log(`shopify stand-in: ${String(e)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, HOST, () => resolve());
  });
  return server;
}

export async function startShopifyStandIn(opts: ShopifyStandInOptions = {}): Promise<ShopifyStandIn> {
  const ctx = createContext(opts);
  const stateFile = opts.stateFile ? new StateFile(opts.stateFile, () => serializeShops(ctx.shops.values())) : undefined;
  const saved = stateFile?.read();
  if (saved) restoreShops(ctx, saved);
  seedShops(ctx, opts.demoShop !== false, opts.shops ?? []);
  stateFile?.changed();
  const server = await listen(ctx, opts.port ?? 0, stateFile);
  const port = (server.address() as AddressInfo).port;
  ctx.baseUrl = `http://${HOST}:${port}`;
  return standInApi(ctx, server, port, stateFile);
}

/** The object `startShopifyStandIn` returns: the stand-in's API for tests and the sandbox. */
function standInApi(ctx: StandInContext, server: http.Server, port: number, stateFile: StateFile | undefined): ShopifyStandIn {
  /** An API method that changes a shop: the state file is written after it. */
  const changes =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R => {
      const r = fn(...args);
      stateFile?.changed();
      return r;
    };
  const { apiKey, apiSecret, emitter } = ctx;

  return {
    url: ctx.baseUrl,
    port,
    apiKey,
    apiSecret,
    apiVersion: ctx.apiVersion,
    demoShop: DEMO_SHOP,
    addShop: changes((seed: ShopSeed) => void addShop(ctx, seed)),
    hasShop: (shop) => ctx.shops.has(shop),
    products: (shop) => productsOf(ctx, shop),
    issueAccessToken: changes((shop: string, scope?: string) => issueAccessToken(ctx, shop, scope)),
    revokeAccessTokens: changes((shop: string) => revokeAccessTokens(ctx, shop)),
    mintSessionToken: (shop, o = {}) => mintSessionToken({ shop, apiKey, apiSecret, ...o }),
    createProduct: changes((shop: string, patch: Parameters<ShopifyStandIn["createProduct"]>[1]) => createProduct(ctx, shop, patch)),
    putProducts: changes((shop: string, products: Parameters<ShopifyStandIn["putProducts"]>[1]) => putProducts(ctx, shop, products)),
    imagePathPrefix: (shop) => imagePathPrefix(shopOf(ctx, shop).domain),
    updateProduct: changes((shop: string, id: number, patch: Parameters<ShopifyStandIn["updateProduct"]>[2]) => updateProduct(ctx, shop, id, patch)),
    deleteProduct: changes((shop: string, id: number) => deleteProduct(ctx, shop, id)),
    setInventory: changes((shop: string, inventoryItemId: number, available: number) => setInventory(ctx, shop, inventoryItemId, available)),
    corruptNextBulk: (shop, lines) => {
      shopOf(ctx, shop).corruptNextBulk = lines;
    },
    setThrottle: (t) => setThrottle(ctx, t),
    setFaults: (f) => {
      ctx.faults = { ...f };
    },
    faultCounts: ctx.faultCounts,
    orders: (shop) => [...shopOf(ctx, shop).orders.values()].sort((x, y) => x.id - y.id),
    fulfillOrder: changes((shop: string, orderId: number | string, tracking?: Parameters<ShopifyStandIn["fulfillOrder"]>[2]) => fulfillOrder(ctx, shop, orderId, tracking)),
    markDelivered: changes((shop: string, orderId: number | string) => markDelivered(ctx, shop, orderId)),
    cancelOrder: changes((shop: string, orderId: number | string, reason?: string) => cancelOrder(ctx, shop, orderId, reason)),
    refundOrder: changes((shop: string, orderId: number | string, o?: { shippingOnly?: boolean }) => refundOrder(ctx, shop, orderId, o)),
    setWebhookUrl: (u) => {
      ctx.appWebhookUrl = u;
    },
    emitWebhook: (shop, topic, payload, o = {}) => {
      const url = o.url ?? ctx.appWebhookUrl;
      if (!url) throw new Error("no webhook URL: pass one or set the app-level webhook URL");
      return emitter.emit(shop, topic, url, payload, o.webhookId ? { webhookId: o.webhookId } : {});
    },
    get deliveries() {
      return emitter.deliveries;
    },
    whenDeliveriesSettled: () => emitter.idle(),
    sign: (body) => shopifyHmac(body, apiSecret),
    async close() {
      stateFile?.close();
      emitter.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
