import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useNavigate } from "@remix-run/react";
import { Badge, BlockStack, Card, IndexTable, Layout, Page, Text } from "@shopify/polaris";
import { requireVendor } from "../context.server.ts";
import { listOffers } from "@giftloop/core/offers/offer-view";
import { RouteErrorBoundary } from "../components/route-states.tsx";
import { Empty } from "../components/empty.tsx";
import { OfferStatusBadge } from "../components/offer-status.tsx";
import { formatDate, formatMoney, plural } from "../lib/format.ts";

export const meta: MetaFunction = () => [{ title: "Gift offers · Giftloop" }];

export const loader = async (args: LoaderFunctionArgs) => {
  const { ctx } = await requireVendor(args);
  return { offers: await listOffers(ctx) };
};

function windowText(startsAt: string | null, endsAt: string | null): string {
  if (!startsAt && !endsAt) return "Always";
  if (startsAt && endsAt) return `${formatDate(startsAt)} – ${formatDate(endsAt)}`;
  return startsAt ? `From ${formatDate(startsAt)}` : `Until ${formatDate(endsAt)}`;
}

export default function Offers() {
  const { offers } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const create = { content: "Create offer", url: "/app/offers/new" };

  if (offers.length === 0) {
    return (
      <Page title="Gift offers">
        <Layout>
          <Layout.Section>
            <Card>
              <Empty heading="Create your first gift offer" action={create} secondaryAction={{ content: "Choose giftable products", url: "/app/catalog" }}>
                <p>Offer one product, or let each recipient choose among several. Companies buy offers for their teams and clients at your B2B price.</p>
              </Empty>
            </Card>
          </Layout.Section>
        </Layout>
      </Page>
    );
  }

  return (
    <Page title="Gift offers" primaryAction={create}>
      <Layout>
        <Layout.Section>
          <Card padding="0">
            <IndexTable
              resourceName={{ singular: "offer", plural: "offers" }}
              itemCount={offers.length}
              selectable={false}
              headings={[{ title: "Offer" }, { title: "Status" }, { title: "Type" }, { title: "Available" }, { title: "Redeem within" }, { title: "Price", alignment: "end" }]}
            >
              {offers.map((o, i) => (
                <IndexTable.Row id={o.id} key={o.id} position={i} onClick={() => navigate(`/app/offers/${o.id}`)}>
                  <IndexTable.Cell>
                    <BlockStack gap="050">
                      <Text as="span" fontWeight="semibold">
                        {o.name}
                      </Text>
                      <Text as="span" tone="subdued" variant="bodySm">
                        {o.items.map((it) => it.productTitle).slice(0, 3).join(", ")}
                        {o.items.length > 3 ? ` and ${o.items.length - 3} more` : ""}
                      </Text>
                    </BlockStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <OfferStatusBadge status={o.status} />
                  </IndexTable.Cell>
                  <IndexTable.Cell>{o.kind === "single" ? <Badge>Single item</Badge> : <Badge tone="info">{`Recipient's choice of ${o.items.length}`}</Badge>}</IndexTable.Cell>
                  <IndexTable.Cell>{windowText(o.startsAt, o.endsAt)}</IndexTable.Cell>
                  <IndexTable.Cell>{plural(o.expiryDays, "day")}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {formatMoney(o.price.amount, o.price.currency)}
                    </Text>
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBoundary title="Gift offers could not be loaded" />;
}
