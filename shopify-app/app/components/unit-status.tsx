import { Badge } from "@shopify/polaris";
import type { UnitStatus } from "@giftloop/core/vendors/vendor-orders";

type Tone = "info" | "success" | "warning" | "critical" | "attention" | "new" | undefined;
type Progress = "incomplete" | "partiallyComplete" | "complete";

export const UNIT_STATUS_LABELS: Record<UnitStatus, { label: string; tone: Tone; progress: Progress }> = {
  issued: { label: "Scheduled", tone: undefined, progress: "incomplete" },
  sent: { label: "Awaiting redemption", tone: "attention", progress: "incomplete" },
  redeemed: { label: "Redeemed", tone: "info", progress: "partiallyComplete" },
  pushed: { label: "Unfulfilled", tone: "warning", progress: "partiallyComplete" },
  shipped: { label: "Shipped", tone: "success", progress: "partiallyComplete" },
  delivered: { label: "Delivered", tone: "success", progress: "complete" },
  expired: { label: "Expired", tone: undefined, progress: "complete" },
  canceled: { label: "Canceled", tone: "critical", progress: "complete" },
};

export function UnitStatusBadge({ status }: { status: UnitStatus }) {
  const s = UNIT_STATUS_LABELS[status];
  return (
    <Badge tone={s.tone} progress={s.progress}>
      {s.label}
    </Badge>
  );
}

/** Filter choices: a brand thinks in stages, not in every internal status. */
export const STATUS_FILTERS: Array<{ label: string; value: string; statuses: UnitStatus[] }> = [
  { label: "Awaiting redemption", value: "waiting", statuses: ["issued", "sent"] },
  { label: "To fulfill", value: "to_fulfill", statuses: ["redeemed", "pushed"] },
  { label: "Shipped or delivered", value: "shipped", statuses: ["shipped", "delivered"] },
  { label: "Expired or canceled", value: "closed", statuses: ["expired", "canceled"] },
];

export function statusesFor(values: string[]): UnitStatus[] {
  return STATUS_FILTERS.filter((f) => values.includes(f.value)).flatMap((f) => f.statuses);
}
