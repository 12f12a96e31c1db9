// What a merchant does to an order after the app created it (fulfil, deliver, cancel, refund),
// each followed by the webhooks Shopify sends for it.
import { orderOf, publish, type StandInContext } from "./context.ts";
import { HttpError } from "./http-error.ts";
import { fulfillOrder as fulfillShopOrder, fulfillmentPayload, orderPayload } from "./orders.ts";
import type { TrackingInput } from "./types.ts";

export function fulfillOrder(ctx: StandInContext, domain: string, orderId: number | string, tracking: TrackingInput = {}): { fulfillmentId: number } {
  const [shop, o] = orderOf(ctx, domain, orderId);
  if (o.cancelledAt) throw new HttpError(422, { errors: { base: ["Order is cancelled"] } });
  const f = fulfillShopOrder(o, tracking);
  publish(ctx, shop, "fulfillments/create", fulfillmentPayload(o, f, shop.locationId));
  publish(ctx, shop, "orders/updated", orderPayload(o));
  return { fulfillmentId: f.id };
}

export function markDelivered(ctx: StandInContext, domain: string, orderId: number | string): void {
  const [shop, o] = orderOf(ctx, domain, orderId);
  const f = o.fulfillments[o.fulfillments.length - 1];
  if (!f) throw new HttpError(422, { errors: { base: ["Order has no fulfillment"] } });
  f.shipmentStatus = "delivered";
  f.updatedAt = new Date(Math.max(Date.now(), f.updatedAt.getTime() + 1));
  publish(ctx, shop, "fulfillments/update", fulfillmentPayload(o, f, shop.locationId));
}

export function cancelOrder(ctx: StandInContext, domain: string, orderId: number | string, reason = "other"): void {
  const [shop, o] = orderOf(ctx, domain, orderId);
  if (!o.cancelledAt) {
    o.cancelledAt = new Date();
    o.cancelReason = reason.toUpperCase();
    o.updatedAt = o.cancelledAt;
  }
  publish(ctx, shop, "orders/cancelled", { ...orderPayload(o), cancel_reason: reason.toLowerCase() });
}

/** Refunds every line item, or only the shipping (an order adjustment and no refunded lines). */
export function refundOrder(ctx: StandInContext, domain: string, orderId: number | string, opts: { shippingOnly?: boolean } = {}): { refundId: number } {
  const [shop, o] = orderOf(ctx, domain, orderId);
  const id = ctx.nextRefundId++;
  const createdAt = new Date().toISOString();
  o.updatedAt = new Date();
  const items = opts.shippingOnly ? [] : o.lineItems;
  publish(ctx, shop, "refunds/create", {
    id,
    admin_graphql_api_id: `gid://shopify/Refund/${id}`,
    order_id: o.id,
    created_at: createdAt,
    note: null,
    restock: false,
    refund_line_items: items.map((l, i) => ({ id: id * 10 + i, line_item_id: l.id, quantity: l.quantity, subtotal: (l.price * l.quantity) / 100 })),
    order_adjustments: opts.shippingOnly ? [{ id: id * 10, kind: "shipping_refund", order_id: o.id, refund_id: id }] : [],
  });
  return { refundId: id };
}
