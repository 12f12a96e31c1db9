import { useSearchParams } from "@remix-run/react";
import { useSetIndexFiltersMode } from "@shopify/polaris";
import { useCallback, useEffect, useState } from "react";

/**
 * The search box and gift status filter, kept in the page's URL: typing updates the URL after
 * a pause (not a request per key stroke), and any change goes back to the first page.
 */
export function useOrdersFilters(applied: { query: string }) {
  const [params, setParams] = useSearchParams();
  const { mode, setMode } = useSetIndexFiltersMode();
  const [query, setQuery] = useState(applied.query);

  // Search as you type, without a request per key stroke.
  useEffect(() => {
    if (query === applied.query) return;
    const t = setTimeout(() => {
      const next = new URLSearchParams(params);
      if (query) next.set("q", query);
      else next.delete("q");
      next.delete("page");
      setParams(next, { replace: true });
    }, 300);
    return () => clearTimeout(t);
  }, [query, applied.query, params, setParams]);

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

  const clearAll = () => {
    setQuery("");
    setStages([]);
  };

  return { mode, setMode, query, setQuery, setStages, clearAll };
}

export type OrdersSearch = ReturnType<typeof useOrdersFilters>;
