import { useFetcher } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { useIndexResourceState } from "@shopify/polaris";
import { useEffect } from "react";
import type { CatalogAction, CatalogProduct, FilterValues } from "./catalog-data.ts";

/**
 * The table's selection and its bulk action, making products giftable or not: the ticked
 * products, or with "Select all" every product matching the page's filters. The outcome
 * shows as a toast and clears the selection.
 */
export function useBulkGiftable(items: CatalogProduct[], filters: FilterValues) {
  const shopify = useAppBridge();
  const bulk = useFetcher<CatalogAction>();
  const selection = useIndexResourceState(items as unknown as Array<{ [key: string]: unknown; id: string }>);
  const { selectedResources, allResourcesSelected, clearSelection } = selection;

  useEffect(() => {
    if (bulk.state === "idle" && bulk.data && "message" in bulk.data) {
      shopify.toast.show(bulk.data.message);
      clearSelection();
    }
  }, [bulk.state, bulk.data]);

  const setGiftable = (giftable: boolean) => {
    const form = new FormData();
    form.set("intent", "giftable");
    form.set("giftable", String(giftable));
    if (allResourcesSelected) {
      // "Select all N products": the server applies the filters, not the ids of this page.
      form.set("scope", "all");
      form.set("q", filters.query);
      form.set("type", filters.productType);
      form.set("stock", filters.inStock);
      form.set("filterGiftable", filters.giftable);
    } else {
      for (const id of selectedResources) form.append("id", id);
    }
    bulk.submit(form, { method: "post" });
  };

  return { selection, setGiftable, busy: bulk.state !== "idle" };
}

export type BulkGiftable = ReturnType<typeof useBulkGiftable>;
