import type { StorefrontView } from "../storefronts/storefront-view.ts";
import type { NumberedRecipient, RowError } from "./recipients.ts";

/**
 * Prices an order from a storefront and its brand's shipping rules: each recipient costs
 * their offer's storefront price plus the shipping rate for their country (or the brand's
 * "*" rate when the country is not known yet; the recipient gives the address when
 * redeeming). Integer minor units throughout; one currency per order.
 */
export interface ShippingRate {
  country: string;
  rateAmount: number;
  currency: string;
}

export interface PricedRecipient extends NumberedRecipient {
  offerId: string;
  priceAmount: number;
  shippingAmount: number;
  amount: number;
  sendAtDate: Date | null;
}

export interface Quote {
  currency: string;
  recipientCount: number;
  lines: Array<{ offerId: string; name: string; quantity: number; unitAmount: number; amount: number }>;
  shipping: Array<{ country: string; quantity: number; rateAmount: number; amount: number }>;
  itemsAmount: number;
  shippingAmount: number;
  totalAmount: number;
}

export type Priced = { ok: true; quote: Quote; recipients: PricedRecipient[] } | { ok: false; errors: RowError[] };

/** Shape errors and pricing errors of one submission, in row order, as one list. */
export function allRowErrors(...lists: RowError[][]): RowError[] {
  return lists.flat().sort((a, b) => a.row - b.row);
}

const MAX_SEND_AHEAD_MS = 366 * 24 * 60 * 60 * 1000;
const SEND_AT_GRACE_MS = 5 * 60 * 1000;
/** A day ends everywhere 36 hours (24 + UTC-12) after it starts in UTC. */
const DATE_ONLY_GRACE_MS = 36 * 60 * 60 * 1000;

export function priceOrder(
  view: StorefrontView,
  rates: ShippingRate[],
  input: { offerId?: string; recipients: NumberedRecipient[] },
  now = new Date(),
): Priced {
  const errors: RowError[] = [];
  const offers = new Map(view.offers.map((o) => [o.id, o]));
  const rateOf = new Map(rates.map((r) => [r.country, r]));
  const fallback = rateOf.get("*");
  const shipsTo = [...rateOf.keys()].filter((c) => c !== "*").sort();
  const priced: PricedRecipient[] = [];
  let currency: string | undefined;

  input.recipients.forEach((r) => {
    const row = r.row;
    const err = (field: string, code: string, message: string) => errors.push({ row, field, code, message });
    const offerId = r.offerId ?? input.offerId;
    const offer = offerId ? offers.get(offerId) : undefined;
    if (!offerId) return err("offerId", "offer_required", "offerId is required (for the order or this recipient)");
    if (!offer) return err("offerId", "offer_unavailable", "this offer is not on sale on this storefront");
    if (!offer.orderable) return err("offerId", "out_of_stock", `"${offer.name}" is out of stock`);
    const rate = r.country ? rateOf.get(r.country) ?? fallback : fallback;
    if (!rate) {
      return r.country
        ? err("country", "country_not_shipped", `${view.brandName} does not ship to ${r.country} (ships to ${shipsTo.join(", ")})`)
        : err("country", "country_required", `country is required: ${view.brandName} ships only to ${shipsTo.join(", ")}`);
    }
    if (rate.currency !== offer.price.currency) {
      return err("offerId", "currency_mismatch", `shipping is priced in ${rate.currency}, the offer in ${offer.price.currency}`);
    }
    currency ??= offer.price.currency;
    if (offer.price.currency !== currency) {
      return err("offerId", "currency_mismatch", `all gifts in one order must be in one currency (${currency})`);
    }
    let sendAtDate: Date | null = null;
    if (r.sendAt) {
      // A date alone is a calendar day in the buyer's own time zone, which we do not know: it
      // is sent from the start of that day (UTC), at once if that has passed, and it is in the
      // past only once that day has ended everywhere (today for a buyer in UTC-12 is
      // yesterday in UTC).
      const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(r.sendAt);
      sendAtDate = new Date(dateOnly ? `${r.sendAt}T00:00:00Z` : r.sendAt);
      const earliest = dateOnly ? now.getTime() - DATE_ONLY_GRACE_MS : now.getTime() - SEND_AT_GRACE_MS;
      if (sendAtDate.getTime() < earliest) return err("sendAt", "send_at_past", "sendAt is in the past");
      if (sendAtDate.getTime() > now.getTime() + MAX_SEND_AHEAD_MS) {
        return err("sendAt", "send_at_too_far", "sendAt is more than a year ahead");
      }
    }
    priced.push({
      ...r,
      offerId: offer.id,
      priceAmount: offer.price.amount,
      shippingAmount: rate.rateAmount,
      amount: offer.price.amount + rate.rateAmount,
      sendAtDate,
    });
  });
  // More recipients for an offer than the brand has to give is refused now, not found out
  // at redemption with the buyer's money held until the gifts expire. The bound is what the
  // storefront shows the offer can still promise (its choices' stock less what waiting gifts
  // will take; untracked: unlimited); the brand's own shop may still restock before
  // recipients choose.
  const rowsOf = new Map<string, number[]>();
  for (const p of priced) {
    const rows = rowsOf.get(p.offerId);
    if (rows) rows.push(p.row);
    else rowsOf.set(p.offerId, [p.row]);
  }
  for (const [offerId, rows] of rowsOf) {
    const offer = offers.get(offerId)!;
    const stock = offerStock(offer);
    if (rows.length > stock) {
      errors.push({
        row: rows[stock]!,
        field: "offerId",
        code: "insufficient_stock",
        message: `"${offer.name}" has ${stock} available for gifts; this order has ${rows.length} recipients for it (too many from this row on)`,
      });
    }
  }
  if (errors.length > 0) return { ok: false, errors: allRowErrors(errors) };

  const lines = new Map<string, Quote["lines"][number]>();
  const shipping = new Map<string, Quote["shipping"][number]>();
  for (const p of priced) {
    const offer = offers.get(p.offerId)!;
    const line = lines.get(p.offerId) ?? { offerId: p.offerId, name: offer.name, quantity: 0, unitAmount: p.priceAmount, amount: 0 };
    line.quantity += 1;
    line.amount += p.priceAmount;
    lines.set(p.offerId, line);
    const country = p.country && rateOf.has(p.country) ? p.country : "*";
    const s = shipping.get(country) ?? { country, quantity: 0, rateAmount: p.shippingAmount, amount: 0 };
    s.quantity += 1;
    s.amount += p.shippingAmount;
    shipping.set(country, s);
  }
  const itemsAmount = priced.reduce((a, p) => a + p.priceAmount, 0);
  const shippingAmount = priced.reduce((a, p) => a + p.shippingAmount, 0);
  return {
    ok: true,
    recipients: priced,
    quote: {
      currency: currency!,
      recipientCount: priced.length,
      lines: [...lines.values()],
      shipping: [...shipping.values()],
      itemsAmount,
      shippingAmount,
      totalAmount: itemsAmount + shippingAmount,
    },
  };
}

/** Gifts of an offer the brand can still promise (storefront-view.ts); untracked stock is unlimited. */
export function offerStock(offer: { available: number | null }): number {
  return offer.available === null ? Infinity : offer.available;
}
