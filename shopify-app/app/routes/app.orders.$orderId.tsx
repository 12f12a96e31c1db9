import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Card, InlineStack, Layout, Page, Tabs, Text, IndexTable } from "@shopify/polaris";
import { requireVendor } from "../context.server.ts";
import { vendorOrder } from "@giftloop/core/vendors/vendor-orders";
import { notFound, RouteErrorBoundary } from "../components/route-states.tsx";
import { STATUS_FILTERS, statusesFor, UnitStatusBadge } from "../components/unit-status.tsx";
import { Empty } from "../components/empty.tsx";
import { formatDate, formatMoney, plural } from "../lib/format.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Order #${data.order.id.slice(0, 8).toUpperCase()} · Giftloop` : "Order · Giftloop" },
];

export const loader = async (args: LoaderFunctionArgs) => {
  const { ctx } = await requireVendor(args);
  const url = new URL(args.request.url);
  const stage = url.searchParams.get("stage") ?? "";
  const page = Number(url.searchParams.get("page") ?? "1") || 1;
  const detail = await vendorOrder(ctx, args.params.orderId ?? "", {
    statuses: stage ? statusesFor([stage]) : [],
    page,
  });
  if (!detail) throw notFound("This order does not exist, or it has none of your gifts.");
  return { ...detail, stage };
};

const ORDER_STATUS: Record<string, { label: string; tone?: "success" | "critical" | "attention" | "info" }> = {
  paid: { label: "Paid", tone: "success" },
  awaiting_payment: { label: "Awaiting payment", tone: "attention" },
  payment_failed: { label: "Payment failed", tone: "critical" },
  canceled: { label: "Canceled" },
  refunded: { label: "Refunded", tone: "info" },
  charged_back: { label: "Charged back", tone: "critical" },
};

export default function OrderDetail() {
  const d = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const tabs = [{ id: "", content: "All gifts" }, ...STATUS_FILTERS.map((f) => ({ id: f.value, content: f.label }))];
  const selected = Math.max(0, tabs.findIndex((t) => t.id === d.stage));
  const status = ORDER_STATUS[d.order.orderStatus] ?? { label: d.order.orderStatus };
  const totalGifts = Object.values(d.statusCounts).reduce((a, b) => a + (b ?? 0), 0);

  return (
    <Page
      backAction={{ content: "Gift orders", url: "/app/orders" }}
      title={`#${d.order.id.slice(0, 8).toUpperCase()}`}
      titleMetadata={<Badge tone={status.tone}>{status.label}</Badge>}
      subtitle={`${formatDate(d.order.createdAt, true)} · ${d.order.buyerName}`}
    >
      <Layout>
        {d.order.onHold && (
          <Layout.Section>
            <Banner tone="warning" title="Payment disputed: gifts on hold">
              <p>
                The buyer's card payment for this order is disputed. Until the dispute closes, no gift emails go out, recipients can't
                redeem, and no new orders are created in your store. If the dispute is lost, gifts that are not yet orders in your store are canceled.
              </p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card padding="0">
            <Tabs
              tabs={tabs}
              selected={selected}
              onSelect={(i) => {
                const next = new URLSearchParams(params);
                const id = tabs[i]?.id ?? "";
                if (id) next.set("stage", id);
                else next.delete("stage");
                next.delete("page");
                setParams(next, { replace: true });
              }}
            />
            <IndexTable
              resourceName={{ singular: "gift", plural: "gifts" }}
              itemCount={d.units.rows.length}
              selectable={false}
              headings={[{ title: "Recipient" }, { title: "Gift" }, { title: "Status" }, { title: "Sent" }, { title: "Tracking" }, { title: "Your share", alignment: "end" }]}
              pagination={{
                hasPrevious: d.units.page > 1,
                hasNext: d.units.hasNext,
                onPrevious: () => setParams((p) => (p.set("page", String(d.units.page - 1)), p)),
                onNext: () => setParams((p) => (p.set("page", String(d.units.page + 1)), p)),
              }}
              emptyState={
                <Empty heading="No gifts in this status">
                  <p>Choose another tab to see this order's other gifts.</p>
                </Empty>
              }
            >
              {d.units.rows.map((u, i) => (
                <IndexTable.Row id={u.id} key={u.id} position={i} onClick={() => navigate(`/app/units/${u.id}`)}>
                  <IndexTable.Cell>
                    <BlockStack gap="050">
                      <Text as="span" fontWeight="semibold">
                        {u.recipientName}
                      </Text>
                      <Text as="span" tone="subdued" variant="bodySm">
                        {u.recipientEmail}
                      </Text>
                    </BlockStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{u.offerName}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <InlineStack gap="100">
                      <UnitStatusBadge status={u.status} />
                      {u.pushError ? <Badge tone="critical">Needs attention</Badge> : null}
                    </InlineStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{formatDate(u.sentAt)}</IndexTable.Cell>
                  <IndexTable.Cell>{u.trackingNumber ?? "—"}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {formatMoney(u.amount, u.currency)}
                    </Text>
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Buyer
              </Text>
              <BlockStack gap="100">
                <Text as="p">{d.order.buyerName}</Text>
                {d.order.senderName ? <Text as="p" tone="subdued">From {d.order.senderName}</Text> : null}
                {d.order.buyerReference ? <Text as="p" tone="subdued">Reference {d.order.buyerReference}</Text> : null}
              </BlockStack>
              <Text as="h2" variant="headingMd">
                Gifts
              </Text>
              <Text as="p">
                {plural(totalGifts, "gift")} from you, of {plural(d.order.recipientCount, "recipient")} in the order.
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBoundary title="Order could not be loaded" />;
}
