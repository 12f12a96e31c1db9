import { z } from "zod";

/**
 * What each handled Shopify topic's payload must hold, per Shopify's documented REST payload
 * shapes, as far as the product reads them (further fields are allowed and kept). The
 * `shopify.webhook` job checks a delivery against its topic's schema before the handler
 * runs: a body that does not match (say, an `X-Shopify-Topic` that is not the topic of the
 * body) can never be processed, so it fails at once with the mismatch as its reason
 * instead of being retried. Ids are digit strings here: bodies are read with
 * `parseShopifyJson`, which keeps every digit of Shopify's 64-bit ids.
 */
const id = z.string().regex(/^\d{1,20}$/, "expected a Shopify id");
const obj = z.looseObject;
const optionalText = z.string().nullish();

const product = obj({
  id,
  title: z.string(),
  updated_at: z.string(),
  variants: z.array(obj({ id, price: z.union([z.string(), z.number()]) })).optional(),
  options: z.array(obj({ name: z.string() })).optional(),
  images: z.array(obj({ id, src: z.string() })).optional(),
});

const fulfillment = obj({ id, order_id: id, status: z.string().optional() });

/** A compliance payload names its shop, and the customer by id, email or phone. */
const customer = obj({ id: id.nullish(), email: optionalText, phone: optionalText });

export const shopifyPayloadSchemas: Record<string, z.ZodType<Record<string, unknown>>> = {
  "products/create": product,
  "products/update": product,
  "products/delete": obj({ id }),
  "inventory_levels/update": obj({ inventory_item_id: id, available: z.number().int().nullish() }),
  "bulk_operations/finish": obj({ admin_graphql_api_id: z.string().startsWith("gid://shopify/BulkOperation/"), status: z.string() }),
  "fulfillments/create": fulfillment,
  "fulfillments/update": fulfillment,
  "orders/cancelled": obj({ id }),
  "refunds/create": obj({ id, order_id: id, refund_line_items: z.array(obj({ quantity: z.number().int().nonnegative() })).optional() }),
  // The shop resource; the shop itself is the signed X-Shopify-Shop-Domain header.
  "app/uninstalled": obj({}),
  "customers/data_request": obj({ shop_domain: z.string(), customer, data_request: obj({ id }), orders_requested: z.array(id).optional() }),
  "customers/redact": obj({ shop_domain: z.string(), customer, orders_to_redact: z.array(id).optional() }),
  "shop/redact": obj({ shop_domain: z.string() }),
};

/** Why `payload` cannot be processed as `topic`, or undefined when it can (or no schema is known). */
export function payloadMismatch(topic: string, payload: unknown): string | undefined {
  const schema = shopifyPayloadSchemas[topic];
  if (!schema) return undefined;
  const r = schema.safeParse(payload);
  if (r.success) return undefined;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join(".") : "(body)"}: ${i.message}`);
  return `the payload does not match topic ${topic}: ${issues.join("; ")}`;
}
