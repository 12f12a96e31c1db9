/**
 * The summary line of the admin order-details block: how the recipients' gift units of
 * one order are getting on. Pure, so the block (a Shopify admin UI extension, later) only
 * renders what this returns.
 *
 * Unit states mirror core's fulfillment-unit lifecycle (DESIGN.md section 2); keep this
 * list in step with it.
 */
export const GIFT_UNIT_STATUSES = [
  "awaiting_redemption",
  "redeemed",
  "ordered",
  "shipped",
  "delivered",
  "expired",
  "cancelled",
  "failed",
] as const;

export type GiftUnitStatus = (typeof GIFT_UNIT_STATUSES)[number];

export interface GiftUnit {
  status: GiftUnitStatus;
}

/** Polaris badge tones the block uses. */
export type SummaryTone = "success" | "info" | "warning" | "critical";

export interface GiftUnitSummary {
  total: number;
  /** e.g. "3 of 12 gifts redeemed" */
  headline: string;
  /** Non-empty statuses in lifecycle order, e.g. "5 awaiting redemption". */
  lines: { status: GiftUnitStatus; count: number; label: string }[];
  tone: SummaryTone;
}

const LABELS: Record<GiftUnitStatus, string> = {
  awaiting_redemption: "awaiting redemption",
  redeemed: "redeemed, order pending",
  ordered: "ordered",
  shipped: "shipped",
  delivered: "delivered",
  expired: "expired",
  cancelled: "cancelled",
  failed: "need attention",
};

/** States a unit reaches once its recipient has redeemed it. */
const REDEEMED: ReadonlySet<GiftUnitStatus> = new Set(["redeemed", "ordered", "shipped", "delivered"]);

export function summarizeGiftUnits(units: readonly GiftUnit[]): GiftUnitSummary {
  const counts = new Map<GiftUnitStatus, number>();
  for (const u of units) counts.set(u.status, (counts.get(u.status) ?? 0) + 1);
  const count = (s: GiftUnitStatus) => counts.get(s) ?? 0;

  const total = units.length;
  const redeemed = units.filter((u) => REDEEMED.has(u.status)).length;
  const lines = GIFT_UNIT_STATUSES.filter((s) => count(s) > 0).map((status) => ({
    status,
    count: count(status),
    label: `${count(status)} ${LABELS[status]}`,
  }));

  let tone: SummaryTone;
  if (count("failed") > 0) tone = "critical";
  else if (total > 0 && count("delivered") === total) tone = "success";
  else if (count("expired") + count("cancelled") > 0) tone = "warning";
  else tone = "info";

  const headline =
    total === 0
      ? "No gift units on this order"
      : `${redeemed} of ${total} ${total === 1 ? "gift" : "gifts"} redeemed`;

  return { total, headline, lines, tone };
}
