import { ChoiceList, IndexFilters } from "@shopify/polaris";
import { STATUS_FILTERS } from "../unit-status.tsx";
import type { OrdersSearch } from "./use-orders-filters.ts";

/** The search box and the gift status filter above the orders table. */
export function OrdersFilterBar({ stages, search, loading }: { stages: string[]; search: OrdersSearch; loading: boolean }) {
  return (
    <IndexFilters
      queryValue={search.query}
      queryPlaceholder="Search recipients, buyers or references"
      onQueryChange={search.setQuery}
      onQueryClear={() => search.setQuery("")}
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
              selected={stages}
              onChange={search.setStages}
            />
          ),
          pinned: true,
        },
      ]}
      appliedFilters={
        stages.length
          ? [
              {
                key: "stage",
                label: `Gift status: ${STATUS_FILTERS.filter((f) => stages.includes(f.value)).map((f) => f.label).join(", ")}`,
                onRemove: () => search.setStages([]),
              },
            ]
          : []
      }
      onClearAll={search.clearAll}
      mode={search.mode}
      setMode={search.setMode}
      loading={loading}
    />
  );
}
