import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigation, useRevalidator, useSearchParams } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Card,
  ChoiceList,
  IndexFilters,
  IndexTable,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Text,
  TextField,
  Thumbnail,
  useIndexResourceState,
  useSetIndexFiltersMode,
} from "@shopify/polaris";
import { ImageIcon } from "@shopify/polaris-icons";
import { useCallback, useEffect, useState } from "react";
import { requireVendor } from "../context.server.ts";
import { latestSync, listProducts, setProductsGiftable, CatalogQueryError } from "../../../core/src/catalog/catalog.queries.ts";
import { startCatalogSync } from "../../../core/src/catalog/catalog.sync.ts";
import { RouteErrorBoundary } from "../components/route-states.tsx";
import { Empty } from "../components/empty.tsx";
import { formatDate, formatMoney, plural } from "../lib/format.ts";

export const meta: MetaFunction = () => [{ title: "Catalog · Giftloop" }];

const boolParam = (v: string | null) => (v === "yes" ? true : v === "no" ? false : undefined);

export const loader = async (args: LoaderFunctionArgs) => {
  const { deps, vendorId } = await requireVendor(args);
  const url = new URL(args.request.url);
  const filters = {
    query: url.searchParams.get("q") ?? "",
    giftable: url.searchParams.get("giftable") ?? "",
    inStock: url.searchParams.get("stock") ?? "",
    productType: url.searchParams.get("type") ?? "",
  };
  let cursor = url.searchParams.get("after");
  const options = {
    query: filters.query,
    giftable: boolParam(filters.giftable),
    inStock: boolParam(filters.inStock),
    productType: filters.productType || undefined,
    limit: 25,
  };
  let page;
  try {
    page = await listProducts(deps, vendorId, { ...options, cursor });
  } catch (err) {
    if (!(err instanceof CatalogQueryError)) throw err;
    cursor = null; // a stale or edited cursor: start from the first page
    page = await listProducts(deps, vendorId, options);
  }
  const sync = await latestSync(deps, vendorId);
  return { page, sync, filters, hasPrevious: Boolean(cursor) };
};

export const action = async (args: ActionFunctionArgs) => {
  const { deps, vendorId } = await requireVendor(args);
  const form = await args.request.formData();
  const intent = form.get("intent");
  if (intent === "sync") {
    const { created } = await startCatalogSync(deps, vendorId);
    return { intent, message: created ? "Catalog sync started" : "A sync is already running" };
  }
  if (intent === "giftable") {
    const ids = form.getAll("id").map(String);
    const giftable = form.get("giftable") === "true";
    const { updated } = await setProductsGiftable(deps, vendorId, ids, giftable);
    return { intent, message: `${plural(updated, "product")} ${giftable ? "made giftable" : "no longer giftable"}` };
  }
  return new Response("Unknown action", { status: 400 });
};

function SyncCard({ sync }: { sync: ReturnType<typeof useLoaderData<typeof loader>>["sync"] }) {
  const running = sync?.status === "pending" || sync?.status === "running";
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h2" variant="headingMd">
              Sync with Shopify
            </Text>
            {sync ? (
              <Badge tone={sync.status === "completed" ? "success" : sync.status === "failed" ? "critical" : "info"}>
                {sync.status === "completed" ? "Up to date" : sync.status === "failed" ? "Failed" : "Syncing"}
              </Badge>
            ) : (
              <Badge>Not synced</Badge>
            )}
          </InlineStack>
        </InlineStack>
        {running && sync ? (
          <BlockStack gap="200">
            <ProgressBar progress={Math.round(sync.progress * 100)} size="small" tone="primary" animated />
            <Text as="p" tone="subdued">
              {sync.objectCount > 0
                ? `Imported ${plural(sync.productsSynced, "product")} and ${plural(sync.variantsSynced, "variant")}…`
                : "Shopify is preparing your catalog…"}
            </Text>
          </BlockStack>
        ) : sync ? (
          <Text as="p" tone="subdued">
            {sync.status === "completed"
              ? `Last full sync ${formatDate(sync.finishedAt, true)}: ${plural(sync.productsSynced, "product")}, ${plural(sync.variantsSynced, "variant")}. Changes in Shopify arrive automatically.`
              : `The last sync failed${sync.errorMessage ? `: ${sync.errorMessage}` : ""}. Try again.`}
          </Text>
        ) : (
          <Text as="p" tone="subdued">
            Your products have not been synced yet.
          </Text>
        )}
        {sync && sync.errors.length > 0 ? (
          <Banner tone="warning" title={`${plural(sync.errors.length, "line")} of Shopify's export could not be imported`}>
            <p>The other products were imported. The next sync tries these again.</p>
          </Banner>
        ) : null}
      </BlockStack>
    </Card>
  );
}

export default function Catalog() {
  const { page, sync, filters, hasPrevious } = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const navigation = useNavigation();
  const revalidator = useRevalidator();
  const shopify = useAppBridge();
  const bulk = useFetcher<typeof action>();
  const syncFetcher = useFetcher<typeof action>();
  const { mode, setMode } = useSetIndexFiltersMode();
  const [query, setQuery] = useState(filters.query);
  const [type, setType] = useState(filters.productType);
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(
    page.items as unknown as Array<{ [key: string]: unknown; id: string }>,
  );
  const running = sync?.status === "pending" || sync?.status === "running";

  // While a sync runs, refresh its progress.
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 1500);
    return () => clearInterval(t);
  }, [running, revalidator]);

  useEffect(() => {
    if (bulk.state === "idle" && bulk.data && "message" in bulk.data) {
      shopify.toast.show(bulk.data.message);
      clearSelection();
    }
  }, [bulk.state, bulk.data]);
  useEffect(() => {
    if (syncFetcher.state === "idle" && syncFetcher.data && "message" in syncFetcher.data) shopify.toast.show(syncFetcher.data.message);
  }, [syncFetcher.state, syncFetcher.data, shopify]);

  const update = useCallback(
    (changes: Record<string, string | null>) => {
      const next = new URLSearchParams(params);
      for (const [k, v] of Object.entries(changes)) {
        if (v) next.set(k, v);
        else next.delete(k);
      }
      next.delete("after");
      setParams(next, { replace: true });
    },
    [params, setParams],
  );

  useEffect(() => {
    if (query === filters.query) return;
    const t = setTimeout(() => update({ q: query }), 300);
    return () => clearTimeout(t);
  }, [query, filters.query, update]);
  useEffect(() => {
    if (type === filters.productType) return;
    const t = setTimeout(() => update({ type }), 400);
    return () => clearTimeout(t);
  }, [type, filters.productType, update]);

  const setGiftable = (giftable: boolean) => {
    const form = new FormData();
    form.set("intent", "giftable");
    form.set("giftable", String(giftable));
    for (const id of allResourcesSelected ? page.items.map((p) => p.id) : selectedResources) form.append("id", id);
    bulk.submit(form, { method: "post" });
  };

  const applied = [
    filters.giftable && { key: "giftable", label: filters.giftable === "yes" ? "Giftable" : "Not giftable", onRemove: () => update({ giftable: null }) },
    filters.inStock && { key: "stock", label: filters.inStock === "yes" ? "In stock" : "Out of stock", onRemove: () => update({ stock: null }) },
    filters.productType && { key: "type", label: `Type: ${filters.productType}`, onRemove: () => (setType(""), update({ type: null })) },
  ].filter(Boolean) as Array<{ key: string; label: string; onRemove: () => void }>;
  const filtered = applied.length > 0 || filters.query !== "";

  const syncNow = {
    content: running ? "Syncing…" : "Sync now",
    loading: syncFetcher.state !== "idle",
    disabled: running,
    onAction: () => syncFetcher.submit({ intent: "sync" }, { method: "post" }),
  };

  if (!filtered && page.total === 0) {
    return (
      <Page title="Catalog" primaryAction={syncNow}>
        <Layout>
          <Layout.Section>
            <SyncCard sync={sync} />
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
          <SyncCard sync={sync} />
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <IndexFilters
              queryValue={query}
              queryPlaceholder="Search products"
              onQueryChange={setQuery}
              onQueryClear={() => setQuery("")}
              tabs={[]}
              selected={0}
              canCreateNewView={false}
              filters={[
                {
                  key: "giftable",
                  label: "Giftable",
                  pinned: true,
                  filter: (
                    <ChoiceList
                      title="Giftable"
                      titleHidden
                      choices={[
                        { label: "Giftable", value: "yes" },
                        { label: "Not giftable", value: "no" },
                      ]}
                      selected={filters.giftable ? [filters.giftable] : []}
                      onChange={(v) => update({ giftable: v[0] ?? null })}
                    />
                  ),
                },
                {
                  key: "stock",
                  label: "Stock",
                  pinned: true,
                  filter: (
                    <ChoiceList
                      title="Stock"
                      titleHidden
                      choices={[
                        { label: "In stock", value: "yes" },
                        { label: "Out of stock", value: "no" },
                      ]}
                      selected={filters.inStock ? [filters.inStock] : []}
                      onChange={(v) => update({ stock: v[0] ?? null })}
                    />
                  ),
                },
                {
                  key: "type",
                  label: "Product type",
                  pinned: true,
                  filter: <TextField label="Product type" labelHidden autoComplete="off" value={type} onChange={setType} placeholder="e.g. Apparel" />,
                },
              ]}
              appliedFilters={applied}
              onClearAll={() => {
                setQuery("");
                setType("");
                setParams(new URLSearchParams(), { replace: true });
              }}
              mode={mode}
              setMode={setMode}
              loading={navigation.state === "loading" || bulk.state !== "idle"}
            />
            <IndexTable
              resourceName={{ singular: "product", plural: "products" }}
              itemCount={page.items.length}
              selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
              onSelectionChange={handleSelectionChange}
              promotedBulkActions={[
                { content: "Make giftable", onAction: () => setGiftable(true) },
                { content: "Make not giftable", onAction: () => setGiftable(false) },
              ]}
              headings={[
                { title: "", hidden: true },
                { title: "Product" },
                { title: "Gifting" },
                { title: "Inventory" },
                { title: "Type" },
                { title: "Price", alignment: "end" },
              ]}
              pagination={{
                hasPrevious,
                hasNext: Boolean(page.nextCursor),
                onPrevious: () => {
                  const next = new URLSearchParams(params);
                  next.delete("after");
                  setParams(next);
                },
                onNext: () => {
                  const next = new URLSearchParams(params);
                  next.set("after", page.nextCursor!);
                  setParams(next);
                },
                label: `${page.total.toLocaleString("en")} products`,
              }}
              emptyState={
                <Empty heading="No products match">
                  <p>Try another search or remove a filter.</p>
                </Empty>
              }
            >
              {page.items.map((p, i) => (
                <IndexTable.Row id={p.id} key={p.id} position={i} selected={selectedResources.includes(p.id)}>
                  <IndexTable.Cell>
                    <Thumbnail source={p.imageUrl ?? ImageIcon} alt={p.title} size="small" />
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <BlockStack gap="050">
                      <Text as="span" fontWeight="semibold">
                        {p.title}
                      </Text>
                      <Text as="span" tone="subdued" variant="bodySm">
                        {p.brand ? `${p.brand} · ` : ""}
                        {plural(p.variantCount, "variant")}
                      </Text>
                    </BlockStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{p.giftable ? <Badge tone="success">Giftable</Badge> : <Badge>Not giftable</Badge>}</IndexTable.Cell>
                  <IndexTable.Cell>
                    {p.inStock ? (
                      <Text as="span">{p.stock > 0 ? `${p.stock.toLocaleString("en")} in stock` : "Not tracked"}</Text>
                    ) : (
                      <Text as="span" tone="critical">
                        Out of stock
                      </Text>
                    )}
                  </IndexTable.Cell>
                  <IndexTable.Cell>{p.productType || "—"}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {p.minPrice === null || !p.currency
                        ? "—"
                        : p.minPrice === p.maxPrice
                          ? formatMoney(p.minPrice, p.currency)
                          : `${formatMoney(p.minPrice, p.currency)} – ${formatMoney(p.maxPrice ?? p.minPrice, p.currency)}`}
                    </Text>
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
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
