import { batchLoader, type BatchLoader } from "../platform/db/batch.ts";
import { statement, type Database } from "../platform/db/connect.ts";
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

/** A unit as read for its view and for redemption, with its context (order, brand, offer, shipping). */
export interface GiftRow {
  id: string;
  status: string;
  version: number;
  recipient_name: string;
  message: string | null;
  expires_at: Date;
  /** Variant ids frozen on the unit when the order was paid. */
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
  /** The vendor's shipping countries (`*`: anywhere). */
  countries: string[];
}

/** The unit and every current choice of its offer (stock as of this read). */
export interface Gift {
  row: GiftRow;
  offerChoices: Choice[];
}

const UNITS = statement(
  `SELECT u.id::text AS id, u.status::text AS status, u.version, u.recipient_name, u.message, u.expires_at, u.choices,
          u.chosen_variant_id::text AS chosen_variant_id, u.shipping_address, u.redeemed_at, u.tracking_carrier,
          u.tracking_number, u.tracking_url, u.offer_id::text AS offer_id,
          o.sender_name, s.primary_color, s.accent_color, v.name AS brand_name, g.name AS offer_name,
          ARRAY(SELECT r.country::text FROM shipping_rule r WHERE r.vendor_id = u.vendor_id ORDER BY r.country) AS countries
   FROM fulfillment_unit u
   JOIN gift_order o ON o.id = u.order_id
   JOIN storefront s ON s.id = o.storefront_id
   JOIN vendor v ON v.id = s.vendor_id
   JOIN gift_offer g ON g.id = u.offer_id
   WHERE u.id = ANY($1::uuid[])`,
);

/** Units by id, two queries for any number of them: the units with their context, then their offers' choices. */
async function loadGifts(db: Database, unitIds: string[]): Promise<Map<string, Gift>> {
  const rows = await db.sql.query<GiftRow>(UNITS, [unitIds]);
  const found = new Map<string, Gift>();
  if (rows.length === 0) return found;
  const choices = await choicesForOffers(db, [...new Set(rows.map((r) => r.offer_id))]);
  for (const row of rows) found.set(row.id, { row, offerChoices: choices.get(row.offer_id) ?? [] });
  return found;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const loaders = new WeakMap<Database, BatchLoader<string, Gift>>();

/**
 * One unit as it is now in the database. The hot path of every recipient page view and
 * redemption: lookups made at the same moment (a rush of recipients) share their queries
 * (see `batchLoader`); nothing is cached between requests, so status and stock are fresh.
 */
export function loadGift(db: Database, unitId: string): Promise<Gift | undefined> {
  // Only well-formed ids join a batch: a malformed one would fail the whole batch's query.
  if (!UUID.test(unitId)) return Promise.resolve(undefined);
  let loader = loaders.get(db);
  if (!loader) {
    loader = batchLoader((ids: string[]) => loadGifts(db, ids));
    loaders.set(db, loader);
  }
  return loader.load(unitId.toLowerCase());
}

/** The recipient's view of a loaded unit. */
export function assembleView({ row: u, offerChoices }: Gift, now: Date): GiftView {
  const frozen = new Set(u.choices);
  const choices = offerChoices.filter((c) => frozen.has(c.variantId));
  const chosen = u.chosen_variant_id ? (offerChoices.find((c) => c.variantId === u.chosen_variant_id) ?? null) : null;
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

/** The recipient's view of their gift, or undefined if the unit does not exist. */
export async function giftView(db: Database, unitId: string, now = new Date()): Promise<GiftView | undefined> {
  const gift = await loadGift(db, unitId);
  return gift && assembleView(gift, now);
}
