import { useAppBridge } from "@shopify/app-bridge-react";
import { useEffect } from "react";

/** Shows a fetcher's success message as a toast once it is done (failures show beside their fields). */
export function useToastOnSuccess(f: { state: string; data?: { ok: boolean; message: string } }) {
  const shopify = useAppBridge();
  useEffect(() => {
    if (f.state === "idle" && f.data?.ok) shopify.toast.show(f.data.message);
  }, [f.state, f.data, shopify]);
}
