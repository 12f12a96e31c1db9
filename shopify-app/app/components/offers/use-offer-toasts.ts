import { useSearchParams } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { useEffect } from "react";

/** Toasts for a save or status change, and for an offer just created (the `saved=created` its redirect adds, then removed from the URL). */
export function useOfferToasts(result: { ok?: boolean; message?: string } | undefined) {
  const shopify = useAppBridge();
  const [params, setParams] = useSearchParams();
  useEffect(() => {
    if (result?.ok && result.message) shopify.toast.show(result.message);
  }, [result, shopify]);
  useEffect(() => {
    if (params.get("saved") === "created") {
      shopify.toast.show("Offer created");
      setParams((p) => (p.delete("saved"), p), { replace: true });
    }
  }, [params, setParams, shopify]);
}
