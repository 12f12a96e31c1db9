import { ChoiceList, IndexFilters, TextField } from "@shopify/polaris";
import type { FilterValues } from "./catalog-data.ts";
import type { CatalogSearch } from "./use-catalog-filters.ts";

/** The search box and the giftable, stock and product type filters above the products table. */
export function CatalogFilterBar({ filters, search, loading }: { filters: FilterValues; search: CatalogSearch; loading: boolean }) {
  const { update } = search;
  return (
    <IndexFilters
      queryValue={search.query}
      queryPlaceholder="Search products"
      onQueryChange={search.setQuery}
      onQueryClear={() => search.setQuery("")}
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
          filter: <TextField label="Product type" labelHidden autoComplete="off" value={search.type} onChange={search.setType} placeholder="e.g. Apparel" />,
        },
      ]}
      appliedFilters={search.applied}
      onClearAll={search.clearAll}
      mode={search.mode}
      setMode={search.setMode}
      loading={loading}
    />
  );
}
