import { catalogWebhookHandlers } from "../catalog/catalog.webhooks.ts";
import { shipmentWebhookHandlers } from "../fulfillment/shipment-updates/shipment-updates.ts";
import { complianceWebhookHandlers } from "../compliance/compliance.webhooks.ts";
import { ShopifyTopics } from "./shopify-topic-registry.ts";

/**
 * Every Shopify webhook topic the product handles, and which module handles it. Add a
 * module's handlers here (app/uninstalled, GDPR topics, fulfillments/*). A topic that is
 * delivered but not listed is recorded, acknowledged and ignored (with a warning in the log).
 */
export function shopifyTopics(): ShopifyTopics {
  return new ShopifyTopics({
    ...catalogWebhookHandlers,
    ...shipmentWebhookHandlers,
    ...complianceWebhookHandlers,
  });
}
