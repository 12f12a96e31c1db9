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

const ISO = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * `assembleView` in SQL: each unit's view built as JSON text by PostgreSQL, so the hot GET
 * passes it through (no rows to parse, no objects to build and serialize again). The same
 * reads as `loadGifts` (units with their context, their offers' choices with stock now,
 * the vendors' shipping countries), each once per batch. A test holds the two equal.
 */
const VIEWS = statement(
  `WITH u AS MATERIALIZED (
     SELECT u.id, u.status::text AS status, u.recipient_name, u.message, u.expires_at, u.choices, u.chosen_variant_id::text AS chosen,
            u.shipping_address, u.redeemed_at, u.tracking_carrier, u.tracking_number, u.tracking_url, u.offer_id, u.vendor_id,
            o.sender_name, s.primary_color, s.accent_color, v.name AS brand_name, g.name AS offer_name
     FROM fulfillment_unit u
     JOIN gift_order o ON o.id = u.order_id
     JOIN storefront s ON s.id = o.storefront_id
     JOIN vendor v ON v.id = s.vendor_id
     JOIN gift_offer g ON g.id = u.offer_id
     WHERE u.id = ANY($1::uuid[])
   ), oc AS MATERIALIZED (
     SELECT i.offer_id, v.id::text AS variant_id,
            row_number() OVER (ORDER BY i.offer_id, i.position, p.title, v.created_at, v.title) AS ord,
            json_build_object(
              'variantId', v.id::text, 'productId', p.id::text, 'productTitle', p.title, 'variantTitle', v.title,
              'options', COALESCE(v.selected_options, '[]'::jsonb),
              'imageUrl', COALESCE(v.image_url, (SELECT url FROM product_image pi WHERE pi.product_id = p.id ORDER BY position LIMIT 1)),
              'available', CASE WHEN v.inventory_tracked THEN GREATEST(v.inventory_quantity - v.inventory_reserved, 0) END
            ) AS choice
     FROM gift_offer_item i
     JOIN product p ON p.id = i.product_id
     JOIN variant v ON v.product_id = p.id AND (i.variant_id IS NULL OR v.id = i.variant_id)
     WHERE i.offer_id IN (SELECT DISTINCT offer_id FROM u)
       AND p.deleted_at IS NULL AND v.deleted_at IS NULL AND p.giftable AND v.giftable
   ), sc AS MATERIALIZED (
     SELECT r.vendor_id, array_agg(r.country::text ORDER BY r.country) AS countries
     FROM shipping_rule r WHERE r.vendor_id IN (SELECT DISTINCT vendor_id FROM u)
     GROUP BY r.vendor_id
   )
   SELECT u.id::text AS id, json_build_object(
     'status', CASE WHEN u.status IN ('issued', 'sent') THEN CASE WHEN u.expires_at <= $2::timestamptz THEN 'expired' ELSE 'available' END ELSE u.status END,
     'brand', json_build_object('name', u.brand_name, 'primaryColor', u.primary_color, 'accentColor', u.accent_color),
     'recipientName', u.recipient_name,
     'senderName', u.sender_name,
     'message', u.message,
     'offerName', u.offer_name,
     'expiresAt', ${ISO("u.expires_at")},
     'choices', COALESCE((SELECT json_agg(oc.choice ORDER BY oc.ord) FROM oc WHERE oc.offer_id = u.offer_id AND u.choices ? oc.variant_id), '[]'::json),
     'shipsTo', CASE WHEN '*' = ANY (sc.countries) THEN to_json('anywhere'::text) ELSE to_json(COALESCE(sc.countries, '{}'::text[])) END,
     'redemption', CASE WHEN u.redeemed_at IS NOT NULL THEN json_build_object(
       'redeemedAt', ${ISO("u.redeemed_at")},
       'choice', (SELECT oc.choice FROM oc WHERE oc.offer_id = u.offer_id AND oc.variant_id = u.chosen ORDER BY oc.ord LIMIT 1),
       'shippingAddress', u.shipping_address,
       'tracking', CASE WHEN COALESCE(u.tracking_number, '') <> '' THEN
         json_build_object('carrier', u.tracking_carrier, 'number', u.tracking_number, 'url', u.tracking_url) END
     ) END
   )::text AS view
   FROM u LEFT JOIN sc ON sc.vendor_id = u.vendor_id`,
);

/** Views of units by id as JSON text (see VIEWS), one statement for any number of them; missing units are left out. */
export async function giftViewsJson(db: Database, unitIds: string[], now = new Date()): Promise<Map<string, string>> {
  const rows = await db.sql.query<{ id: string; view: string }>(VIEWS, [unitIds, now]);
  return new Map(rows.map((r) => [r.id, r.view]));
}

const viewLoaders = new WeakMap<Database, BatchLoader<string, string>>();

/**
 * The recipient's view of their gift as JSON text (a `GiftView`), or undefined if the unit
 * does not exist. Concurrent calls share one statement, as `loadGift`'s do; nothing is
 * cached, so status and stock are as of this request.
 */
export function giftViewJson(db: Database, unitId: string): Promise<string | undefined> {
  if (!UUID.test(unitId)) return Promise.resolve(undefined);
  let loader = viewLoaders.get(db);
  if (!loader) {
    loader = batchLoader((ids: string[]) => giftViewsJson(db, ids));
    viewLoaders.set(db, loader);
  }
  return loader.load(unitId.toLowerCase());
}
