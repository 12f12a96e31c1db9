import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate, useNavigation, useSearchParams } from "@remix-run/react";
import {
  Badge,
  Banner,
  Button,
  Card,
  ChoiceList,
  IndexFilters,
  IndexTable,
  InlineStack,
  Layout,
  Page,
  Text,
  useSetIndexFiltersMode,
} from "@shopify/polaris";
import { useCallback, useEffect, useState } from "react";
import { requireVendor } from "../context.server.ts";
import { listVendorOrders } from "../../../core/src/vendors/vendor-orders.ts";
import { requestManifest } from "../../../core/src/fulfillment/manifests/manifests.service.ts";
import { RouteErrorBoundary } from "../components/route-states.tsx";
import { Empty } from "../components/empty.tsx";
import { STATUS_FILTERS, statusesFor, UNIT_STATUS_LABELS } from "../components/unit-status.tsx";
import { formatDate, formatMoney, plural } from "../lib/format.ts";

export const meta: MetaFunction = () => [{ title: "Gift orders · Giftloop" }];

export const loader = async (args: LoaderFunctionArgs) => {
  const { deps, vendorId } = await requireVendor(args);
  const url = new URL(args.request.url);
  const stages = url.searchParams.getAll("stage");
  const query = url.searchParams.get("q") ?? "";
  const page = Number(url.searchParams.get("page") ?? "1") || 1;
  const result = await listVendorOrders(deps, vendorId, { statuses: statusesFor(stages), query, page, pageSize: 25 });
  return { ...result, stages, query, filtered: stages.length > 0 || query !== "" };
};

/** The page's one action: ask for a packing manifest of every gift waiting to be packed (built by a job). */
export const action = async (args: ActionFunctionArgs) => {
  const { deps, vendorId, actor } = await requireVendor(args);
  const form = await args.request.formData();
  if (form.get("intent") !== "manifest") return Response.json({ error: "unknown action" }, { status: 400 });
  const manifest = await requestManifest(deps, vendorId, {}, { actor });
  return { manifestId: manifest.id };
};

export default function Orders() {
  const data = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const [params, setParams] = useSearchParams();
  const { mode, setMode } = useSetIndexFiltersMode();
  const [query, setQuery] = useState(data.query);
  const manifest = usePackingManifest();

  // Search as you type, without a request per key stroke.
  useEffect(() => {
    if (query === data.query) return;
    const t = setTimeout(() => {
      const next = new URLSearchParams(params);
      if (query) next.set("q", query);
      else next.delete("q");
      next.delete("page");
      setParams(next, { replace: true });
    }, 300);
    return () => clearTimeout(t);
  }, [query, data.query, params, setParams]);

  const setStages = useCallback(
    (values: string[]) => {
      const next = new URLSearchParams(params);
      next.delete("stage");
      for (const v of values) next.append("stage", v);
      next.delete("page");
      setParams(next, { replace: true });
    },
    [params, setParams],
  );

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

  const rows = data.rows.map((o, i) => (
    <IndexTable.Row id={o.id} key={o.id} position={i} onClick={() => navigate(`/app/orders/${o.id}`)}>
      <IndexTable.Cell>
        <Text as="span" variant="bodyMd" fontWeight="semibold">
          #{o.id.slice(0, 8).toUpperCase()}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>{formatDate(o.createdAt)}</IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span">{o.buyerName}</Text>
        {o.buyerReference ? (
          <Text as="span" tone="subdued">
            {" "}
            · {o.buyerReference}
          </Text>
        ) : null}
      </IndexTable.Cell>
      <IndexTable.Cell>{plural(o.units, "gift")}</IndexTable.Cell>
      <IndexTable.Cell>
        <InlineStack gap="100">
          {Object.entries(o.statusCounts).map(([status, n]) => (
            <Badge key={status} tone={UNIT_STATUS_LABELS[status as keyof typeof UNIT_STATUS_LABELS].tone}>
              {`${n} ${UNIT_STATUS_LABELS[status as keyof typeof UNIT_STATUS_LABELS].label.toLowerCase()}`}
            </Badge>
          ))}
        </InlineStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {formatMoney(o.amount, o.currency)}
        </Text>
      </IndexTable.Cell>
    </IndexTable.Row>
  ));

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
            <IndexFilters
              queryValue={query}
              queryPlaceholder="Search recipients, buyers or references"
              onQueryChange={setQuery}
              onQueryClear={() => setQuery("")}
              tabs={[]}
              selected={0}
              canCreateNewView={false}
              filters={[
                {
                  key: "stage",
                  label: "Gift status",
                  filter: (
                    <ChoiceList
                      title="Gift status"
                      titleHidden
                      allowMultiple
                      choices={STATUS_FILTERS.map((f) => ({ label: f.label, value: f.value }))}
                      selected={data.stages}
                      onChange={setStages}
                    />
                  ),
                  pinned: true,
                },
              ]}
              appliedFilters={
                data.stages.length
                  ? [
                      {
                        key: "stage",
                        label: `Gift status: ${STATUS_FILTERS.filter((f) => data.stages.includes(f.value)).map((f) => f.label).join(", ")}`,
                        onRemove: () => setStages([]),
                      },
                    ]
                  : []
              }
              onClearAll={() => {
                setQuery("");
                setStages([]);
              }}
              mode={mode}
              setMode={setMode}
              loading={navigation.state === "loading"}
            />
            <IndexTable
              resourceName={{ singular: "order", plural: "orders" }}
              itemCount={data.rows.length}
              selectable={false}
              headings={[
                { title: "Order" },
                { title: "Date" },
                { title: "Buyer" },
                { title: "Gifts" },
                { title: "Status" },
                { title: "Your share", alignment: "end" },
              ]}
              pagination={{
                hasPrevious: data.page > 1,
                hasNext: data.hasNext,
                onPrevious: () => {
                  const next = new URLSearchParams(params);
                  next.set("page", String(data.page - 1));
                  setParams(next);
                },
                onNext: () => {
                  const next = new URLSearchParams(params);
                  next.set("page", String(data.page + 1));
                  setParams(next);
                },
              }}
              emptyState={
                <Empty heading="No orders match">
                  <p>Try another search or remove a filter.</p>
                </Empty>
              }
            >
              {rows}
            </IndexTable>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

type ManifestStatus = { status: "pending" | "ready" | "failed" | "deleted"; units: number | null; pages: number | null; truncated: boolean; downloadUrl: string | null };

/**
 * The packing manifest flow: POST this route's action, then poll the manifest's status route
 * (`/app/orders/manifest/<id>`) until the job has built it, then offer its expiring link.
 */
function usePackingManifest() {
  const create = useFetcher<typeof action>();
  const status = useFetcher<ManifestStatus>();
  const [dismissed, setDismissed] = useState<string | null>(null);
  const created = create.data && "manifestId" in create.data ? create.data.manifestId : null;
  const id = created && created !== dismissed ? created : null;
  const current = status.data;
  const { load } = status;
  useEffect(() => {
    if (!id || current?.status === "ready" || current?.status === "failed") return;
    const t = setTimeout(() => load(`/app/orders/manifest/${id}`), current ? 1000 : 300);
    return () => clearTimeout(t);
  }, [id, current, load, status.state]);
  return {
    busy: create.state !== "idle" || (id !== null && current?.status !== "ready" && current?.status !== "failed"),
    state: id ? (current ?? { status: "pending", units: null, pages: null, truncated: false, downloadUrl: null }) : null,
    request: () => {
      setDismissed(null);
      create.submit({ intent: "manifest" }, { method: "post" });
    },
    dismiss: () => setDismissed(id),
  };
}

function PackingManifestBanner({ state, onDismiss }: { state: ManifestStatus; onDismiss: () => void }) {
  if (state.status === "ready" && state.downloadUrl) {
    return (
      <Banner tone="success" title="Packing manifest ready" onDismiss={onDismiss}>
        <p>
          {plural(state.units ?? 0, "gift")} to pack on {plural(state.pages ?? 0, "page")}
          {state.truncated ? " (the first 1,000; ask again after packing these)" : ""}. The link works for 10 minutes.
        </p>
        <Button url={state.downloadUrl} target="_blank" variant="primary">
          Download PDF
        </Button>
      </Banner>
    );
  }
  if (state.status === "failed" || state.status === "deleted") {
    return (
      <Banner tone="critical" title="The packing manifest could not be built" onDismiss={onDismiss}>
        <p>Please try again.</p>
      </Banner>
    );
  }
  return <Banner tone="info" title="Preparing the packing manifest…">Every redeemed gift that has not shipped yet, with a QR code per gift.</Banner>;
}

export function ErrorBoundary() {
  return <RouteErrorBoundary title="Orders could not be loaded" />;
}
