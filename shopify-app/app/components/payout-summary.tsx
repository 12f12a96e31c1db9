import { BlockStack, Card, InlineGrid, InlineStack, Text } from "@shopify/polaris";
import type { CurrencySummary } from "@giftloop/core/payouts/vendor-payouts";
import { formatDate, formatMoney } from "../lib/format.ts";
import { EarningsChart } from "./earnings-chart.tsx";

/**
 * What Giftloop owes the brand, per currency: pending (redeemed, not shipped), settling
 * (shipped, inside the settlement window), payable (settled, in the next payout) and paid,
 * each the brand's share net of commission; the next scheduled payout; earnings per week.
 */
const FIGURES: Array<{ key: "pendingMinor" | "settlingMinor" | "payableMinor" | "paidMinor"; label: string; help: string }> = [
  { key: "pendingMinor", label: "Pending", help: "Redeemed gifts you have not shipped yet" },
  { key: "settlingMinor", label: "Settling", help: "Shipped, inside the settlement window" },
  { key: "payableMinor", label: "Payable", help: "Goes out with the next payout" },
  { key: "paidMinor", label: "Paid", help: "Transferred to your Stripe account" },
];

export function PayoutSummary({ summary }: { summary: CurrencySummary }) {
  const c = summary.currency;
  return (
    <BlockStack gap="400">
      <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
        {FIGURES.map((f) => (
          <Card key={f.key}>
            <BlockStack gap="100">
              <Text as="h3" variant="headingSm" tone="subdued">
                {f.label}
              </Text>
              <Text as="p" variant="headingXl" numeric>
                {formatMoney(summary[f.key], c)}
              </Text>
              <Text as="p" variant="bodySm" tone="subdued">
                {f.help}
              </Text>
            </BlockStack>
          </Card>
        ))}
      </InlineGrid>
      <Card>
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center" gap="200">
            <Text as="h2" variant="headingMd">
              Earnings per week ({c})
            </Text>
            <Text as="p" tone="subdued">
              Next payout {formatDate(summary.nextPayoutAt)} · Giftloop commission so far {formatMoney(summary.commissionMinor, c)}
            </Text>
          </InlineStack>
          <EarningsChart currency={c} weeks={summary.earningsByWeek} />
        </BlockStack>
      </Card>
    </BlockStack>
  );
}
