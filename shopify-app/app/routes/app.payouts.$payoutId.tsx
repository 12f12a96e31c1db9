import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, DataTable, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { useState } from "react";
import { requireVendor } from "../context.server.ts";
import { getVendorPayout } from "@giftloop/core/payouts/vendor-payouts";
import { notFound, RouteErrorBoundary } from "../components/route-states.tsx";
import { PayoutStatusBadge } from "../components/payout-status.tsx";
import { formatDate, formatMoney, plural } from "../lib/format.ts";

export const meta: MetaFunction = () => [{ title: "Payout · Giftloop" }];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One payout: a line per gift (the brand's share), the Stripe transfer per order, adjustments, history. */
export const loader = async (args: LoaderFunctionArgs) => {
  const { ctx } = await requireVendor(args);
  const id = args.params.payoutId ?? "";
  const payout = UUID.test(id) ? await getVendorPayout(ctx, id) : undefined;
  if (!payout) throw notFound("This payout does not exist.");
  return payout;
};

const TRANSFER_STATUS: Record<string, string> = { pending: "Pending", created: "Sent", confirmed: "Confirmed", reversed: "Reversed", failed: "Failed" };

/** Downloads the lines as CSV through App Bridge's authenticated fetch. */
function useCsvDownload(url: string, filename: string) {
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`CSV export failed (${res.status})`);
      const href = URL.createObjectURL(await res.blob());
      const a = document.createElement("a");
      a.href = href;
      a.download = filename;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
    } finally {
      setBusy(false);
    }
  };
  return { busy, download };
}

export default function PayoutDetail() {
  const p = useLoaderData<typeof loader>();
  const csv = useCsvDownload(`/app/payouts/${p.id}/lines.csv`, `giftloop-payout-${p.id.slice(0, 8)}.csv`);
  const money = (m: number) => formatMoney(m, p.currency);
  return (
    <Page
      backAction={{ content: "Payouts", url: "/app/payouts" }}
      title={`Payout of ${money(p.amountMinor)}`}
      titleMetadata={<PayoutStatusBadge status={p.status} />}
      subtitle={plural(p.lines.length, "gift")}
      secondaryActions={[{ content: "Export CSV", onAction: csv.download, loading: csv.busy }]}
    >
      <Layout>
        <Layout.Section>
          <Card padding="0">
            <BlockStack>
              <div style={{ padding: "var(--p-space-400)" }}>
                <Text as="h2" variant="headingMd">
                  Gifts
                </Text>
              </div>
              <DataTable
                columnContentTypes={["text", "text", "text", "text", "numeric", "numeric"]}
                headings={["Order", "Recipient", "Item", "SKU", "Commission", "Your share"]}
                rows={p.lines.map((l) => [
                  l.orderNumber ? `#${l.orderNumber}` : l.orderId.slice(0, 8),
                  l.recipientFirstName,
                  [l.itemTitle, l.variantTitle].filter(Boolean).join(" · ") || "—",
                  l.sku ?? "—",
                  money(l.commissionMinor),
                  money(l.shareMinor),
                ])}
                totals={["", "", "", "", money(p.lines.reduce((s, l) => s + l.commissionMinor, 0)), money(p.lines.reduce((s, l) => s + l.shareMinor, 0))]}
                showTotalsInFooter
              />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <div style={{ padding: "var(--p-space-400)" }}>
              <Text as="h2" variant="headingMd">
                Stripe transfers
              </Text>
            </div>
            <DataTable
              columnContentTypes={["text", "text", "text", "numeric"]}
              headings={["Gift order", "Stripe transfer", "Status", "Amount"]}
              rows={p.transfers.map((t) => [t.orderId.slice(0, 8), t.stripeTransferId ?? "—", TRANSFER_STATUS[t.status] ?? t.status, money(t.amountMinor)])}
            />
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Adjustments
              </Text>
              {p.adjustments.length === 0 ? (
                <Text as="p" tone="subdued">
                  None.
                </Text>
              ) : (
                p.adjustments.map((a) => (
                  <InlineStack key={a.id} align="space-between" gap="200">
                    <Text as="span">
                      {formatDate(a.createdAt)} · {a.reason}
                    </Text>
                    <Text as="span" numeric tone={a.amountMinor < 0 ? "critical" : undefined}>
                      {money(a.amountMinor)}
                    </Text>
                  </InlineStack>
                ))
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                History
              </Text>
              {p.transitions.map((t) => (
                <Text as="p" key={`${t.at}-${t.to}`}>
                  {formatDate(t.at, true)}: {t.to.replace(/_/g, " ")}
                  {t.reason ? ` (${t.reason})` : ""}
                </Text>
              ))}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBoundary title="This payout could not be loaded" />;
}
