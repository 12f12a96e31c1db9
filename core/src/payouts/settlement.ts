import { DEFAULT_SETTINGS } from "./settings.ts";

/**
 * Settlement: when a unit's share becomes payable to its brand. A unit is payable when
 *  - it shipped (shipped or delivered; a unit canceled after shipping, because the brand's
 *    Shopify order was canceled, is canceled and never payable);
 *  - its settlement window passed: `shipped_at` + the brand's settlement days (its own, or
 *    the platform's) is at or before the run's instant;
 *  - no refund of it is pending or done;
 *  - its order is not on hold for an open dispute (a lost chargeback does not take back a
 *    gift the brand shipped: charged-back orders' shipped units stay payable);
 *  - no payout has a line for it yet (a unit is paid once: payout_line.unit_id is unique).
 *
 * `payableUnitsSql` selects them (one row per unit: id, order_id, vendor_id, currency, share,
 * commission, shipped_at), with `asOf` and `days` SQL expressions of the run's instant and the
 * platform's default settlement days, and `where` further conditions on `u` (a vendor).
 */
export const SHIPPED_STATUSES = "('shipped', 'delivered')";

export function payableUnitsSql(opts: { asOf: string; days?: string; where?: string; settled?: boolean }): string {
  const days = opts.days ?? DEFAULT_DAYS_SQL;
  return `SELECT u.id, u.order_id, u.vendor_id, u.currency, u.brand_share_amount AS share, u.commission_amount AS commission, u.shipped_at
    FROM fulfillment_unit u
    JOIN gift_order o ON o.id = u.order_id
    LEFT JOIN vendor_payout_settings vs ON vs.vendor_id = u.vendor_id
    WHERE u.status IN ${SHIPPED_STATUSES}
      AND u.brand_share_amount IS NOT NULL
      AND u.shipped_at <= (${opts.asOf}) - make_interval(days => COALESCE(vs.settlement_days, ${days}))
      AND NOT (o.disputed_at IS NOT NULL AND o.dispute_closed_at IS NULL)
      AND NOT EXISTS (SELECT 1 FROM refund rf WHERE rf.unit_id = u.id AND rf.status IN ('pending', 'succeeded'))
      ${opts.settled ? "" : "AND NOT EXISTS (SELECT 1 FROM payout_line pl WHERE pl.unit_id = u.id)"}
      ${opts.where ? `AND (${opts.where})` : ""}`;
}

/** The platform's default settlement days as SQL (the settings row, else the built-in default). */
export const DEFAULT_DAYS_SQL = `COALESCE((SELECT settlement_days FROM payout_settings WHERE id = 1), ${DEFAULT_SETTINGS.settlementDays})`;
