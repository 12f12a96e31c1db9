// The stand-in's own controls under /_sandbox/ (no auth, not part of Shopify's API): shops and
// their catalogs, access tokens, orders' fulfilment, session tokens, webhook URL, throttle,
// deliveries and faults. server.ts lists them; each answers JSON.
import { isShopDomain } from "@giftloop/core/platform/shop-domain";
import { createProduct, deleteProduct, setInventory, updateProduct } from "./catalog-changes.ts";
import { shopOf, type StandInContext } from "./context.ts";
import { faultsFromBody } from "./fault-injection.ts";
import { HttpError } from "./http-error.ts";
import { issueAccessToken, revokeAccessTokens } from "./oauth.ts";
import { cancelOrder, fulfillOrder, markDelivered, refundOrder } from "./order-actions.ts";
import { orderPayload } from "./orders.ts";
import { productPayload } from "./payloads.ts";
import { mintSessionToken } from "./session-token.ts";
import { addShop } from "./shops.ts";
import { sortedProductIds } from "./state.ts";
import { DEMO_SHOP, type ProductPatch, type ShopSeed, type TrackingInput } from "./types.ts";

export interface ControlAnswer {
  status?: number;
  body: unknown;
}

type Body = Record<string, unknown>;

/** GET /_sandbox/shops/{shop}/products?query=&limit=: what the sandbox admin's resource picker lists. */
function searchProducts(ctx: StandInContext, domain: string, body: Body): ControlAnswer {
  const q = String(body.query ?? "").trim().toLowerCase();
  const limit = Math.min(Math.max(Number(body.limit) || 50, 1), 250);
  const shop = shopOf(ctx, domain);
  const matching = sortedProductIds(shop)
    .map((id) => shop.products.get(id)!)
    .filter((p) => !q || [p.title, p.handle, p.vendor, ...p.variants.map((v) => v.sku)].some((t) => t.toLowerCase().includes(q)))
    .sort((x, y) => x.title.localeCompare(y.title) || x.id - y.id);
  return {
    body: {
      total: matching.length,
      products: matching.slice(0, limit).map((p) => ({ ...p, images: p.images.map((i) => ({ ...i, url: `${ctx.baseUrl}${i.path}` })) })),
    },
  };
}

/** /_sandbox/shops: list shops, or (re)create one from a seed. */
function shopsControl(ctx: StandInContext, method: string, body: Body): ControlAnswer | undefined {
  if (method === "GET") return { body: { shops: [...ctx.shops.values()].map((s) => ({ domain: s.domain, products: s.products.size })) } };
  if (method !== "POST") return undefined;
  const seed = body as unknown as ShopSeed;
  if (typeof seed.domain !== "string" || !isShopDomain(seed.domain)) throw new HttpError(422, { errors: { domain: ["must be a myshopify.com domain"] } });
  const s = addShop(ctx, seed);
  return { status: 201, body: { domain: s.domain, products: s.products.size } };
}

/** /_sandbox/shops/{shop}/products[/{id}] */
function productsControl(ctx: StandInContext, method: string, domain: string, id: string | undefined, body: Body): ControlAnswer | undefined {
  if (id === undefined && method === "GET") return searchProducts(ctx, domain, body);
  if (id === undefined && method === "POST") {
    if (typeof body.title !== "string") throw new HttpError(422, { errors: { title: ["can't be blank"] } });
    return { status: 201, body: { product: productPayload(createProduct(ctx, domain, body as unknown as ProductPatch & { title: string }), ctx.baseUrl) } };
  }
  if (id && method === "POST") return { body: { product: productPayload(updateProduct(ctx, domain, Number(id), body as ProductPatch), ctx.baseUrl) } };
  if (id && method === "DELETE") {
    deleteProduct(ctx, domain, Number(id));
    return { body: { deleted: true } };
  }
  return undefined;
}

/** /_sandbox/shops/{shop}/orders[/{id}/{action}] */
function ordersControl(ctx: StandInContext, method: string, domain: string, id: string | undefined, action: string | undefined, body: Body): ControlAnswer | undefined {
  if (id === undefined) return method === "GET" ? { body: { orders: [...shopOf(ctx, domain).orders.values()].map(orderPayload) } } : undefined;
  if (method !== "POST") return undefined;
  switch (action) {
    case "fulfill": {
      const t = body as TrackingInput;
      return { status: 201, body: fulfillOrder(ctx, domain, id, { carrier: t.carrier ?? null, number: t.number ?? null, url: t.url ?? null }) };
    }
    case "deliver":
      markDelivered(ctx, domain, id);
      return { body: { delivered: true } };
    case "cancel":
      cancelOrder(ctx, domain, id, typeof body.reason === "string" ? body.reason : undefined);
      return { body: { cancelled: true } };
    case "refund":
      return { status: 201, body: refundOrder(ctx, domain, id, { shippingOnly: body.shippingOnly === true }) };
    default:
      return undefined;
  }
}

/** /_sandbox/shops/{shop}/access_tokens: issue an offline token (install shortcut) or revoke them all. */
function accessTokensControl(ctx: StandInContext, method: string, domain: string, body: Body): ControlAnswer | undefined {
  if (method === "POST") {
    const scope = typeof body.scope === "string" ? body.scope : ctx.scopes;
    return { status: 201, body: { access_token: issueAccessToken(ctx, domain, scope), scope } };
  }
  if (method === "DELETE") return { body: { revoked: revokeAccessTokens(ctx, domain) } };
  return undefined;
}

/** /_sandbox/shops[/{shop}/...] */
function shopControl(ctx: StandInContext, method: string, [domain, kind, id, action]: Array<string | undefined>, body: Body): ControlAnswer | undefined {
  if (domain === undefined) return shopsControl(ctx, method, body);
  switch (kind) {
    case "products":
      return productsControl(ctx, method, domain, id, body);
    case "orders":
      return ordersControl(ctx, method, domain, id, action, body);
    case "access_tokens":
      return accessTokensControl(ctx, method, domain, body);
    case "inventory": {
      if (method !== "POST") return undefined;
      const v = setInventory(ctx, domain, Number(body.inventoryItemId), Number(body.available));
      return { body: { inventory_item_id: v.inventoryItemId, available: v.inventoryQuantity } };
    }
    case "bulk": {
      if (id !== "corrupt" || method !== "POST") return undefined;
      shopOf(ctx, domain).corruptNextBulk = Array.isArray(body.lines) ? body.lines.map(Number) : [];
      return { body: { lines: shopOf(ctx, domain).corruptNextBulk } };
    }
    default:
      return undefined;
  }
}

/** The app-wide controls: session tokens, webhook URL, throttle, deliveries, faults. */
function appControl(ctx: StandInContext, method: string, name: string | undefined, body: Body): ControlAnswer | undefined {
  if (name === "session_token" && method === "POST") {
    const shop = String(body.shop ?? DEMO_SHOP);
    shopOf(ctx, shop);
    return { body: { token: mintSessionToken({ shop, apiKey: ctx.apiKey, apiSecret: ctx.apiSecret, ...(body.userId ? { userId: String(body.userId) } : {}) }) } };
  }
  if (name === "webhook_endpoint" && method === "POST") {
    ctx.appWebhookUrl = typeof body.url === "string" && body.url ? body.url : null;
    return { body: { url: ctx.appWebhookUrl } };
  }
  if (name === "throttle" && method === "POST") {
    ctx.throttle = body.enabled === false ? false : { maximumAvailable: Number(body.maximumAvailable ?? 2000), restoreRate: Number(body.restoreRate ?? 100) };
    return { body: { throttle: ctx.throttle } };
  }
  if (name === "deliveries" && method === "GET") return { body: { deliveries: ctx.emitter.deliveries } };
  if (name === "faults" && method === "POST") {
    ctx.faults = faultsFromBody(body);
    return { body: { faults: ctx.faults, counts: ctx.faultCounts } };
  }
  return undefined;
}

/** A control request: `parts` is the path after /_sandbox/, `body` the JSON body (or the query of a GET). */
export function sandboxControl(ctx: StandInContext, method: string, parts: string[], body: Body): ControlAnswer {
  const [name, ...rest] = parts;
  const answer = name === "shops" ? shopControl(ctx, method, rest, body) : appControl(ctx, method, name, body);
  if (!answer) throw new HttpError(404, { errors: "Not Found" });
  return answer;
}
