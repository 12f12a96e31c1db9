/**
 * The money model of a gift, frozen on its unit when the order is paid: the buyer paid the
 * item price plus the recipient's shipping; the platform keeps a commission of the item
 * price (basis points, the brand's own rate or the platform's default); the brand's share
 * is the rest. Stripe's processing fees are the platform's. Integer minor units throughout;
 * the commission is rounded half up to the minor unit.
 */
export const DEFAULT_COMMISSION_BPS = 1000;
export const MAX_COMMISSION_BPS = 10_000;

export interface UnitMoney {
  itemAmount: number;
  shippingAmount: number;
  commissionBps: number;
  commissionAmount: number;
  brandShareAmount: number;
}

export function commissionOf(itemAmount: number, bps: number): number {
  if (!Number.isSafeInteger(itemAmount) || itemAmount < 0) throw new RangeError(`item amount ${itemAmount} is not a non-negative integer`);
  if (!Number.isInteger(bps) || bps < 0 || bps > MAX_COMMISSION_BPS) throw new RangeError(`commission ${bps} bps is out of range`);
  return Math.floor((itemAmount * bps + 5000) / 10_000);
}

export function unitMoney(itemAmount: number, shippingAmount: number, commissionBps: number): UnitMoney {
  const commissionAmount = commissionOf(itemAmount, commissionBps);
  return { itemAmount, shippingAmount, commissionBps, commissionAmount, brandShareAmount: itemAmount + shippingAmount - commissionAmount };
}

/**
 * The commission rate each vendor's units are frozen at, as SQL: a one-row-per-vendor query
 * of `vendor_id` and `bps` for the vendors of `vendorIds` (an SQL expression of uuid[]).
 */
export const commissionRatesSql = (vendorIds: string) => `
  SELECT v.id AS vendor_id,
         COALESCE(vs.commission_bps, (SELECT commission_bps FROM payout_settings WHERE id = 1), ${DEFAULT_COMMISSION_BPS}) AS bps
  FROM vendor v LEFT JOIN vendor_payout_settings vs ON vs.vendor_id = v.id
  WHERE v.id = ANY(${vendorIds})`;

/**
 * The frozen columns for a unit made from recipient `r` at commission `bps` (SQL expressions),
 * in the order of UNIT_MONEY_COLUMNS. The same rounding as `commissionOf`.
 */
export const UNIT_MONEY_COLUMNS = "item_amount, shipping_amount, commission_bps, commission_amount, brand_share_amount";
export function unitMoneySql(r: string, bps: string): string {
  const ship = `COALESCE(${r}.shipping_amount, 0)`;
  const item = `(${r}.amount - ${ship})`;
  const commission = `((${item}::bigint * ${bps} + 5000) / 10000)::int`;
  return `${item}, ${ship}, ${bps}, ${commission}, ${item} + ${ship} - ${commission}`;
}
