import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Box, Card, Divider, InlineStack, Layout, Link, Page, Text, Thumbnail } from "@shopify/polaris";
import { requireVendor } from "../context.server.ts";
import { vendorUnit } from "@giftloop/core/vendors/vendor-orders";
import { notFound, RouteErrorBoundary } from "../components/route-states.tsx";
import { UNIT_STATUS_LABELS, UnitStatusBadge } from "../components/unit-status.tsx";
import { formatDate, formatMoney } from "../lib/format.ts";
import { CONNECTION_HOLD } from "@giftloop/core/fulfillment/push/push-holds";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Gift for ${data.recipientName} · Giftloop` : "Gift · Giftloop" }];

export const loader = async (args: LoaderFunctionArgs) => {
  const { ctx } = await requireVendor(args);
  const unit = await vendorUnit(ctx, args.params.unitId ?? "");
  if (!unit) throw notFound("This gift does not exist, or it is not one of yours.");
  // Why its Shopify order waits for the brand's connection, when it does.
  const connectionHold = unit.status === "redeemed" && unit.operatorFlag?.startsWith(CONNECTION_HOLD) ? unit.operatorFlag.slice(CONNECTION_HOLD.length).replace(/^\s*\(|\)$/g, "") : null;
  return { ...unit, connectionHold };
};

function address(a: Record<string, unknown> | null): string[] {
  if (!a) return [];
  const s = (k: string) => (typeof a[k] === "string" ? (a[k] as string) : "");
  return [
    s("name"),
    s("company"),
    s("line1") || s("address1"),
    s("line2") || s("address2"),
    [s("postalCode") || s("zip"), s("city")].filter(Boolean).join(" "),
    [s("region") || s("province"), s("country")].filter(Boolean).join(", "),
  ].filter(Boolean);
}

export default function UnitDetail() {
  const u = useLoaderData<typeof loader>();
  const lines = address(u.shippingAddress);
  return (
    <Page
      backAction={{ content: "Order", url: `/app/orders/${u.orderId}` }}
      title={`Gift for ${u.recipientName}`}
      titleMetadata={<UnitStatusBadge status={u.status} />}
      subtitle={`${u.offerName} · ordered by ${u.buyerName}`}
    >
      <Layout>
        {u.connectionHold ? (
          <Layout.Section>
            <Banner tone="warning" title="Waiting for your Shopify connection">
              <p>The recipient has chosen. This gift becomes an order in your store as soon as Giftloop can reach Shopify again: reconnect above.</p>
              <p>Shopify's answer: {u.connectionHold}.</p>
            </Banner>
          </Layout.Section>
        ) : u.status === "redeemed" && u.operatorFlag ? (
          <Layout.Section>
            <Banner tone="warning" title="Held for Giftloop support">
              <p>{u.operatorFlag}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {u.pushError ? (
          <Layout.Section>
            <Banner tone="critical" title="This gift could not be created as a Shopify order">
              <p>{u.pushError}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Gift
                </Text>
                {u.chosen ? (
                  <InlineStack gap="300" blockAlign="center">
                    <Thumbnail source={u.chosen.imageUrl ?? ""} alt={u.chosen.productTitle} size="small" />
                    <BlockStack gap="050">
                      <Text as="p" fontWeight="semibold">
                        {u.chosen.productTitle}
                      </Text>
                      <Text as="p" tone="subdued">
                        {u.chosen.variantTitle}
                        {u.chosen.sku ? ` · SKU ${u.chosen.sku}` : ""}
                      </Text>
                    </BlockStack>
                  </InlineStack>
                ) : (
                  <Text as="p" tone="subdued">
                    The recipient has not chosen yet. {u.offerName} stays redeemable until {formatDate(u.expiresAt)}.
                  </Text>
                )}
                {u.message ? (
                  <Box background="bg-surface-secondary" padding="300" borderRadius="200">
                    <Text as="p">“{u.message}”</Text>
                  </Box>
                ) : null}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Timeline
                </Text>
                {u.history.length === 0 ? (
                  <Text as="p" tone="subdued">
                    {UNIT_STATUS_LABELS[u.status].label} since {formatDate(u.sentAt ?? u.expiresAt, true)}.
                  </Text>
                ) : (
                  u.history.map((h, i) => (
                    <InlineStack key={i} align="space-between">
                      <Text as="span">{UNIT_STATUS_LABELS[h.to as keyof typeof UNIT_STATUS_LABELS]?.label ?? h.to}</Text>
                      <Text as="span" tone="subdued">
                        {formatDate(h.at, true)}
                      </Text>
                    </InlineStack>
                  ))
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Recipient
                </Text>
                <Text as="p">{u.recipientName}</Text>
                <Text as="p" tone="subdued">
                  {u.recipientEmail}
                </Text>
                {u.recipientPhone ? <Text as="p" tone="subdued">{u.recipientPhone}</Text> : null}
                <Divider />
                <Text as="h3" variant="headingSm">
                  Shipping address
                </Text>
                {lines.length ? lines.map((l, i) => <Text as="p" key={i}>{l}</Text>) : <Text as="p" tone="subdued">Given when the gift is redeemed.</Text>}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Fulfillment
                </Text>
                <Text as="p">Shipping: {u.shippingMethod}</Text>
                <Text as="p">Amount: {formatMoney(u.amount, u.currency)}</Text>
                <Text as="p">Shopify order: {u.shopifyOrderId ? u.shopifyOrderId.replace(/^gid:\/\/shopify\/Order\//, "#") : "not created yet"}</Text>
                {u.trackingNumber ? (
                  <Text as="p">
                    Tracking:{" "}
                    {u.trackingUrl ? (
                      <Link url={u.trackingUrl} target="_blank">
                        {u.trackingCarrier ? `${u.trackingCarrier} ` : ""}
                        {u.trackingNumber}
                      </Link>
                    ) : (
                      u.trackingNumber
                    )}
                  </Text>
                ) : null}
                <Text as="p" tone="subdued">
                  Sent {formatDate(u.sentAt)} · redeemed {formatDate(u.redeemedAt)} · shipped {formatDate(u.shippedAt)}
                </Text>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBoundary title="Gift could not be loaded" />;
}
