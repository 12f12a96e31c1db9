import type { ShopifyTopicHandler } from "../webhooks/shopify-topic-registry.ts";
import { handleCustomerDataRequest, redactCustomer } from "./customer-data.ts";
import { redactShop } from "./shop-redact.ts";
import { handleAppUninstalled } from "./uninstall.ts";

/**
 * Handlers of `app/uninstalled` and Shopify's mandatory privacy topics. Payloads follow
 * Shopify's documented shapes; a payload without what a topic needs is acknowledged and
 * logged (retrying cannot make it valid), and a shop or customer we do not know is a no-op.
 */
type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v.trim() : typeof v === "number" ? String(v) : null);

/** The shop a compliance payload is about: the signed header's shop must agree with it. */
function shopOf(event: { shop: string; payload: unknown }): string | null {
  const fromPayload = str(obj(event.payload).shop_domain);
  if (fromPayload && fromPayload.toLowerCase() !== event.shop.toLowerCase()) return null;
  return event.shop;
}

export const complianceWebhookHandlers: Record<string, ShopifyTopicHandler> = {
  "app/uninstalled": async (deps, event, { log }) => {
    const r = await handleAppUninstalled(deps, event.shop);
    log.info({ shop: event.shop, ...r, offersPaused: r.offersPaused.length, unitsFlagged: r.unitsFlagged.length }, "app uninstalled");
  },
  "customers/data_request": async (deps, event, { log }) => {
    const shop = shopOf(event);
    const p = obj(event.payload);
    const customer = obj(p.customer);
    if (!shop) return void log.warn({ shop: event.shop }, "customers/data_request for another shop than the signed one; ignored");
    const rec = await handleCustomerDataRequest(deps, shop, {
      email: str(customer.email),
      phone: str(customer.phone),
      shopifyCustomerId: str(customer.id),
      shopifyDataRequestId: str(obj(p.data_request).id),
      shopifyOrderIds: Array.isArray(p.orders_requested) ? (p.orders_requested as Array<string | number>) : [],
    });
    log.info({ shop, dataRequestId: rec?.id ?? null, gifts: rec?.gifts ?? 0 }, rec ? "customer data request recorded" : "customer data request for an unknown shop");
  },
  "customers/redact": async (deps, event, { log }) => {
    const shop = shopOf(event);
    const p = obj(event.payload);
    const customer = obj(p.customer);
    if (!shop) return void log.warn({ shop: event.shop }, "customers/redact for another shop than the signed one; ignored");
    const r = await redactCustomer(deps, shop, {
      email: str(customer.email),
      phone: str(customer.phone),
      shopifyCustomerId: str(customer.id),
      shopifyOrderIds: Array.isArray(p.orders_to_redact) ? (p.orders_to_redact as Array<string | number>) : [],
    });
    log.info({ shop, ...r }, "customer redacted");
  },
  "shop/redact": async (deps, event, { log }) => {
    const shop = shopOf(event);
    if (!shop) return void log.warn({ shop: event.shop }, "shop/redact for another shop than the signed one; ignored");
    const r = await redactShop(deps, shop);
    log.info({ shop, ...r }, r.skipped ? "shop redact skipped: the app is installed again" : "shop redacted");
  },
};
