import { useFetcher } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { useEffect, useRef, type Dispatch, type SetStateAction } from "react";
import type { action as catalogAction } from "../../routes/app.catalog.tsx";
import type { PickedProduct } from "../offer-products.tsx";
import type { Fields } from "./offer-form-state.ts";

/** Makes a picked product giftable from the offer form (through the Catalog page's action) and marks it so in the form. */
export function useMakeGiftable(setF: Dispatch<SetStateAction<Fields>>) {
  const shopify = useAppBridge();
  const giftable = useFetcher<typeof catalogAction>();
  const makingGiftable = useRef<string | null>(null);
  useEffect(() => {
    const d = giftable.data;
    const id = makingGiftable.current;
    if (giftable.state !== "idle" || !d || !("message" in d) || !id) return;
    makingGiftable.current = null;
    shopify.toast.show(d.message);
    setF((prev) => ({ ...prev, items: prev.items.map((p) => (p.id === id ? { ...p, giftable: true } : p)) }));
  }, [giftable.state, giftable.data, shopify]);

  const makeGiftable = (p: PickedProduct) => {
    makingGiftable.current = p.id;
    giftable.submit({ intent: "giftable", giftable: "true", id: p.id }, { method: "post", action: "/app/catalog" });
  };
  return { makeGiftable, busy: giftable.state !== "idle" };
}
