import { escapeHtml } from "./catalog.ts";
import { shopOf, type StandInContext } from "./context.ts";

/** GET /_sandbox/shops/{shop}/orders.html: the shop's orders with Fulfil / Deliver / Cancel buttons. */
export function ordersPage(ctx: StandInContext, domain: string): string {
  const shop = shopOf(ctx, domain);
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
