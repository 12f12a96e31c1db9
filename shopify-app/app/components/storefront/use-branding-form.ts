import { useFetcher } from "@remix-run/react";
import { useState } from "react";
import type { StorefrontAction, StorefrontData } from "./storefront-data.ts";
import { useToastOnSuccess } from "./use-toast-on-success.ts";

/**
 * The storefront's branding and the offers it shows, as edited on the page (the live preview
 * follows them), saved together by the page's Save action. A storefront not created yet
 * starts from the brand's name and shop, with its active offers shown.
 */
export function useBrandingForm(d: StorefrontData) {
  const sf = d.storefront;
  const fetcher = useFetcher<StorefrontAction>();
  const [name, setName] = useState(sf?.name ?? d.defaults.name);
  const [slug, setSlug] = useState(sf?.slug ?? d.defaults.slug);
  const [primaryColor, setPrimary] = useState(sf?.primaryColor ?? "#1a1a1a");
  const [accentColor, setAccent] = useState(sf?.accentColor ?? "#008060");
  const [welcomeText, setWelcome] = useState(sf?.welcomeText ?? "");
  const [active, setActive] = useState(sf?.active ?? true);
  const [shown, setShown] = useState<string[]>(sf ? sf.offers.map((o) => o.offerId) : d.offers.filter((o) => o.status === "active").map((o) => o.id));
  useToastOnSuccess(fetcher);

  const save = () => {
    const form = new FormData();
    form.set("intent", "branding");
    form.set("name", name);
    form.set("slug", slug);
    form.set("primaryColor", primaryColor);
    form.set("accentColor", accentColor);
    form.set("welcomeText", welcomeText);
    if (active) form.set("active", "on");
    for (const id of shown) form.append("offerId", id);
    fetcher.submit(form, { method: "post" });
  };

  return {
    fetcher,
    errors: fetcher.data && !fetcher.data.ok ? fetcher.data.errors : {},
    save,
    name,
    setName,
    slug,
    setSlug,
    primaryColor,
    setPrimary,
    accentColor,
    setAccent,
    welcomeText,
    setWelcome,
    active,
    setActive,
    shown,
    setShown,
  };
}

export type BrandingForm = ReturnType<typeof useBrandingForm>;
