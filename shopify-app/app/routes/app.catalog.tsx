import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useNavigation } from "@remix-run/react";
import { Box, Card, Layout, Page } from "@shopify/polaris";
import { requireVendor } from "../context.server.ts";
import { latestSync, listProducts, setGiftableMatching, setProductsGiftable, CatalogQueryError, type ProductFilter } from "@giftloop/core/catalog/catalog.queries";
import { CONNECTION_BROKEN, startCatalogSync } from "@giftloop/core/catalog/catalog.sync";
import { RouteErrorBoundary } from "../components/route-states.tsx";
import { Empty } from "../components/empty.tsx";
import { CatalogFilterBar } from "../components/catalog/catalog-filter-bar.tsx";
import { ProductsTable } from "../components/catalog/products-table.tsx";
import { SyncCard } from "../components/catalog/sync-card.tsx";
import { useBulkGiftable } from "../components/catalog/use-bulk-giftable.ts";
import { useCatalogFilters } from "../components/catalog/use-catalog-filters.ts";
import { useCatalogSync } from "../components/catalog/use-catalog-sync.ts";
import { plural } from "../lib/format.ts";

export const meta: MetaFunction = () => [{ title: "Catalog · Giftloop" }];

const boolParam = (v: string | null) => (v === "yes" ? true : v === "no" ? false : undefined);

/** The page's search and filters, from its URL (or the bulk action's form, which repeats them, the giftable filter as `filterGiftable`). */
function filtersOf(params: URLSearchParams | FormData, giftableKey = "giftable") {
  const get = (k: string) => String(params.get(k) ?? "");
  return { query: get("q"), giftable: get(giftableKey), inStock: get("stock"), productType: get("type") };
}

function productFilter(f: ReturnType<typeof filtersOf>): ProductFilter {
  return { query: f.query.slice(0, 100), giftable: boolParam(f.giftable), inStock: boolParam(f.inStock), productType: f.productType || undefined };
}

export const loader = async (args: LoaderFunctionArgs) => {
  const { ctx, deps, connection } = await requireVendor(args);
  const url = new URL(args.request.url);
  const filters = filtersOf(url.searchParams);
  let cursor = url.searchParams.get("after");
  const options = { ...productFilter(filters), limit: 25 };
  let page;
  try {
    page = await listProducts(ctx, deps, { ...options, cursor });
  } catch (err) {
    if (!(err instanceof CatalogQueryError)) throw err;
    cursor = null; // a stale or edited cursor: start from the first page
    page = await listProducts(ctx, deps, options);
  }
  const sync = await latestSync(ctx);
  // Stopped: Shopify refuses the app's token (the layout's banner offers to reconnect).
  const syncStopped = connection.broken || (sync?.status === "failed" && Boolean(sync.errorMessage?.startsWith(CONNECTION_BROKEN)));
  return { page, sync, filters, hasPrevious: Boolean(cursor), connectionBroken: connection.broken, syncStopped };
};

export const action = async (args: ActionFunctionArgs) => {
  const { deps, ctx } = await requireVendor(args);
  const form = await args.request.formData();
  const intent = form.get("intent");
  if (intent === "sync") {
    const started = await startCatalogSync(ctx, deps);
    if (started.ok) return { intent, message: started.created ? "Catalog sync started" : "A sync is already running" };
    if (started.code === "connection_broken") return { intent, message: "Reconnect to Shopify first", isError: true };
    throw new Error(`catalog sync not started: ${started.detail}`);
  }
  if (intent === "giftable") {
    const giftable = form.get("giftable") === "true";
    // Every product matching the page's filters ("Select all"), or the ones ticked.
    const { updated } =
      form.get("scope") === "all"
        ? await setGiftableMatching(ctx, productFilter(filtersOf(form, "filterGiftable")), giftable)
        : await setProductsGiftable(ctx, form.getAll("id").map(String), giftable);
    return { intent, message: `${plural(updated, "product")} ${giftable ? "made giftable" : "no longer giftable"}` };
  }
  return new Response("Unknown action", { status: 400 });
};

export default function Catalog() {
  const { page, sync, filters, hasPrevious, connectionBroken, syncStopped } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const bulk = useBulkGiftable(page.items, filters);
  const { running, syncNow } = useCatalogSync(sync, connectionBroken);
  const search = useCatalogFilters(filters);

  if (!search.filtered && page.total === 0) {
    return (
      <Page title="Catalog" primaryAction={syncNow}>
        <Layout>
          <Layout.Section>
            <SyncCard sync={sync} stopped={syncStopped} />
          </Layout.Section>
          <Layout.Section>
            <Card>
              <Empty heading={running ? "Your catalog is on its way" : "No products yet"} action={running ? undefined : { content: "Sync now", onAction: syncNow.onAction }}>
                <p>
                  {running
                    ? "Giftloop is copying your products, variants and stock from Shopify. This page updates as they arrive."
                    : "Sync your Shopify products to choose which ones can be given as gifts."}
                </p>
              </Empty>
            </Card>
          </Layout.Section>
        </Layout>
      </Page>
    );
  }

  return (
    <Page title="Catalog" subtitle="Choose which of your Shopify products can be given as gifts" primaryAction={syncNow}>
      <Layout>
        <Layout.Section>
          <SyncCard sync={sync} stopped={syncStopped} />
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <CatalogFilterBar filters={filters} search={search} loading={navigation.state === "loading" || bulk.busy} />
            <ProductsTable page={page} hasPrevious={hasPrevious} filtered={search.filtered} bulk={bulk} />
          </Card>
          <Box paddingBlockStart="400" />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBoundary title="Catalog could not be loaded" />;
}
