import { useFetcher, useRevalidator } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { useEffect } from "react";
import type { CatalogAction, CatalogData } from "./catalog-data.ts";

/**
 * The catalog sync as the page drives it: the page refreshes while a sync runs, "Sync now"
 * (the page's primary action) starts one, and its outcome shows as a toast.
 */
export function useCatalogSync(sync: CatalogData["sync"], connectionBroken: boolean) {
  const revalidator = useRevalidator();
  const shopify = useAppBridge();
  const syncFetcher = useFetcher<CatalogAction>();
  const running = !connectionBroken && (sync?.status === "pending" || sync?.status === "running");

  // While a sync runs, refresh its progress.
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 1500);
    return () => clearInterval(t);
  }, [running, revalidator]);

  useEffect(() => {
    const d = syncFetcher.data;
    if (syncFetcher.state === "idle" && d && "message" in d) shopify.toast.show(d.message, { isError: "isError" in d && Boolean(d.isError) });
  }, [syncFetcher.state, syncFetcher.data, shopify]);

  const syncNow = {
    content: running ? "Syncing…" : "Sync now",
    loading: syncFetcher.state !== "idle",
    disabled: running || connectionBroken,
    onAction: () => syncFetcher.submit({ intent: "sync" }, { method: "post" }),
  };
  return { running, syncNow };
}
