import { z } from "zod";
import { defineJob } from "../../jobs/registry.ts";
import type { Deps } from "../../platform/deps.ts";
import type { Logger } from "../../platform/logger.ts";
import { unitLifecycle, type UnitStatus } from "../../platform/lifecycle/lifecycles.ts";
import type { ShopifyTopicHandler } from "../../webhooks/shopify-topic-registry.ts";
import { renderShippedEmail } from "./shipped-email.ts";
import { giftLinkUrl, openCode } from "../../redemption/codes/codes.ts";
import { takeBackCanceledUnit } from "../../payouts/reversals.ts";

/**
 * Fulfillment back-flow: Shopify's `fulfillments/create`, `fulfillments/update`,
 * `orders/cancelled` and `refunds/create` webhooks move the unit whose Shopify order we created
 * to shipped (with carrier, tracking number and URL), delivered, or canceled (also after
 * shipping: the brand canceled the order or refunded its item, so it did not ship; a share
 * already paid is taken back). A refund of the shipping or of an amount only, with no item
 * refunded, leaves the gift as it is.
 *
 * Shopify does not order deliveries and may repeat them, so a webhook only ever moves a unit
 * forward (pushed -> shipped -> delivered; any of them -> canceled) and a repeated or late one
 * changes nothing. Orders we did not create (or of another shop) are acknowledged and
 * ignored. The recipient's "your gift has shipped" email is a job enqueued with the move
 * (one per unit).
 */

type Json = Record<string, unknown>;

const orderGid = (v: unknown): string | undefined => {
  if (typeof v === "string" && v.startsWith("gid://shopify/Order/")) return v.replace(/\?.*$/, "");
  if ((typeof v === "number" && Number.isSafeInteger(v)) || (typeof v === "string" && /^\d+$/.test(v))) return `gid://shopify/Order/${v}`;
  return undefined;
};

const str = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v.trim() : null);

interface UnitRow {
  id: string;
  status: UnitStatus;
  version: number;
  tracking_number: string | null;
  tracking_carrier: string | null;
  tracking_url: string | null;
  shipped_at: Date | null;
}

export interface Shipment {
  carrier: string | null;
  number: string | null;
  url: string | null;
  delivered: boolean;
  at: Date;
}

/** What a REST fulfillment payload says; null when it is not a successful fulfillment. */
export function shipmentOf(p: Json): Shipment | null {
  const status = String(p.status ?? "success").toLowerCase();
  if (status !== "success") return null;
  const numbers = Array.isArray(p.tracking_numbers) ? p.tracking_numbers : [];
  const urls = Array.isArray(p.tracking_urls) ? p.tracking_urls : [];
  const created = typeof p.created_at === "string" ? new Date(p.created_at) : new Date();
  return {
    carrier: str(p.tracking_company),
    number: str(p.tracking_number) ?? str(numbers[0]),
    url: str(p.tracking_url) ?? str(urls[0]),
    delivered: String(p.shipment_status ?? "").toLowerCase() === "delivered",
    at: Number.isNaN(created.getTime()) ? new Date() : created,
  };
}

/** Units we pushed for this order of this shop (status pushed or later), locked. */
const FIND_UNIT = `
  SELECT u.id::text, u.status::text AS status, u.version, u.tracking_number, u.tracking_carrier, u.tracking_url, u.shipped_at
  FROM fulfillment_unit u
  WHERE u.vendor_id = (SELECT id FROM vendor WHERE shop_domain = $2)
    AND u.status IN ('pushed', 'shipped', 'delivered', 'canceled')
    AND u.shopify_order_id = $1
  FOR UPDATE`;

export async function applyShipment(deps: Pick<Deps, "db" | "jobs">, shop: string, orderId: string, s: Shipment, log: Logger): Promise<string> {
  return deps.db.prisma.$transaction(async (tx) => {
    const [unit] = await tx.$queryRawUnsafe<UnitRow[]>(FIND_UNIT, orderId, shop);
    if (!unit) {
      log.info({ shop, order: orderId }, "fulfillment for an order the platform did not create; ignored");
      return "unknown_order";
    }
    const tracking = {
      tracking_carrier: s.carrier ?? unit.tracking_carrier,
      tracking_number: s.number ?? unit.tracking_number,
      tracking_url: s.url ?? unit.tracking_url,
    };
    const to: UnitStatus | null = s.delivered
      ? unit.status === "pushed" || unit.status === "shipped"
        ? "delivered"
        : null
      : unit.status === "pushed"
        ? "shipped"
        : null;
    if (!to) {
      // Same state or behind it: only a shipped unit may learn tracking it did not have yet.
      if (unit.status === "shipped" && (s.number || s.url) && (tracking.tracking_number !== unit.tracking_number || tracking.tracking_url !== unit.tracking_url)) {
        await tx.$executeRawUnsafe(
          `UPDATE fulfillment_unit SET tracking_carrier = $2, tracking_number = $3, tracking_url = $4, updated_at = now() WHERE id = $1::uuid`,
          unit.id,
          tracking.tracking_carrier,
          tracking.tracking_number,
          tracking.tracking_url,
        );
        return "tracking_updated";
      }
      log.debug({ unit: unit.id, status: unit.status, delivered: s.delivered }, "fulfillment webhook does not move the unit forward; ignored");
      return "ignored";
    }
    await unitLifecycle.transition(tx, {
      id: unit.id,
      to,
      expectedVersion: unit.version,
      locked: { status: unit.status },
      actor: "shopify",
      reason: to === "delivered" ? "delivered (Shopify fulfillment)" : "shipped (Shopify fulfillment)",
      set: {
        ...tracking,
        shipped_at: unit.shipped_at ?? s.at,
        ...(to === "delivered" ? { delivered_at: new Date() } : {}),
      },
    });
    if (unit.status === "pushed") {
      await deps.jobs.enqueue(tx, shippedEmailJob, { unitId: unit.id }, { key: `shipped-email:${unit.id}` });
    }
    return to;
  });
}

export async function applyCancellation(
  deps: Pick<Deps, "db" | "jobs">,
  shop: string,
  orderId: string,
  reason: string | null,
  log: Logger,
  how: "canceled" | "refunded" = "canceled",
): Promise<string> {
  return deps.db.prisma.$transaction(async (tx) => {
    const [unit] = await tx.$queryRawUnsafe<UnitRow[]>(FIND_UNIT, orderId, shop);
    if (!unit) {
      log.info({ shop, order: orderId }, "cancellation of an order the platform did not create; ignored");
      return "unknown_order";
    }
    if (unit.status === "canceled") return "ignored";
    const afterShipping = unit.status !== "pushed";
    const what = `${how} in Shopify${reason ? ` (${reason})` : ""}${afterShipping ? " after it shipped" : ""}`;
    const why = `order ${what}`;
    await unitLifecycle.transition(tx, {
      id: unit.id,
      to: "canceled",
      expectedVersion: unit.version,
      locked: { status: unit.status },
      actor: "shopify",
      reason: why,
      set: { operator_flag: `${what}: review the buyer's refund` },
    });
    // The brand did not ship it after all: a share already paid to the brand is taken back.
    if (afterShipping && (await takeBackCanceledUnit(deps, tx, unit.id, why))) log.info({ unit: unit.id }, "paid share of a canceled unit is being taken back");
    return "canceled";
  });
}

const fulfillmentChanged: ShopifyTopicHandler = async (deps, event, { log }) => {
  const p = (event.payload ?? {}) as Json;
  const orderId = orderGid(p.order_id);
  const s = shipmentOf(p);
  if (!orderId || !s) {
    log.info({ topic: event.topic, shop: event.shop, status: p.status }, "fulfillment webhook without an order or not successful; ignored");
    return;
  }
  await applyShipment(deps, event.shop, orderId, s, log);
};

const orderCancelled: ShopifyTopicHandler = async (deps, event, { log }) => {
  const p = (event.payload ?? {}) as Json;
  const orderId = orderGid(p.admin_graphql_api_id) ?? orderGid(p.id);
  if (!orderId) return void log.info({ shop: event.shop }, "orders/cancelled without an order id; ignored");
  await applyCancellation(deps, event.shop, orderId, str(p.cancel_reason), log);
};

/** A refund of the order's item (any refund line with a quantity) cancels the gift; one of shipping or an amount only does not. */
const refundCreated: ShopifyTopicHandler = async (deps, event, { log }) => {
  const p = (event.payload ?? {}) as Json;
  const orderId = orderGid(p.order_id);
  if (!orderId) return void log.info({ shop: event.shop }, "refunds/create without an order id; ignored");
  const lines = Array.isArray(p.refund_line_items) ? (p.refund_line_items as Json[]) : [];
  if (!lines.some((l) => Number(l?.quantity) > 0)) {
    return void log.info({ shop: event.shop, order: orderId }, "refund of no item (shipping or an amount only); the gift stands");
  }
  await applyCancellation(deps, event.shop, orderId, null, log, "refunded");
};

export const shipmentWebhookHandlers: Record<string, ShopifyTopicHandler> = {
  "fulfillments/create": fulfillmentChanged,
  "fulfillments/update": fulfillmentChanged,
  "orders/cancelled": orderCancelled,
  "refunds/create": refundCreated,
};

/** The recipient's "your gift has shipped" email, once per unit (same Message-ID on a retry). */
export const shippedEmailJob = defineJob({
  type: "fulfillment.send_shipped_email",
  schema: z.object({ unitId: z.uuid() }),
  maxAttempts: 8,
  backoff: { baseMs: 30_000, maxMs: 60 * 60_000 },
  async handler({ unitId }, ctx) {
    const [u] = await ctx.deps.db.sql.query<{
      status: string;
      recipient_name: string;
      recipient_email: string;
      tracking_carrier: string | null;
      tracking_number: string | null;
      tracking_url: string | null;
      brand: string;
      item: string | null;
      code_sealed: string;
      accent_color: string;
      logo_key: string | null;
      slug: string;
      buyer: string;
    }>(
      `SELECT u.status::text AS status, u.recipient_name, u.recipient_email, u.tracking_carrier, u.tracking_number, u.tracking_url,
              v.name AS brand, p.title || CASE WHEN va.title IS NULL OR va.title = 'Default Title' THEN '' ELSE ' (' || va.title || ')' END AS item,
              u.code_sealed, s.accent_color, s.logo_key, s.slug, b.name AS buyer
       FROM fulfillment_unit u JOIN vendor v ON v.id = u.vendor_id
       JOIN gift_order o ON o.id = u.order_id JOIN storefront s ON s.id = o.storefront_id JOIN buyer_org b ON b.id = o.buyer_org_id
       LEFT JOIN variant va ON va.id = u.chosen_variant_id LEFT JOIN product p ON p.id = va.product_id
       WHERE u.id = $1::uuid`,
      [unitId],
    );
    if (!u || (u.status !== "shipped" && u.status !== "delivered")) return;
    const { config, secrets } = ctx.deps;
    const email = renderShippedEmail({
      brandName: u.brand,
      brandColor: u.accent_color,
      brandLogoUrl: u.logo_key ? `${config.publicUrl}/v1/storefronts/${u.slug}/logo` : null,
      recipientName: u.recipient_name,
      itemTitle: u.item,
      carrier: u.tracking_carrier,
      trackingNumber: u.tracking_number,
      trackingUrl: u.tracking_url,
      delivered: u.status === "delivered",
      giftUrl: giftLinkUrl(config.giftLinkBaseUrl, await openCode(secrets, u.code_sealed, unitId)),
    });
    await ctx.deps.email.send({
      to: u.recipient_email,
      fromName: `${u.buyer} via ${u.brand}`,
      subject: email.subject,
      html: email.html,
      text: email.text,
      idempotencyKey: `unit:${unitId}:shipped-email`,
    });
  },
});
