import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link as RemixLink, useLoaderData } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  Divider,
  Icon,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import { CheckCircleIcon } from "@shopify/polaris-icons";
import { requireVendor } from "../context.server.ts";
import { vendorDashboard, type ChecklistKey } from "@giftloop/core/vendors/dashboard";
import { RouteErrorBoundary } from "../components/route-states.tsx";
import { formatDate, plural } from "../lib/format.ts";

export const meta: MetaFunction = () => [{ title: "Home · Giftloop" }];

export const loader = async (args: LoaderFunctionArgs) => {
  const { ctx, vendorName } = await requireVendor(args);
  const dashboard = await vendorDashboard(ctx);
  return { vendorName, ...dashboard };
};

const STEPS: Record<ChecklistKey, { title: string; body: string; action: string; url: string }> = {
  catalog: {
    title: "Sync your catalog",
    body: "Giftloop keeps a copy of your products, variants and stock so buyers see what you can ship.",
    action: "View catalog",
    url: "/app/catalog",
  },
  offer: {
    title: "Create your first gift offer",
    body: "Offer one product, or let recipients choose among several, at your B2B price.",
    action: "Create offer",
    url: "/app/offers/new",
  },
  storefront: {
    title: "Brand your storefront",
    body: "Add your logo, colours and a welcome message for corporate buyers and recipients.",
    action: "Customize storefront",
    url: "/app/storefront",
  },
  shipping: {
    title: "Set shipping rates",
    body: "Choose the countries you ship gifts to and what each delivery costs.",
    action: "Set shipping",
    url: "/app/storefront#shipping",
  },
  payouts: {
    title: "Set up payouts",
    body: "Connect a Stripe account to get paid your share of every gift you ship.",
    action: "Set up payouts",
    url: "/app/payouts",
  },
};

export default function Home() {
  const d = useLoaderData<typeof loader>();
  const done = d.checklist.filter((c) => c.done).length;
  const figures = [
    { label: "Gift orders", value: d.figures.orders },
    { label: "Gifts sent", value: d.figures.giftsSent },
    { label: "Redeemed", value: d.figures.redeemed },
    { label: "Awaiting redemption", value: d.figures.pending },
  ];
  return (
    <Page title="Home" subtitle={`Corporate gifting for ${d.vendorName}`}>
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
            {figures.map((f) => (
              <Card key={f.label}>
                <BlockStack gap="200">
                  <Text as="h3" variant="headingSm" tone="subdued">
                    {f.label}
                  </Text>
                  <Text as="p" variant="heading2xl">
                    {f.value.toLocaleString("en")}
                  </Text>
                </BlockStack>
              </Card>
            ))}
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <Box padding="400">
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    Setup guide
                  </Text>
                  <Text as="span" tone="subdued">
                    {done} of {d.checklist.length} tasks complete
                  </Text>
                </InlineStack>
                <ProgressBar progress={(done / d.checklist.length) * 100} size="small" tone="primary" />
              </BlockStack>
            </Box>
            <Divider />
            {d.checklist.map((item, i) => {
              const step = STEPS[item.key];
              return (
                <Box key={item.key} padding="400" borderBlockStartWidth={i ? "025" : "0"} borderColor="border-secondary">
                  <InlineStack align="space-between" blockAlign="center" gap="400" wrap={false}>
                    <InlineStack gap="300" blockAlign="start" wrap={false}>
                      <Box minWidth="20px">
                        {item.done ? (
                          <Icon source={CheckCircleIcon} tone="success" />
                        ) : (
                          <Box borderWidth="050" borderColor="border" borderRadius="full" minHeight="20px" minWidth="20px" />
                        )}
                      </Box>
                      <BlockStack gap="100">
                        <InlineStack gap="200" blockAlign="center">
                          <Text as="h3" variant="headingSm">
                            {step.title}
                          </Text>
                          {item.comingSoon ? <Badge>Coming soon</Badge> : null}
                        </InlineStack>
                        <Text as="p" tone="subdued">
                          {step.body}
                        </Text>
                      </BlockStack>
                    </InlineStack>
                    <div style={{ flexShrink: 0 }}>
                      {item.comingSoon ? (
                        <Button disabled>{step.action}</Button>
                      ) : (
                        <Button url={step.url} variant={item.done ? "plain" : "secondary"}>
                          {item.done ? "Review" : item.payoutStatus && item.payoutStatus !== "not_started" ? "Continue setup" : step.action}
                        </Button>
                      )}
                    </div>
                  </InlineStack>
                </Box>
              );
            })}
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Catalog
                </Text>
                <Text as="p">
                  {plural(d.counts.products, "product")} synced, {d.counts.giftableProducts.toLocaleString("en")} giftable.
                </Text>
                <Text as="p" tone="subdued">
                  {d.lastSync
                    ? d.lastSync.status === "completed"
                      ? `Last synced ${formatDate(d.lastSync.finishedAt, true)}`
                      : d.lastSync.status === "failed"
                        ? "The last sync failed."
                        : "A sync is running."
                    : "Not synced yet."}
                </Text>
                <RemixLink to="/app/catalog">Manage catalog</RemixLink>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Gift offers
                </Text>
                <Text as="p">
                  {plural(d.counts.activeOffers, "active offer")} of {d.counts.offers.toLocaleString("en")}.
                </Text>
                <Text as="p" tone="subdued">
                  {d.figures.shipped.toLocaleString("en")} redeemed gifts are on their way or delivered.
                </Text>
                <RemixLink to="/app/offers">Manage offers</RemixLink>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBoundary title="Home could not be loaded" />;
}
