import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Layout, Page } from "@shopify/polaris";
import { requireVendor } from "../context.server.ts";
import {
  getVendorStorefront,
  listShippingRules,
  LOGO_CONTENT_TYPES,
  LOGO_MAX_BYTES,
  saveStorefront,
  setShippingRules,
  setStorefrontLogo,
  ShippingRulesInput,
  StorefrontInput,
} from "@giftloop/core/storefronts/vendor-storefront";
import { listOffers } from "@giftloop/core/offers/offer-view";
import type { Refusal } from "@giftloop/core/platform/use-case";
import { RouteErrorBoundary } from "../components/route-states.tsx";
import { BrandingCard } from "../components/storefront/branding-card.tsx";
import { LogoCard } from "../components/storefront/logo-card.tsx";
import { OffersCard } from "../components/storefront/offers-card.tsx";
import { ShippingCard } from "../components/storefront/shipping-card.tsx";
import { StorefrontPreview } from "../components/storefront/storefront-preview.tsx";
import { useBrandingForm } from "../components/storefront/use-branding-form.ts";
import { useLogoUpload } from "../components/storefront/use-logo-upload.ts";
import { useShippingRules } from "../components/storefront/use-shipping-rules.ts";
import { parseMoneyInput } from "../lib/format.ts";

export const meta: MetaFunction = () => [{ title: "Storefront · Giftloop" }];

export const loader = async (args: LoaderFunctionArgs) => {
  const { deps, vendorName, currency, shop, ctx } = await requireVendor(args);
  const [storefront, rules, offers] = await Promise.all([
    getVendorStorefront(ctx),
    listShippingRules(ctx),
    listOffers(ctx),
  ]);
  return {
    storefront,
    rules,
    offers: offers.map((o) => ({ id: o.id, name: o.name, status: o.status, price: o.price })),
    currency,
    defaults: { name: `${vendorName} Gifts`, slug: shop.replace(/\.myshopify\.com$/, "").slice(0, 50) },
    logoUrl: storefront?.hasLogo ? `/v1/storefronts/${storefront.slug}/logo?v=${Date.now()}` : null,
    publicUrl: storefront ? `${deps.config.publicUrl}/buy/${storefront.slug}` : null,
    logoRules: { types: LOGO_CONTENT_TYPES, maxMb: Math.floor(LOGO_MAX_BYTES / 1024 / 1024) },
  };
};

type Errors = Record<string, string>;
type Result = { intent: string; ok: boolean; message: string; errors: Errors };

function zodErrors(issues: Array<{ path: PropertyKey[]; message: string }>): Errors {
  const errors: Errors = {};
  for (const i of issues) errors[i.path.map(String).join(".")] ??= i.message;
  return errors;
}

export const action = async (args: ActionFunctionArgs): Promise<Result> => {
  const { deps, currency, ctx } = await requireVendor(args);
  const form = await args.request.formData();
  const intent = String(form.get("intent"));
  if (intent === "branding") {
    const current = await getVendorStorefront(ctx);
    const shown = new Set(form.getAll("offerId").map(String));
    // Keep the storefront's own prices for offers that stay; add newly ticked ones at the end.
    const kept = (current?.offers ?? []).filter((o) => shown.has(o.offerId)).map((o) => ({ offerId: o.offerId, priceOverrideAmount: o.priceOverrideAmount }));
    const added = [...shown].filter((id) => !kept.some((k) => k.offerId === id)).map((offerId) => ({ offerId, priceOverrideAmount: null }));
    const parsed = StorefrontInput.safeParse({
      name: form.get("name"),
      slug: form.get("slug"),
      primaryColor: form.get("primaryColor"),
      accentColor: form.get("accentColor"),
      welcomeText: form.get("welcomeText") ?? "",
      active: form.get("active") === "on",
      offers: [...kept, ...added],
    });
    if (!parsed.success) return { intent, ok: false, message: "Fix the highlighted fields.", errors: zodErrors(parsed.error.issues) };
    const saved = await saveStorefront(ctx, parsed.data);
    return saved.ok ? { intent, ok: true, message: "Storefront saved", errors: {} } : refused(intent, saved);
  }
  if (intent === "logo") {
    const file = form.get("logo");
    if (!(file instanceof File) || file.size === 0) return { intent, ok: false, message: "Choose an image file.", errors: {} };
    const stored = await setStorefrontLogo(ctx, deps.storage, { bytes: Buffer.from(await file.arrayBuffer()), contentType: file.type });
    return stored.ok ? { intent, ok: true, message: "Logo uploaded", errors: {} } : refused(intent, stored);
  }
  if (intent === "shipping") {
    const countries = form.getAll("country").map(String);
    const rates = form.getAll("rate").map(String);
    const errors: Errors = {};
    const rules = countries.map((country, i) => {
      const minor = parseMoneyInput(rates[i] ?? "", currency);
      if (minor === null) errors[`rules.${i}.rateAmount`] = "Enter a rate, like 8.00 (0 for free)";
      return { country, rateAmount: minor ?? 0 };
    });
    const parsed = ShippingRulesInput.safeParse({ rules });
    if (!parsed.success) Object.assign(errors, zodErrors(parsed.error.issues));
    if (Object.keys(errors).length || !parsed.success) return { intent, ok: false, message: "Fix the highlighted rates.", errors };
    const set = await setShippingRules(ctx, parsed.data.rules);
    return set.ok ? { intent, ok: true, message: "Shipping rates saved", errors: {} } : refused(intent, set);
  }
  return { intent, ok: false, message: "Unknown action", errors: {} };
};

/** A use case's refusal as the form shows it: beside each field, and as the card's message. */
function refused(intent: string, r: Refusal): Result {
  const errors: Errors = {};
  for (const e of r.errors ?? []) errors[e.path] ??= e.message;
  return { intent, ok: false, message: r.detail, errors };
}

export default function Storefront() {
  const d = useLoaderData<typeof loader>();
  const sf = d.storefront;
  const branding = useBrandingForm(d);
  const logo = useLogoUpload(d.logoRules.maxMb);
  const shipping = useShippingRules(d.rules, d.currency);
  const offersOnSale = d.offers.filter((o) => branding.shown.includes(o.id));

  return (
    <Page
      title="Storefront"
      subtitle="Your branded gifting site for corporate buyers and their recipients"
      primaryAction={{ content: "Save", onAction: branding.save, loading: branding.fetcher.state !== "idle" }}
      secondaryActions={d.publicUrl && sf?.active ? [{ content: "View storefront", url: d.publicUrl, target: "_blank" }] : []}
    >
      <Layout>
        {branding.fetcher.data && !branding.fetcher.data.ok ? (
          <Layout.Section>
            <Banner tone="critical" title="The storefront was not saved">
              <p>{branding.fetcher.data.message}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            <BrandingCard form={branding} />
            <LogoCard saved={Boolean(sf)} logoUrl={d.logoUrl} rules={d.logoRules} upload={logo} />
            <OffersCard offers={d.offers} shown={branding.shown} onChange={branding.setShown} />
            <div id="shipping">
              <ShippingCard shipping={shipping} currency={d.currency} />
            </div>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <StorefrontPreview
            name={branding.name}
            welcomeText={branding.welcomeText}
            primaryColor={branding.primaryColor}
            accentColor={branding.accentColor}
            logoUrl={d.logoUrl}
            offers={offersOnSale}
            rules={shipping.rules}
            currency={d.currency}
          />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBoundary title="Storefront could not be loaded" />;
}
