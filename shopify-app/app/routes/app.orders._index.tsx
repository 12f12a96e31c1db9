import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useNavigation } from "@remix-run/react";
import { Card, Layout, Page } from "@shopify/polaris";
import { requireVendor } from "../context.server.ts";
import { listVendorOrders } from "@giftloop/core/vendors/vendor-orders";
import { requestManifest } from "@giftloop/core/fulfillment/manifests/manifests.service";
import { RouteErrorBoundary } from "../components/route-states.tsx";
import { Empty } from "../components/empty.tsx";
import { statusesFor } from "../components/unit-status.tsx";
import { OrdersFilterBar } from "../components/orders/orders-filter-bar.tsx";
import { OrdersTable } from "../components/orders/orders-table.tsx";
import { PackingManifestBanner, usePackingManifest } from "../components/orders/packing-manifest.tsx";
import { useOrdersFilters } from "../components/orders/use-orders-filters.ts";

export const meta: MetaFunction = () => [{ title: "Gift orders · Giftloop" }];

export const loader = async (args: LoaderFunctionArgs) => {
  const { ctx } = await requireVendor(args);
  const url = new URL(args.request.url);
  const stages = url.searchParams.getAll("stage");
  const query = url.searchParams.get("q") ?? "";
  const page = Number(url.searchParams.get("page") ?? "1") || 1;
  const result = await listVendorOrders(ctx, { statuses: statusesFor(stages), query, page, pageSize: 25 });
  return { ...result, stages, query, filtered: stages.length > 0 || query !== "" };
};

/** The page's one action: ask for a packing manifest of every gift waiting to be packed (built by a job). */
export const action = async (args: ActionFunctionArgs) => {
  const { deps, ctx } = await requireVendor(args);
  const form = await args.request.formData();
  if (form.get("intent") !== "manifest") return Response.json({ error: "unknown action" }, { status: 400 });
  const manifest = await requestManifest(ctx, deps, {});
  return { manifestId: manifest.id };
};

export default function Orders() {
  const data = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const manifest = usePackingManifest();
  const search = useOrdersFilters(data);

  if (!data.filtered && data.total === 0) {
    return (
      <Page title="Gift orders">
        <Layout>
          <Layout.Section>
            <Card>
              <Empty
                heading="No gift orders yet"
                action={{ content: "Create a gift offer", url: "/app/offers/new" }}
                secondaryAction={{ content: "Brand your storefront", url: "/app/storefront" }}
              >
                <p>When a company orders your gifts, each order shows here with every recipient's gift and where it is.</p>
              </Empty>
            </Card>
          </Layout.Section>
        </Layout>
      </Page>
    );
  }

  return (
    <Page
      title="Gift orders"
      subtitle="Orders from corporate buyers that include your gifts"
      secondaryActions={[{ content: "Packing manifest", onAction: manifest.request, loading: manifest.busy, disabled: manifest.busy }]}
    >
      <Layout>
        {manifest.state ? (
          <Layout.Section>
            <PackingManifestBanner state={manifest.state} onDismiss={manifest.dismiss} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card padding="0">
            <OrdersFilterBar stages={data.stages} search={search} loading={navigation.state === "loading"} />
            <OrdersTable data={data} />
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBoundary title="Orders could not be loaded" />;
}
