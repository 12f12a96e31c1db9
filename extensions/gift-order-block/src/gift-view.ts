import type { GiftLookup, GiftUnitDto } from "./gift-api.ts";
import { summarizeGiftUnits, type GiftUnitStatus, type SummaryTone } from "./unit-summary.ts";

/**
 * What the block shows, as data: the component only maps this onto Polaris web components.
 * Core unit states are mapped onto the summary's states here.
 */
const FROM_CORE: Record<string, GiftUnitStatus> = {
  issued: "awaiting_redemption",
  sent: "awaiting_redemption",
  redeemed: "redeemed",
  pushed: "ordered",
  shipped: "shipped",
  delivered: "delivered",
  expired: "expired",
  canceled: "cancelled",
};
export const coreStatus = (s: string): GiftUnitStatus => FROM_CORE[s] ?? "failed";

const STATUS_LABEL: Record<GiftUnitStatus, { label: string; tone: SummaryTone | "neutral" }> = {
  awaiting_redemption: { label: "Awaiting redemption", tone: "neutral" },
  redeemed: { label: "Redeemed", tone: "info" },
  ordered: { label: "Ordered", tone: "info" },
  shipped: { label: "Shipped", tone: "success" },
  delivered: { label: "Delivered", tone: "success" },
  expired: { label: "Expired", tone: "warning" },
  cancelled: { label: "Cancelled", tone: "warning" },
  failed: { label: "Needs attention", tone: "critical" },
};

export interface UnitView {
  key: string;
  recipient: string;
  message: string;
  badge: { label: string; tone: SummaryTone | "neutral" };
  tracking: { text: string; url: string | null } | null;
  /** In-app link (Shopify's `app:` protocol opens it inside the embedded app). */
  href: string;
}

export type BlockView =
  | { kind: "loading"; heading: string }
  | { kind: "not_a_gift"; heading: string; text: string }
  | { kind: "error"; heading: string; text: string }
  | { kind: "gift"; heading: string; summary: string; tone: SummaryTone; units: UnitView[] };

const HEADING = "Gift details";

export function unitView(u: GiftUnitDto): UnitView {
  const status = coreStatus(u.status);
  const t = u.tracking;
  const trackingText = [t.carrier, t.number].filter(Boolean).join(" ");
  return {
    key: u.id,
    recipient: u.recipientName,
    message: u.message?.trim() ? `“${u.message.trim()}”` : "No gift message",
    badge: STATUS_LABEL[status],
    tracking: trackingText || t.url ? { text: trackingText || "Tracking", url: t.url } : null,
    href: `app:${u.appPath}`,
  };
}

export function blockView(state: GiftLookup | undefined): BlockView {
  if (!state) return { kind: "loading", heading: HEADING };
  if (state.kind === "not_a_gift") return { kind: "not_a_gift", heading: HEADING, text: "This order was not created by Giftloop." };
  if (state.kind === "error") return { kind: "error", heading: HEADING, text: `Could not load the gift: ${state.message}` };
  const s = summarizeGiftUnits(state.units.map((u) => ({ status: coreStatus(u.status) })));
  return { kind: "gift", heading: HEADING, summary: s.headline, tone: s.tone, units: state.units.map(unitView) };
}
