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
 *   POST /_sandbox/shops                                   {domain, products, variantsPerProduct, seed} (re)create a shop
 *   POST /_sandbox/shops/{shop}/products                   create a product -> products/create
 *   POST /_sandbox/shops/{shop}/products/{id}              change a product -> products/update
 *        body: {title?, productType?, vendor?, tags?, status?, descriptionHtml?, price? (decimal),
 *               variants?: [{id, price?, inventoryQuantity?, sku?}]}
 *   DELETE /_sandbox/shops/{shop}/products/{id}            -> products/delete
 *   POST /_sandbox/shops/{shop}/inventory                  {inventoryItemId, available} -> inventory_levels/update
 *   POST /_sandbox/shops/{shop}/access_tokens              install shortcut: an offline token
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
 * Fault injection (reliability tests; GraphQL requests only):
 *   POST /_sandbox/faults  {rate, kinds: ["500"|"timeout"|"throttled"], hangMs?, mutationsOnly?} a fraction of
 *        requests answer 500, hang then drop the connection (the work may or may not have been done), or THROTTLED;
 *        {dropAfterCommit: n}: the next n mutations run, then the connection drops with no answer; {} clears all.
 */
import { createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { checkBulkQuery, flattenBulkResult } from "./bulk.ts";
import { demoCatalog, generateCatalog, parseDecimal, slug, escapeHtml, type SProduct, type SVariant } from "./catalog.ts";
import { operationCost, prepare, run, SINGLE_QUERY_MAX_COST, type GqlContext } from "./graphql.ts";
import { bulkFinishPayload, inventoryLevelPayload, productDeletePayload, productPayload } from "./payloads.ts";
import { mintSessionToken, verifySessionToken, type MintSessionTokenOptions } from "./session-token.ts";
import { createOrder as createShopOrder, fulfillOrder as fulfillShopOrder, fulfillmentPayload, orderPayload, type SOrder } from "./orders.ts";
import { indexShop, sortedProductIds, type BulkOperation, type ShopState, type WebhookSubscription } from "./state.ts";
import { DEFAULT_RETRY, shopifyHmac, WebhookEmitter, type RetryPolicy, type WebhookDelivery } from "./webhooks.ts";

export { mintSessionToken, verifySessionToken, type MintSessionTokenOptions, type SessionTokenClaims } from "./session-token.ts";
export { shopifyHmac, type RetryPolicy, type WebhookDelivery } from "./webhooks.ts";
export { generateCatalog, decimal, parseDecimal, type SProduct, type SVariant } from "./catalog.ts";
export type { SOrder, SFulfillment, SLineItem, SAddress } from "./orders.ts";

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
  /** The shop's products (live objects: read, do not mutate; use updateProduct). */
  products(shop: string): SProduct[];
  /** An offline access token for the shop, as after an install. */
  issueAccessToken(shop: string, scope?: string): string;
  mintSessionToken(shop: string, opts?: Partial<MintSessionTokenOptions>): string;
  createProduct(shop: string, patch: ProductPatch & { title: string }): SProduct;
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
  setWebhookUrl(url: string | null): void;
  /** Sends a signed webhook (tests of arbitrary topics/payloads). */
  emitWebhook(shop: string, topic: string, payload: unknown, opts?: { webhookId?: string; url?: string }): WebhookDelivery;
  readonly deliveries: WebhookDelivery[];
  whenDeliveriesSettled(): Promise<void>;
  /** Signs a body as Shopify signs webhooks (tests). */
  sign(body: string | Buffer): string;
  close(): Promise<void>;
}

const HOST = "127.0.0.1";
const MAX_BODY = 1024 * 1024;
const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === "string" ? body : JSON.stringify(body));
  }
}

export async function startShopifyStandIn(opts: ShopifyStandInOptions = {}): Promise<ShopifyStandIn> {
  const log = opts.log ?? (() => {});
  const apiKey = opts.apiKey ?? SANDBOX_API_KEY;
  const apiSecret = opts.apiSecret ?? SANDBOX_API_SECRET;
  const apiVersion = opts.apiVersion ?? DEFAULT_API_VERSION;
  const scopes = opts.scopes ?? DEFAULT_SCOPES;
  let throttle: Throttle | false = opts.throttle === undefined ? { maximumAvailable: 2000, restoreRate: 100 } : opts.throttle;
  let appWebhookUrl: string | null = opts.webhookUrl ?? null;
  const bulkDelayMs = opts.bulkDelayMs ?? 10;
  const shops = new Map<string, ShopState>();
  const bulkFiles = new Map<string, BulkOperation>();
  const codes = new Map<string, { shop: string; scope: string; expires: number }>();
  let seq = 1;
  let baseUrl = "";
  const emitter = new WebhookEmitter({ secret: apiSecret, apiVersion, retry: { ...DEFAULT_RETRY, ...opts.retry }, log });

  function addShop(seed: ShopSeed): ShopState {
    if (!SHOP_DOMAIN.test(seed.domain)) throw new Error(`not a myshopify.com domain: ${seed.domain}`);
    const prefix = `/cdn/shop/files/${slug(seed.domain.replace(".myshopify.com", ""))}`;
    const n = shops.size + 1;
    const products =
      seed.products === undefined && seed.domain === DEMO_SHOP
        ? demoCatalog(prefix)
        : generateCatalog({
            products: seed.products ?? 0,
            imagePathPrefix: prefix,
            idBase: 7_000_000_000 + n * 100_000_000,
            ...(seed.variantsPerProduct !== undefined ? { variantsPerProduct: seed.variantsPerProduct } : {}),
            ...(seed.exactVariants !== undefined ? { exactVariants: seed.exactVariants } : {}),
            ...(seed.seed !== undefined ? { seed: seed.seed } : {}),
          });
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
      tokens: shops.get(seed.domain)?.tokens ?? new Map(),
      bucket: { available: throttle ? throttle.maximumAvailable : 0, at: Date.now() },
      corruptNextBulk: [],
      byInventoryItem: new Map(),
      sorted: null,
      orders: shops.get(seed.domain)?.orders ?? new Map(),
      nextOrderNumber: shops.get(seed.domain)?.nextOrderNumber ?? 1001,
    };
    indexShop(shop);
    shops.set(seed.domain, shop);
    return shop;
  }

  if (opts.demoShop !== false) addShop({ domain: DEMO_SHOP });
  for (const s of opts.shops ?? []) addShop(s);

  function shopOf(domain: string): ShopState {
    const s = shops.get(domain);
    if (!s) throw new HttpError(404, { errors: "Not Found" });
    return s;
  }

  // ------------------------------------------------------------ webhooks

  function webhookTargets(shop: ShopState, topic: string): string[] {
    const urls = new Set(shop.subscriptions.filter((s) => s.topic === topic).map((s) => s.uri));
    if (appWebhookUrl) urls.add(appWebhookUrl);
    return [...urls];
  }

  function publish(shop: ShopState, topic: string, payload: unknown): WebhookDelivery[] {
    return webhookTargets(shop, topic).map((url) => emitter.emit(shop.domain, topic, url, payload));
  }

  // ------------------------------------------------------------ bulk operations

  function runBulkQuery(shop: ShopState, query: string): ReturnType<GqlContext["runBulkQuery"]> {
    const running = [...shop.bulkOps.values()].find((o) => o.status === "CREATED" || o.status === "RUNNING" || o.status === "CANCELING");
    if (running) {
      return {
        userErrors: [
          { field: ["query"], message: `A bulk query operation for this app and shop is already in progress: gid://shopify/BulkOperation/${running.id}.`, code: "OPERATION_IN_PROGRESS" },
        ],
      };
    }
    const checked = checkBulkQuery(query);
    if (checked.message) return { userErrors: [{ field: ["query"], message: checked.message, code: "INVALID" }] };
    const op: BulkOperation = {
      id: 4_000_000 + seq++,
      status: "CREATED",
      errorCode: null,
      query,
      createdAt: new Date(),
      completedAt: null,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: 0,
      token: randomBytes(16).toString("hex"),
      file: null,
    };
    shop.bulkOps.set(op.id, op);
    const corrupt = shop.corruptNextBulk;
    shop.corruptNextBulk = [];
    setTimeout(() => void executeBulk(shop, op, corrupt), bulkDelayMs);
    return { op, userErrors: [] };
  }

  async function executeBulk(shop: ShopState, op: BulkOperation, corrupt: number[]): Promise<void> {
    if (op.status !== "CREATED") return;
    op.status = "RUNNING";
    try {
      const prepared = prepare(op.query, {}, undefined);
      if (!prepared.ok) throw new Error(JSON.stringify(prepared.errors));
      const result = await run(prepared.prepared, gqlContext(shop, true));
      if (result.errors?.length || !result.data) throw new Error(JSON.stringify(result.errors));
      if ((op.status as string) === "CANCELING") {
        op.status = "CANCELED";
      } else {
        const { lines, rootObjectCount } = flattenBulkResult(result.data as Record<string, unknown>);
        for (const n of corrupt) if (lines[n - 1] !== undefined) lines[n - 1] = lines[n - 1]!.slice(0, Math.max(1, Math.floor(lines[n - 1]!.length / 2)));
        op.file = Buffer.from(lines.length ? `${lines.join("\n")}\n` : "");
        op.fileSize = op.file.length;
        op.objectCount = lines.length;
        op.rootObjectCount = rootObjectCount;
        op.status = "COMPLETED";
        bulkFiles.set(op.token, op);
      }
    } catch (e) {
      log(`shopify stand-in: bulk operation ${op.id} failed: ${String(e)}`);
      op.status = "FAILED";
      op.errorCode = "INTERNAL_SERVER_ERROR";
    }
    op.completedAt = new Date();
    publish(shop, "bulk_operations/finish", bulkFinishPayload(op));
  }

  function gqlContext(shop: ShopState, bulk: boolean): GqlContext {
    return {
      shop,
      baseUrl,
      bulk,
      runBulkQuery,
      cancelBulk(s, id) {
        const op = s.bulkOps.get(id);
        if (op && (op.status === "CREATED" || op.status === "RUNNING")) op.status = op.status === "CREATED" ? "CANCELED" : "CANCELING";
        return op;
      },
      subscribe(s, topic, uri): WebhookSubscription {
        const sub = { id: 9_000_000 + seq++, topic, uri, createdAt: new Date() };
        s.subscriptions.push(sub);
        return sub;
      },
      bulkUrl: (op) => (op.file ? `${baseUrl}/_bulk/${op.token}.jsonl` : null),
      createOrder(s, input, options) {
        const r = createShopOrder(s, s, input, options);
        if (r.order) {
          publish(s, "orders/create", orderPayload(r.order));
          for (const v of r.changedVariants) publish(s, "inventory_levels/update", inventoryLevelPayload(s, v));
        }
        return r;
      },
    };
  }

  // ------------------------------------------------------------ orders and fulfillments

  function orderOf(domain: string, orderId: number | string): [ShopState, SOrder] {
    const shop = shopOf(domain);
    const n = typeof orderId === "number" ? orderId : Number(/(\d+)$/.exec(orderId)?.[1]);
    const o = shop.orders.get(n);
    if (!o) throw new HttpError(404, { errors: "Not Found" });
    return [shop, o];
  }

  function fulfillOrder(domain: string, orderId: number | string, tracking: TrackingInput = {}) {
    const [shop, o] = orderOf(domain, orderId);
    if (o.cancelledAt) throw new HttpError(422, { errors: { base: ["Order is cancelled"] } });
    const f = fulfillShopOrder(o, tracking);
    publish(shop, "fulfillments/create", fulfillmentPayload(o, f, shop.locationId));
    publish(shop, "orders/updated", orderPayload(o));
    return { fulfillmentId: f.id };
  }

  function markDelivered(domain: string, orderId: number | string): void {
    const [shop, o] = orderOf(domain, orderId);
    const f = o.fulfillments[o.fulfillments.length - 1];
    if (!f) throw new HttpError(422, { errors: { base: ["Order has no fulfillment"] } });
    f.shipmentStatus = "delivered";
    f.updatedAt = new Date(Math.max(Date.now(), f.updatedAt.getTime() + 1));
    publish(shop, "fulfillments/update", fulfillmentPayload(o, f, shop.locationId));
  }

  function cancelOrder(domain: string, orderId: number | string, reason = "other"): void {
    const [shop, o] = orderOf(domain, orderId);
    if (!o.cancelledAt) {
      o.cancelledAt = new Date();
      o.cancelReason = reason.toUpperCase();
      o.updatedAt = o.cancelledAt;
    }
    publish(shop, "orders/cancelled", { ...orderPayload(o), cancel_reason: reason.toLowerCase() });
  }

  function ordersPage(domain: string): string {
    const shop = shopOf(domain);
    const rows = [...shop.orders.values()]
      .map((o) => {
        const f = o.fulfillments[o.fulfillments.length - 1];
        const state = o.cancelledAt ? "cancelled" : f ? (f.shipmentStatus ?? "fulfilled") : "unfulfilled";
        const act = (path: string, label: string, body = "{}") =>
          `<button onclick="act('${path}', ${escapeHtml(body)})">${label}</button>`;
        const trackingBody = `{carrier:'UPS',number:'1Z${o.id}',url:'https://www.ups.com/track?tracknum=1Z${o.id}'}`;
        return `<tr><td>${escapeHtml(o.name)}</td><td>${escapeHtml(o.tags.join(", "))}</td><td>${escapeHtml(o.lineItems.map((l) => `${l.quantity} × ${l.title} (${l.variantTitle})`).join("; "))}</td><td>${escapeHtml([o.shippingAddress?.firstName, o.shippingAddress?.lastName, o.shippingAddress?.city].filter(Boolean).join(" "))}</td><td>${state}</td><td>${act(`orders/${o.id}/fulfill`, "Fulfil", trackingBody)} ${act(`orders/${o.id}/deliver`, "Deliver")} ${act(`orders/${o.id}/cancel`, "Cancel")}</td></tr>`;
      })
      .join("");
    return `<!doctype html><meta charset="utf-8"><title>${escapeHtml(shop.name)} orders (Shopify stand-in)</title>
<style>body{font:14px system-ui;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}</style>
<h1>${escapeHtml(shop.name)}: orders</h1><p>Orders the app created in the stand-in. Fulfil sends <code>fulfillments/create</code> with UPS tracking, Deliver <code>fulfillments/update</code>, Cancel <code>orders/cancelled</code>.</p>
<table><tr><th>order</th><th>tags</th><th>items</th><th>ship to</th><th>status</th><th></th></tr>${rows || '<tr><td colspan="6">no orders yet</td></tr>'}</table>
<script>async function act(p, body){await fetch('/_sandbox/shops/${shop.domain}/'+p,{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify(body)});location.reload()}</script>`;
  }

  // ------------------------------------------------------------ fault injection

  let faults: Faults = {};
  const faultCounts = { "500": 0, timeout: 0, throttled: 0, dropped: 0 };

  function pickFault(mutation: boolean): "500" | "timeout" | "throttled" | null {
    const rate = faults.rate ?? 0;
    const kinds = faults.kinds ?? [];
    if (rate <= 0 || !kinds.length || (faults.mutationsOnly && !mutation)) return null;
    const random = faults.random ?? Math.random;
    if (random() >= rate) return null;
    const kind = kinds[Math.floor(random() * kinds.length)] ?? kinds[0]!;
    faultCounts[kind]++;
    return kind;
  }

  // ------------------------------------------------------------ throttling

  function throttleStatus(shop: ShopState) {
    if (!throttle) return { maximumAvailable: 2000, currentlyAvailable: 2000, restoreRate: 100 };
    const now = Date.now();
    shop.bucket.available = Math.min(throttle.maximumAvailable, shop.bucket.available + ((now - shop.bucket.at) / 1000) * throttle.restoreRate);
    shop.bucket.at = now;
    return { maximumAvailable: throttle.maximumAvailable, currentlyAvailable: Math.floor(shop.bucket.available), restoreRate: throttle.restoreRate };
  }

  async function graphql(shop: ShopState, body: { query?: unknown; variables?: unknown; operationName?: unknown }) {
    if (typeof body.query !== "string" || !body.query.trim()) {
      throw new HttpError(400, { errors: { query: "Required parameter missing or invalid" } });
    }
    const prepared = prepare(body.query, (body.variables as Record<string, unknown> | undefined) ?? undefined, (body.operationName as string | undefined) ?? undefined);
    if (!prepared.ok) return { errors: prepared.errors };
    const p = prepared.prepared;
    if (p.requestedCost > SINGLE_QUERY_MAX_COST) {
      return {
        errors: [
          {
            message: `Query cost is ${p.requestedCost}, which exceeds the single query max cost limit (${SINGLE_QUERY_MAX_COST}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`,
            extensions: { code: "MAX_COST_EXCEEDED", cost: p.requestedCost, maxCost: SINGLE_QUERY_MAX_COST, documentation: "https://shopify.dev/api/usage/rate-limits" },
          },
        ],
      };
    }
    const before = throttleStatus(shop);
    if (throttle && p.requestedCost > shop.bucket.available) {
      return {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
        extensions: { cost: { requestedQueryCost: p.requestedCost, actualQueryCost: null, throttleStatus: before } },
      };
    }
    const result = await run(p, gqlContext(shop, false));
    const actual = result.data ? operationCost(p.doc, p.op, p.variables, result.data) : p.requestedCost;
    if (throttle) shop.bucket.available -= actual;
    return { ...result, extensions: { cost: { requestedQueryCost: p.requestedCost, actualQueryCost: actual, throttleStatus: throttleStatus(shop) } } };
  }

  // ------------------------------------------------------------ OAuth

  function tokenFor(shop: ShopState, scope: string, online: boolean): string {
    const token = `${online ? "shpua" : "shpat"}_${randomBytes(16).toString("hex")}`;
    shop.tokens.set(token, { scope, online });
    return token;
  }

  function oauthToken(shop: ShopState, params: Record<string, string>) {
    if (params.client_id !== apiKey || params.client_secret !== apiSecret) {
      throw new HttpError(400, { error: "invalid_client", error_description: "Client credentials are invalid" });
    }
    if (params.grant_type === "urn:ietf:params:oauth:grant-type:token-exchange") {
      if (params.subject_token_type !== "urn:ietf:params:oauth:token-type:id_token") {
        throw new HttpError(400, { error: "invalid_request", error_description: "subject_token_type must be urn:ietf:params:oauth:token-type:id_token" });
      }
      const v = verifySessionToken(params.subject_token ?? "", { apiKey, apiSecret });
      if (!v.ok || v.shop !== shop.domain) throw new HttpError(400, { error: "invalid_subject_token", error_description: v.ok ? "token is for another shop" : v.reason });
      const online = params.requested_token_type === "urn:shopify:params:oauth:token-type:online-access-token";
      if (!online && params.requested_token_type && params.requested_token_type !== "urn:shopify:params:oauth:token-type:offline-access-token") {
        throw new HttpError(400, { error: "invalid_request", error_description: "unsupported requested_token_type" });
      }
      const access = tokenFor(shop, scopes, online);
      if (!online) return { access_token: access, scope: scopes };
      return {
        access_token: access,
        scope: scopes,
        expires_in: 86399,
        associated_user_scope: scopes,
        session: v.claims.sid,
        associated_user: {
          id: Number(v.claims.sub),
          first_name: "Demo",
          last_name: "Staff",
          email: `staff${v.claims.sub}@${shop.domain}`,
          account_owner: true,
          locale: "en",
          collaborator: false,
          email_verified: true,
        },
      };
    }
    if (params.code !== undefined) {
      const c = codes.get(params.code);
      codes.delete(params.code);
      if (!c || c.shop !== shop.domain || c.expires < Date.now()) {
        throw new HttpError(400, { error: "invalid_request", error_description: "The authorization code was not found or was already used" });
      }
      return { access_token: tokenFor(shop, c.scope, false), scope: c.scope };
    }
    throw new HttpError(400, { error: "unsupported_grant_type", error_description: "Unsupported grant_type" });
  }

  function authorize(shop: ShopState, q: URLSearchParams): string {
    if (q.get("client_id") !== apiKey) throw new HttpError(400, { error: "invalid_request", error_description: "Unknown client_id" });
    const redirect = q.get("redirect_uri");
    if (!redirect) throw new HttpError(400, { error: "invalid_request", error_description: "redirect_uri is required" });
    const code = randomBytes(16).toString("hex");
    codes.set(code, { shop: shop.domain, scope: q.get("scope") ?? scopes, expires: Date.now() + 60_000 });
    const params: Record<string, string> = {
      code,
      host: Buffer.from(`admin.shopify.com/store/${shop.domain.replace(".myshopify.com", "")}`).toString("base64url"),
      shop: shop.domain,
      state: q.get("state") ?? "",
      timestamp: String(Math.floor(Date.now() / 1000)),
    };
    const message = Object.keys(params)
      .sort()
      .map((k) => `${k}=${params[k]}`)
      .join("&");
    const hmac = createHmac("sha256", apiSecret).update(message).digest("hex");
    const u = new URL(redirect);
    for (const [k, v] of Object.entries({ ...params, hmac })) u.searchParams.set(k, v);
    return u.toString();
  }

  // ------------------------------------------------------------ catalog changes

  function touch(p: SProduct): Date {
    const now = new Date(Math.max(Date.now(), p.updatedAt.getTime() + 1));
    p.updatedAt = now;
    return now;
  }

  function applyPatch(p: SProduct, patch: ProductPatch): void {
    if (patch.title !== undefined) p.title = patch.title;
    if (patch.productType !== undefined) p.productType = patch.productType;
    if (patch.vendor !== undefined) p.vendor = patch.vendor;
    if (patch.tags !== undefined) p.tags = patch.tags;
    if (patch.status !== undefined) p.status = patch.status;
    if (patch.descriptionHtml !== undefined) p.descriptionHtml = patch.descriptionHtml;
    const now = touch(p);
    if (patch.price !== undefined) {
      const price = parseDecimal(patch.price);
      for (const v of p.variants) {
        v.price = price;
        v.updatedAt = now;
      }
    }
    for (const vp of patch.variants ?? []) {
      const v = p.variants.find((x) => x.id === vp.id);
      if (!v) throw new HttpError(422, { errors: { variants: [`variant ${vp.id} is not in product ${p.id}`] } });
      if (vp.price !== undefined) v.price = parseDecimal(vp.price);
      if (vp.inventoryQuantity !== undefined) v.inventoryQuantity = vp.inventoryQuantity;
      if (vp.sku !== undefined) v.sku = vp.sku;
      v.updatedAt = now;
    }
  }

  function createProduct(domain: string, patch: ProductPatch & { title: string }): SProduct {
    const shop = shopOf(domain);
    const id = Math.max(7_000_000_000, ...shop.products.keys()) + 1;
    const now = new Date();
    const prefix = `/cdn/shop/files/${slug(domain.replace(".myshopify.com", ""))}`;
    const p: SProduct = {
      id,
      title: patch.title,
      handle: slug(patch.title) || `product-${id}`,
      descriptionHtml: patch.descriptionHtml ?? "",
      productType: patch.productType ?? "",
      vendor: patch.vendor ?? shop.name,
      status: patch.status ?? "ACTIVE",
      tags: patch.tags ?? [],
      options: [{ id: id * 10 + 1, name: "Title", position: 1, values: ["Default Title"] }],
      variants: [],
      images: [{ id: id * 3, path: `${prefix}/${id}-1.svg`, altText: patch.title, width: 800, height: 800 }],
      createdAt: now,
      updatedAt: now,
    };
    p.variants.push({
      id: id * 2,
      productId: id,
      title: "Default Title",
      sku: `${p.handle}`.toUpperCase(),
      price: patch.price ? parseDecimal(patch.price) : 2500,
      compareAtPrice: null,
      position: 1,
      selectedOptions: [{ name: "Title", value: "Default Title" }],
      inventoryItemId: id * 4,
      tracked: true,
      inventoryQuantity: 10,
      imageId: id * 3,
      createdAt: now,
      updatedAt: now,
    });
    shop.products.set(id, p);
    indexShop(shop);
    publish(shop, "products/create", productPayload(p, baseUrl));
    return p;
  }

  function updateProduct(domain: string, id: number, patch: ProductPatch): SProduct {
    const shop = shopOf(domain);
    const p = shop.products.get(id);
    if (!p) throw new HttpError(404, { errors: "Not Found" });
    applyPatch(p, patch);
    publish(shop, "products/update", productPayload(p, baseUrl));
    return p;
  }

  function deleteProduct(domain: string, id: number): void {
    const shop = shopOf(domain);
    if (!shop.products.delete(id)) throw new HttpError(404, { errors: "Not Found" });
    indexShop(shop);
    publish(shop, "products/delete", productDeletePayload(id));
  }

  function setInventory(domain: string, inventoryItemId: number, available: number): SVariant {
    const shop = shopOf(domain);
    const v = shop.byInventoryItem.get(inventoryItemId);
    if (!v) throw new HttpError(404, { errors: "Not Found" });
    v.inventoryQuantity = available;
    v.updatedAt = new Date();
    publish(shop, "inventory_levels/update", inventoryLevelPayload(shop, v));
    return v;
  }

  function issueAccessToken(domain: string, scope = scopes): string {
    return tokenFor(shopOf(domain), scope, false);
  }

  // ------------------------------------------------------------ HTTP

  function svg(domain: string, file: string): string {
    const m = /^(\d+)-(\d+)\.svg$/.exec(file);
    const shop = shops.get(domain.endsWith(".myshopify.com") ? domain : `${domain}.myshopify.com`);
    const p = m && shop ? shop.products.get(Number(m[1])) : undefined;
    if (!m || !p) throw new HttpError(404, "Not Found");
    const hue = (p.id * 47 + Number(m[2]) * 90) % 360;
    return `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800" viewBox="0 0 800 800"><rect width="800" height="800" fill="hsl(${hue},45%,82%)"/><circle cx="400" cy="340" r="170" fill="hsl(${hue},40%,60%)"/><text x="400" y="640" font-family="sans-serif" font-size="40" text-anchor="middle" fill="#222">${escapeHtml(p.title)}</text></svg>`;
  }

  async function control(method: string, parts: string[], body: Record<string, unknown>): Promise<{ status?: number; body: unknown }> {
    const [a, b, c, d] = parts; // after /_sandbox/
    if (a === "shops" && b === undefined && method === "GET") {
      return { body: { shops: [...shops.values()].map((s) => ({ domain: s.domain, products: s.products.size })) } };
    }
    if (a === "shops" && b === undefined && method === "POST") {
      const seed = body as unknown as ShopSeed;
      if (typeof seed.domain !== "string" || !SHOP_DOMAIN.test(seed.domain)) throw new HttpError(422, { errors: { domain: ["must be a myshopify.com domain"] } });
      const s = addShop(seed);
      return { status: 201, body: { domain: s.domain, products: s.products.size } };
    }
    if (a === "shops" && b && c === "products" && d === undefined && method === "POST") {
      if (typeof body.title !== "string") throw new HttpError(422, { errors: { title: ["can't be blank"] } });
      return { status: 201, body: { product: productPayload(createProduct(b, body as unknown as ProductPatch & { title: string }), baseUrl) } };
    }
    if (a === "shops" && b && c === "products" && d && method === "POST") {
      return { body: { product: productPayload(updateProduct(b, Number(d), body as ProductPatch), baseUrl) } };
    }
    if (a === "shops" && b && c === "products" && d && method === "DELETE") {
      deleteProduct(b, Number(d));
      return { body: { deleted: true } };
    }
    if (a === "shops" && b && c === "inventory" && method === "POST") {
      const v = setInventory(b, Number(body.inventoryItemId), Number(body.available));
      return { body: { inventory_item_id: v.inventoryItemId, available: v.inventoryQuantity } };
    }
    if (a === "shops" && b && c === "access_tokens" && method === "POST") {
      const scope = typeof body.scope === "string" ? body.scope : scopes;
      return { status: 201, body: { access_token: issueAccessToken(b, scope), scope } };
    }
    if (a === "shops" && b && c === "bulk" && d === "corrupt" && method === "POST") {
      shopOf(b).corruptNextBulk = Array.isArray(body.lines) ? body.lines.map(Number) : [];
      return { body: { lines: shopOf(b).corruptNextBulk } };
    }
    if (a === "session_token" && method === "POST") {
      const shop = String(body.shop ?? DEMO_SHOP);
      shopOf(shop);
      return { body: { token: mintSessionToken({ shop, apiKey, apiSecret, ...(body.userId ? { userId: String(body.userId) } : {}) }) } };
    }
    if (a === "webhook_endpoint" && method === "POST") {
      appWebhookUrl = typeof body.url === "string" && body.url ? body.url : null;
      return { body: { url: appWebhookUrl } };
    }
    if (a === "throttle" && method === "POST") {
      throttle = body.enabled === false ? false : { maximumAvailable: Number(body.maximumAvailable ?? 2000), restoreRate: Number(body.restoreRate ?? 100) };
      return { body: { throttle } };
    }
    if (a === "deliveries" && method === "GET") return { body: { deliveries: emitter.deliveries } };
    if (a === "shops" && b && c === "orders" && d === undefined && method === "GET") {
      return { body: { orders: [...shopOf(b).orders.values()].map(orderPayload) } };
    }
    const [, , , , e] = parts;
    if (a === "shops" && b && c === "orders" && d && e === "fulfill" && method === "POST") {
      const t = body as TrackingInput;
      return { status: 201, body: fulfillOrder(b, d, { carrier: t.carrier ?? null, number: t.number ?? null, url: t.url ?? null }) };
    }
    if (a === "shops" && b && c === "orders" && d && e === "deliver" && method === "POST") {
      markDelivered(b, d);
      return { body: { delivered: true } };
    }
    if (a === "shops" && b && c === "orders" && d && e === "cancel" && method === "POST") {
      cancelOrder(b, d, typeof body.reason === "string" ? body.reason : undefined);
      return { body: { cancelled: true } };
    }
    if (a === "faults" && method === "POST") {
      faults = {
        ...(typeof body.rate === "number" ? { rate: body.rate } : {}),
        ...(Array.isArray(body.kinds) ? { kinds: body.kinds as Faults["kinds"] } : {}),
        ...(typeof body.hangMs === "number" ? { hangMs: body.hangMs } : {}),
        ...(typeof body.mutationsOnly === "boolean" ? { mutationsOnly: body.mutationsOnly } : {}),
        ...(typeof body.dropAfterCommit === "number" ? { dropAfterCommit: body.dropAfterCommit } : {}),
      };
      return { body: { faults, counts: faultCounts } };
    }
    throw new HttpError(404, { errors: "Not Found" });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://localhost");
    const host = (req.headers.host ?? "").replace(/:\d+$/, "").toLowerCase();
    const requestId = randomBytes(8).toString("hex");
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = typeof body === "string" ? body : JSON.stringify(body);
      res.writeHead(status, { "Content-Type": typeof body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8", "X-Request-Id": requestId, ...headers });
      res.end(text);
    };
    try {
      const raw = await readBody(req);
      const path = url.pathname;
      const gql = /^\/admin\/api\/(\d{4}-\d{2}|unstable)\/graphql\.json$/.exec(path);
      if (gql && method === "POST") {
        const shop = shopOf(host);
        const token = req.headers["x-shopify-access-token"];
        if (typeof token !== "string" || !shop.tokens.has(token)) {
          throw new HttpError(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
        }
        const body = parseJson(raw);
        const mutation = /^\s*mutation\b/.test(typeof body.query === "string" ? body.query : "");
        const fault = pickFault(mutation);
        if (fault === "500") {
          send(500, { errors: "Internal Server Error" });
          return;
        }
        if (fault === "throttled") {
          send(200, {
            errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
            extensions: { cost: { requestedQueryCost: 10, actualQueryCost: null, throttleStatus: { ...throttleStatus(shop), currentlyAvailable: 0 } } },
          });
          return;
        }
        if (fault === "timeout") {
          // The work may or may not have been done before the answer is lost.
          if ((faults.random ?? Math.random)() < 0.5) await graphql(shop, body);
          await new Promise((r) => setTimeout(r, faults.hangMs ?? 2000));
          req.socket.destroy();
          return;
        }
        const answer = await graphql(shop, body);
        if (mutation && (faults.dropAfterCommit ?? 0) > 0) {
          faults.dropAfterCommit = faults.dropAfterCommit! - 1;
          faultCounts.dropped++;
          req.socket.destroy();
          return;
        }
        send(200, answer, { "X-Shopify-API-Version": gql[1]! });
        return;
      }
      if (path === "/admin/oauth/access_token" && method === "POST") {
        const shop = shopOf(host);
        const params = (req.headers["content-type"] ?? "").includes("json")
          ? (parseJson(raw) as Record<string, string>)
          : Object.fromEntries(new URLSearchParams(raw));
        send(200, oauthToken(shop, params));
        return;
      }
      if (path === "/admin/oauth/authorize" && method === "GET") {
        const location = authorize(shopOf(host), url.searchParams);
        res.writeHead(302, { Location: location });
        res.end();
        return;
      }
      const bulk = /^\/_bulk\/([0-9a-f]+)\.jsonl$/.exec(path);
      if (bulk && method === "GET") {
        const op = bulkFiles.get(bulk[1]!);
        if (!op?.file) throw new HttpError(404, "Not Found");
        res.writeHead(200, { "Content-Type": "application/jsonl", "Content-Length": String(op.file.length) });
        res.end(op.file);
        return;
      }
      const img = /^\/cdn\/shop\/files\/([a-z0-9-]+)\/([^/]+)$/.exec(path);
      if (img && method === "GET") {
        const body = svg(img[1]!, img[2]!);
        res.writeHead(200, { "Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400" });
        res.end(body);
        return;
      }
      const page = /^\/_sandbox\/shops\/([^/]+)\/orders\.html$/.exec(path);
      if (page && method === "GET") {
        res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
        res.end(ordersPage(decodeURIComponent(page[1]!)));
        return;
      }
      if (path.startsWith("/_sandbox/")) {
        const parts = path.slice("/_sandbox/".length).split("/").filter(Boolean).map(decodeURIComponent);
        const r = await control(method, parts, raw ? (parseJson(raw) as Record<string, unknown>) : {});
        send(r.status ?? 200, r.body);
        return;
      }
      throw new HttpError(404, { errors: "Not Found" });
    } catch (e) {
      if (e instanceof HttpError) send(e.status, e.body);
      else {
        log(`shopify stand-in: internal error on ${method} ${url.pathname}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        send(500, { errors: "Internal Server Error" });
      }
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log(`shopify stand-in: ${String(e)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${HOST}:${port}`;

  return {
    url: baseUrl,
    port,
    apiKey,
    apiSecret,
    apiVersion,
    demoShop: DEMO_SHOP,
    addShop: (seed) => void addShop(seed),
    products: (shop) => sortedProductIds(shopOf(shop)).map((id) => shopOf(shop).products.get(id)!),
    issueAccessToken,
    mintSessionToken: (shop, o = {}) => mintSessionToken({ shop, apiKey, apiSecret, ...o }),
    createProduct,
    updateProduct,
    deleteProduct,
    setInventory,
    corruptNextBulk: (shop, lines) => {
      shopOf(shop).corruptNextBulk = lines;
    },
    setThrottle: (t) => {
      throttle = t;
      for (const s of shops.values()) s.bucket = { available: t ? t.maximumAvailable : 0, at: Date.now() };
    },
    setFaults: (f) => {
      faults = { ...f };
    },
    faultCounts,
    orders: (shop) => [...shopOf(shop).orders.values()].sort((x, y) => x.id - y.id),
    fulfillOrder,
    markDelivered,
    cancelOrder,
    setWebhookUrl: (u) => {
      appWebhookUrl = u;
    },
    emitWebhook: (shop, topic, payload, o = {}) => {
      const url = o.url ?? appWebhookUrl;
      if (!url) throw new Error("no webhook URL: pass one or set the app-level webhook URL");
      return emitter.emit(shop, topic, url, payload, o.webhookId ? { webhookId: o.webhookId } : {});
    },
    get deliveries() {
      return emitter.deliveries;
    },
    whenDeliveriesSettled: () => emitter.idle(),
    sign: (body) => shopifyHmac(body, apiSecret),
    async close() {
      emitter.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function parseJson(raw: string): Record<string, unknown> {
  try {
    const v = JSON.parse(raw || "{}") as unknown;
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  throw new HttpError(400, { errors: "Bad Request: the body is not a JSON object" });
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, { errors: "Request entity too large" }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
