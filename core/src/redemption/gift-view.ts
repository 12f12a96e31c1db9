import type { Database } from "../platform/db/connect.ts";
import { choicesForOffers, type Choice } from "../storefronts/offer-choices.ts";

/** What a recipient sees of their gift. */
export interface GiftView {
  status: string;
  brand: { name: string; primaryColor: string; accentColor: string };
  recipientName: string;
  senderName: string | null;
  message: string | null;
  offerName: string;
  expiresAt: string;
  choices: Choice[];
  shipsTo: string[] | "anywhere";
  redemption: {
    redeemedAt: string;
    choice: Choice | null;
    shippingAddress: unknown;
    tracking: { carrier: string | null; number: string | null; url: string | null } | null;
  } | null;
}

/** Two queries (the hot path of every recipient page view): the unit with its context, then its choices. */
export async function giftView(db: Database, unitId: string, now = new Date()): Promise<GiftView | undefined> {
  const [u] = await db.sql.query<{
    status: string;
    recipient_name: string;
    message: string | null;
    expires_at: Date;
    choices: string[];
    chosen_variant_id: string | null;
    shipping_address: unknown;
    redeemed_at: Date | null;
    tracking_carrier: string | null;
    tracking_number: string | null;
    tracking_url: string | null;
    offer_id: string;
    sender_name: string | null;
    primary_color: string;
    accent_color: string;
    brand_name: string;
    offer_name: string;
    countries: string[];
  }>(
    `SELECT u.status::text, u.recipient_name, u.message, u.expires_at, u.choices, u.chosen_variant_id::text,
            u.shipping_address, u.redeemed_at, u.tracking_carrier, u.tracking_number, u.tracking_url, u.offer_id::text,
            o.sender_name, s.primary_color, s.accent_color, v.name AS brand_name, g.name AS offer_name,
            ARRAY(SELECT r.country::text FROM shipping_rule r WHERE r.vendor_id = u.vendor_id ORDER BY r.country) AS countries
     FROM fulfillment_unit u
     JOIN gift_order o ON o.id = u.order_id
     JOIN storefront s ON s.id = o.storefront_id
     JOIN vendor v ON v.id = s.vendor_id
     JOIN gift_offer g ON g.id = u.offer_id
     WHERE u.id = $1::uuid`,
    [unitId],
  );
  if (!u) return undefined;
  const frozen = new Set(u.choices);
  const all = (await choicesForOffers(db, [u.offer_id])).get(u.offer_id) ?? [];
  const choices = all.filter((c) => frozen.has(c.variantId));
  const chosen = u.chosen_variant_id ? (all.find((c) => c.variantId === u.chosen_variant_id) ?? null) : null;
  const expiresAt = new Date(u.expires_at);
  const status = u.status === "issued" || u.status === "sent" ? (expiresAt <= now ? "expired" : "available") : u.status;
  return {
    status,
    brand: { name: u.brand_name, primaryColor: u.primary_color, accentColor: u.accent_color },
    recipientName: u.recipient_name,
    senderName: u.sender_name,
    message: u.message,
    offerName: u.offer_name,
    expiresAt: expiresAt.toISOString(),
    choices,
    shipsTo: u.countries.includes("*") ? "anywhere" : u.countries,
    redemption: u.redeemed_at
      ? {
          redeemedAt: new Date(u.redeemed_at).toISOString(),
          choice: chosen,
          shippingAddress: u.shipping_address,
          tracking: u.tracking_number ? { carrier: u.tracking_carrier, number: u.tracking_number, url: u.tracking_url } : null,
        }
      : null,
  };
}
