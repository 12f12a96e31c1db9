import { useSearchParams } from "@remix-run/react";
import { useSetIndexFiltersMode } from "@shopify/polaris";
import { useCallback, useEffect, useState } from "react";
import type { FilterValues } from "./catalog-data.ts";

export interface AppliedFilter {
  key: string;
  label: string;
  onRemove: () => void;
}

/**
 * The search box and filters, kept in the page's URL: typing updates the URL after a pause
 * (not a request per key stroke), and any change goes back to the first page.
 */
export function useCatalogFilters(filters: FilterValues) {
  const [params, setParams] = useSearchParams();
  const { mode, setMode } = useSetIndexFiltersMode();
  const [query, setQuery] = useState(filters.query);
  const [type, setType] = useState(filters.productType);

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

  const applied = [
    filters.giftable && { key: "giftable", label: filters.giftable === "yes" ? "Giftable" : "Not giftable", onRemove: () => update({ giftable: null }) },
    filters.inStock && { key: "stock", label: filters.inStock === "yes" ? "In stock" : "Out of stock", onRemove: () => update({ stock: null }) },
    filters.productType && { key: "type", label: `Type: ${filters.productType}`, onRemove: () => (setType(""), update({ type: null })) },
  ].filter(Boolean) as AppliedFilter[];
  const filtered = applied.length > 0 || filters.query !== "";

  const clearAll = () => {
    setQuery("");
    setType("");
    setParams(new URLSearchParams(), { replace: true });
  };

  return { mode, setMode, query, setQuery, type, setType, update, applied, filtered, clearAll };
}

export type CatalogSearch = ReturnType<typeof useCatalogFilters>;
