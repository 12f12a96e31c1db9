import { Badge } from "@shopify/polaris";

const LABELS = {
  draft: { label: "Draft", tone: undefined },
  active: { label: "Active", tone: "success" },
  paused: { label: "Paused", tone: "attention" },
  archived: { label: "Archived", tone: undefined },
} as const;

export function OfferStatusBadge({ status }: { status: keyof typeof LABELS }) {
  const s = LABELS[status];
  return <Badge tone={s.tone}>{s.label}</Badge>;
}
