import { Badge } from "@shopify/polaris";

/** A payout's lifecycle state as a badge (draft → approved → transferring → paid; failed, needs_attention). */
const BADGES: Record<string, { label: string; tone?: "success" | "attention" | "critical" | "info" }> = {
  draft: { label: "Draft" },
  approved: { label: "Approved", tone: "info" },
  transferring: { label: "Transferring", tone: "info" },
  paid: { label: "Paid", tone: "success" },
  failed: { label: "Failed", tone: "critical" },
  needs_attention: { label: "Needs attention", tone: "attention" },
};

export function PayoutStatusBadge({ status }: { status: string }) {
  const b = BADGES[status] ?? { label: status };
  return <Badge {...(b.tone ? { tone: b.tone } : {})}>{b.label}</Badge>;
}
