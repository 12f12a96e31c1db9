import { PermanentJobError } from "../jobs/registry.ts";
import type { ShopifyTopicHandler } from "../webhooks/shopify-topic-registry.ts";
import { handleCustomerDataRequest, redactCustomer } from "./customer-data.ts";
import { redactShop } from "./shop-redact.ts";
import { handleAppUninstalled } from "./uninstall.ts";

/**
 * Handlers of `app/uninstalled` and Shopify's mandatory privacy topics. Payloads follow
 * Shopify's documented shapes (checked before a handler runs: shopify-payloads.ts; ids are
 * digit strings); a payload about another shop than the signed header's fails at once
 * (retrying cannot make it valid), and a shop or customer we do not know is a no-op.
 */
type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v.trim() : typeof v === "number" ? String(v) : null);

/** The shop a compliance payload is about: the signed header's shop, which the payload's must agree with. */
function shopOf(event: { shop: string; topic: string; payload: unknown }): string {
  const fromPayload = str(obj(event.payload).shop_domain);
  if (fromPayload && fromPayload.toLowerCase() !== event.shop.toLowerCase()) {
    throw new PermanentJobError(`${event.topic} payload names shop ${fromPayload}, the signed header ${event.shop}`);
  }
  return event.shop;
}

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

export const complianceWebhookHandlers: Record<string, ShopifyTopicHandler> = {
  "app/uninstalled": async (deps, event, { log }) => {
    const r = await handleAppUninstalled(deps, event.shop);
    log.info({ shop: event.shop, ...r, offersPaused: r.offersPaused.length, unitsFlagged: r.unitsFlagged.length }, "app uninstalled");
  },
  "customers/data_request": async (deps, event, { log }) => {
    const shop = shopOf(event);
    const p = obj(event.payload);
    const customer = obj(p.customer);
    const rec = await handleCustomerDataRequest(deps, shop, {
      email: str(customer.email),
      phone: str(customer.phone),
      shopifyCustomerId: str(customer.id),
      shopifyDataRequestId: str(obj(p.data_request).id),
      shopifyOrderIds: ids(p.orders_requested),
    });
    log.info({ shop, dataRequestId: rec?.id ?? null, gifts: rec?.gifts ?? 0 }, rec ? "customer data request recorded" : "customer data request for an unknown shop");
  },
  "customers/redact": async (deps, event, { log }) => {
    const shop = shopOf(event);
    const p = obj(event.payload);
    const customer = obj(p.customer);
    const r = await redactCustomer(deps, shop, {
      email: str(customer.email),
      phone: str(customer.phone),
      shopifyCustomerId: str(customer.id),
      shopifyOrderIds: ids(p.orders_to_redact),
    });
    log.info({ shop, ...r }, "customer redacted");
  },
  "shop/redact": async (deps, event, { log }) => {
    const shop = shopOf(event);
    const r = await redactShop(deps, shop);
    log.info({ shop, ...r }, r.skipped ? "shop redact skipped: the app is installed again" : "shop redacted");
  },
};
