import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  DropZone,
  FormLayout,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
  Thumbnail,
} from "@shopify/polaris";
import { DeleteIcon, ImageIcon } from "@shopify/polaris-icons";
import { useEffect, useState } from "react";
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
} from "../../../core/src/storefronts/vendor-storefront.ts";
import { listOffers } from "../../../core/src/offers/offer-view.ts";
import { RouteErrorBoundary } from "../components/route-states.tsx";
import { COUNTRIES, countryName } from "../lib/countries.ts";
import { currencySymbol, formatMoney, moneyInputValue, parseMoneyInput } from "../lib/format.ts";

export const meta: MetaFunction = () => [{ title: "Storefront · Giftloop" }];

export const loader = async (args: LoaderFunctionArgs) => {
  const { deps, vendorId, vendorName, currency, shop } = await requireVendor(args);
  const [storefront, rules, offers] = await Promise.all([
    getVendorStorefront(deps.db, vendorId),
    listShippingRules(deps.db, vendorId),
    listOffers(deps.db, vendorId),
  ]);
  return {
    storefront,
    rules,
    offers: offers.map((o) => ({ id: o.id, name: o.name, status: o.status, price: o.price })),
    currency,
    defaults: { name: `${vendorName} Gifts`, slug: shop.replace(/\.myshopify\.com$/, "").slice(0, 50) },
    logoUrl: storefront?.hasLogo ? `/v1/storefronts/${storefront.slug}/logo?v=${Date.now()}` : null,
    publicUrl: storefront ? `${deps.config.publicUrl}/v1/storefronts/${storefront.slug}` : null,
    logoRules: { types: LOGO_CONTENT_TYPES, maxMb: Math.floor(LOGO_MAX_BYTES / 1024 / 1024) },
  };
};

type Errors = Record<string, string>;
type Result = { intent: string; ok: boolean; message: string; errors: Errors };

function problemOf(err: unknown): { status: number; detail?: string; errors?: Array<{ path: string; message: string }> } | null {
  return err instanceof Error && err.name === "ProblemError" ? (err as never) : null;
}

function zodErrors(issues: Array<{ path: PropertyKey[]; message: string }>): Errors {
  const errors: Errors = {};
  for (const i of issues) errors[i.path.map(String).join(".")] ??= i.message;
  return errors;
}

export const action = async (args: ActionFunctionArgs): Promise<Result> => {
  const { deps, vendorId, currency } = await requireVendor(args);
  const form = await args.request.formData();
  const intent = String(form.get("intent"));
  try {
    if (intent === "branding") {
      const current = await getVendorStorefront(deps.db, vendorId);
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
      await saveStorefront(deps.db, vendorId, parsed.data);
      return { intent, ok: true, message: "Storefront saved", errors: {} };
    }
    if (intent === "logo") {
      const file = form.get("logo");
      if (!(file instanceof File) || file.size === 0) return { intent, ok: false, message: "Choose an image file.", errors: {} };
      await setStorefrontLogo(deps, vendorId, { bytes: Buffer.from(await file.arrayBuffer()), contentType: file.type });
      return { intent, ok: true, message: "Logo uploaded", errors: {} };
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
      await setShippingRules(deps.db, vendorId, parsed.data.rules);
      return { intent, ok: true, message: "Shipping rates saved", errors: {} };
    }
  } catch (err) {
    const p = problemOf(err);
    if (!p) throw err;
    const errors: Errors = {};
    for (const e of p.errors ?? []) errors[e.path] ??= e.message;
    return { intent, ok: false, message: p.detail ?? "That did not work.", errors };
  }
  return { intent, ok: false, message: "Unknown action", errors: {} };
};

function useToastOnSuccess(f: { state: string; data?: Result }, shopify: ReturnType<typeof useAppBridge>) {
  useEffect(() => {
    if (f.state === "idle" && f.data?.ok) shopify.toast.show(f.data.message);
  }, [f.state, f.data, shopify]);
}

interface Rule {
  key: number;
  country: string;
  rate: string;
}

export default function Storefront() {
  const d = useLoaderData<typeof loader>();
  const shopify = useAppBridge();
  const branding = useFetcher<typeof action>();
  const logo = useFetcher<typeof action>();
  const shipping = useFetcher<typeof action>();
  const sf = d.storefront;

  const [name, setName] = useState(sf?.name ?? d.defaults.name);
  const [slug, setSlug] = useState(sf?.slug ?? d.defaults.slug);
  const [primaryColor, setPrimary] = useState(sf?.primaryColor ?? "#1a1a1a");
  const [accentColor, setAccent] = useState(sf?.accentColor ?? "#008060");
  const [welcomeText, setWelcome] = useState(sf?.welcomeText ?? "");
  const [active, setActive] = useState(sf?.active ?? true);
  const [shown, setShown] = useState<string[]>(sf ? sf.offers.map((o) => o.offerId) : d.offers.filter((o) => o.status === "active").map((o) => o.id));
  const [rules, setRules] = useState<Rule[]>(() => d.rules.map((r, i) => ({ key: i, country: r.country, rate: moneyInputValue(r.rateAmount, d.currency) })));
  const [nextKey, setNextKey] = useState(d.rules.length);

  useToastOnSuccess(branding, shopify);
  useToastOnSuccess(logo, shopify);
  useToastOnSuccess(shipping, shopify);

  const errors = branding.data && !branding.data.ok ? branding.data.errors : {};
  const shipErrors = shipping.data && !shipping.data.ok ? shipping.data.errors : {};
  const saveBranding = () => {
    const form = new FormData();
    form.set("intent", "branding");
    form.set("name", name);
    form.set("slug", slug);
    form.set("primaryColor", primaryColor);
    form.set("accentColor", accentColor);
    form.set("welcomeText", welcomeText);
    if (active) form.set("active", "on");
    for (const id of shown) form.append("offerId", id);
    branding.submit(form, { method: "post" });
  };
  const saveShipping = () => {
    const form = new FormData();
    form.set("intent", "shipping");
    for (const r of rules) {
      form.append("country", r.country);
      form.append("rate", r.rate);
    }
    shipping.submit(form, { method: "post" });
  };
  const uploadLogo = (files: File[]) => {
    const file = files[0];
    if (!file) return;
    const form = new FormData();
    form.set("intent", "logo");
    form.set("logo", file);
    logo.submit(form, { method: "post", encType: "multipart/form-data" });
  };
  const usedCountries = new Set(rules.map((r) => r.country));
  const countryOptions = (current: string) => [
    ...COUNTRIES.filter(([c]) => c === current || !usedCountries.has(c)).map(([value, label]) => ({ value, label })),
    ...(current === "*" || !usedCountries.has("*") ? [{ value: "*", label: "Everywhere else" }] : []),
  ];
  const offersOnSale = d.offers.filter((o) => shown.includes(o.id));

  return (
    <Page
      title="Storefront"
      subtitle="Your branded gifting site for corporate buyers and their recipients"
      primaryAction={{ content: "Save", onAction: saveBranding, loading: branding.state !== "idle" }}
      secondaryActions={d.publicUrl && sf?.active ? [{ content: "View storefront", url: d.publicUrl, target: "_blank" }] : []}
    >
      <Layout>
        {branding.data && !branding.data.ok ? (
          <Layout.Section>
            <Banner tone="critical" title="The storefront was not saved">
              <p>{branding.data.message}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Branding
                </Text>
                <FormLayout>
                  <FormLayout.Group>
                    <TextField label="Storefront name" value={name} onChange={setName} autoComplete="off" error={errors.name} maxLength={120} />
                    <TextField
                      label="Address"
                      value={slug}
                      onChange={(v) => setSlug(v.toLowerCase())}
                      autoComplete="off"
                      prefix="/"
                      helpText="Lowercase letters, digits and dashes."
                      error={errors.slug}
                    />
                  </FormLayout.Group>
                  <FormLayout.Group>
                    <ColorField label="Primary colour" value={primaryColor} onChange={setPrimary} error={errors.primaryColor} />
                    <ColorField label="Accent colour" value={accentColor} onChange={setAccent} error={errors.accentColor} />
                  </FormLayout.Group>
                  <TextField
                    label="Welcome text"
                    value={welcomeText}
                    onChange={setWelcome}
                    autoComplete="off"
                    multiline={3}
                    maxLength={2000}
                    showCharacterCount
                    helpText="Greets buyers on your storefront and recipients when they open a gift."
                    error={errors.welcomeText}
                  />
                  <Checkbox label="Storefront is open to buyers" checked={active} onChange={setActive} />
                </FormLayout>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Logo
                </Text>
                {!sf ? (
                  <Text as="p" tone="subdued">
                    Save the storefront first, then add your logo.
                  </Text>
                ) : (
                  <InlineStack gap="400" blockAlign="center" wrap={false}>
                    <Thumbnail source={d.logoUrl ?? ImageIcon} alt="Logo" size="large" />
                    <Box width="100%">
                      <DropZone accept={d.logoRules.types.join(",")} type="image" allowMultiple={false} onDrop={(_all, accepted) => uploadLogo(accepted)} disabled={logo.state !== "idle"}>
                        <DropZone.FileUpload actionTitle={d.logoUrl ? "Replace logo" : "Add logo"} actionHint={`PNG, JPEG or WebP, up to ${d.logoRules.maxMb} MB`} />
                      </DropZone>
                    </Box>
                  </InlineStack>
                )}
                {logo.data && !logo.data.ok ? (
                  <Text as="p" tone="critical">
                    {logo.data.message}
                  </Text>
                ) : null}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Offers on this storefront
                </Text>
                {d.offers.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No gift offers yet. Create one in Gift offers; it can then be shown here.
                  </Text>
                ) : (
                  d.offers.map((o) => (
                    <Checkbox
                      key={o.id}
                      label={`${o.name} · ${formatMoney(o.price.amount, o.price.currency)}`}
                      helpText={o.status === "active" ? undefined : `${o.status[0]!.toUpperCase()}${o.status.slice(1)}: shown once it is active`}
                      checked={shown.includes(o.id)}
                      onChange={(on) => setShown(on ? [...shown, o.id] : shown.filter((x) => x !== o.id))}
                    />
                  ))
                )}
              </BlockStack>
            </Card>
            <div id="shipping">
              <Card>
                <BlockStack gap="300">
                  <InlineStack align="space-between" blockAlign="center">
                    <Text as="h2" variant="headingMd">
                      Shipping rates
                    </Text>
                    <Button onClick={saveShipping} loading={shipping.state !== "idle"}>
                      Save rates
                    </Button>
                  </InlineStack>
                  <Text as="p" tone="subdued">
                    What each gift costs to ship, per recipient, by destination. Recipients in countries without a rate cannot be sent gifts.
                  </Text>
                  {rules.map((r, i) => (
                    <InlineGrid key={r.key} columns="1fr 1fr auto" gap="300" alignItems="end">
                      <Select
                        label="Country"
                        labelHidden={i > 0}
                        options={countryOptions(r.country)}
                        value={r.country}
                        onChange={(v) => setRules(rules.map((x) => (x.key === r.key ? { ...x, country: v } : x)))}
                        error={shipErrors[`rules.${i}.country`]}
                      />
                      <TextField
                        label="Rate per recipient"
                        labelHidden={i > 0}
                        value={r.rate}
                        onChange={(v) => setRules(rules.map((x) => (x.key === r.key ? { ...x, rate: v } : x)))}
                        autoComplete="off"
                        inputMode="decimal"
                        prefix={currencySymbol(d.currency)}
                        error={shipErrors[`rules.${i}.rateAmount`]}
                      />
                      <Button icon={DeleteIcon} accessibilityLabel={`Remove ${countryName(r.country)}`} onClick={() => setRules(rules.filter((x) => x.key !== r.key))} />
                    </InlineGrid>
                  ))}
                  <InlineStack>
                    <Button
                      variant="plain"
                      onClick={() => {
                        const free = COUNTRIES.find(([c]) => !usedCountries.has(c))?.[0] ?? "*";
                        setRules([...rules, { key: nextKey, country: free, rate: moneyInputValue(0, d.currency) }]);
                        setNextKey(nextKey + 1);
                      }}
                    >
                      Add a country
                    </Button>
                  </InlineStack>
                  {shipping.data && !shipping.data.ok ? (
                    <Text as="p" tone="critical">
                      {shipping.data.message}
                    </Text>
                  ) : null}
                </BlockStack>
              </Card>
            </div>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <StorefrontPreview
            name={name}
            welcomeText={welcomeText}
            primaryColor={primaryColor}
            accentColor={accentColor}
            logoUrl={d.logoUrl}
            offers={offersOnSale}
            rules={rules}
            currency={d.currency}
          />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function ColorField({ label, value, onChange, error }: { label: string; value: string; onChange: (v: string) => void; error?: string }) {
  const valid = /^#[0-9a-fA-F]{6}$/.test(value);
  return (
    <TextField
      label={label}
      value={value}
      onChange={onChange}
      autoComplete="off"
      maxLength={7}
      error={error ?? (valid ? undefined : "Use a colour like #1a2b3c")}
      prefix={
        <input
          type="color"
          aria-label={`${label} picker`}
          value={valid ? value : "#000000"}
          onChange={(e) => onChange(e.target.value)}
          style={{ width: 24, height: 24, padding: 0, border: "none", background: "none", cursor: "pointer" }}
        />
      }
    />
  );
}

function readableOn(hex: string): string {
  if (!/^#[0-9a-fA-F]{6}$/.test(hex)) return "#ffffff";
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return 0.299 * r! + 0.587 * g! + 0.114 * b! > 160 ? "#1a1a1a" : "#ffffff";
}

function StorefrontPreview(p: {
  name: string;
  welcomeText: string;
  primaryColor: string;
  accentColor: string;
  logoUrl: string | null;
  offers: Array<{ id: string; name: string; price: { amount: number; currency: string } }>;
  rules: Rule[];
  currency: string;
}) {
  const primary = /^#[0-9a-fA-F]{6}$/.test(p.primaryColor) ? p.primaryColor : "#1a1a1a";
  const accent = /^#[0-9a-fA-F]{6}$/.test(p.accentColor) ? p.accentColor : "#008060";
  return (
    <Card padding="0">
      <Box padding="400" background="bg-surface-secondary">
        <Text as="h2" variant="headingMd">
          Live preview
        </Text>
      </Box>
      <div style={{ background: primary, color: readableOn(primary), padding: "20px 16px", minHeight: 96 }}>
        <div style={{ display: "flex", alignItems: "center", gap: 10 }}>
          {p.logoUrl ? <img src={p.logoUrl} alt="" width={36} height={36} style={{ borderRadius: 6, objectFit: "contain", background: "#fff" }} /> : null}
          <strong style={{ fontSize: 18 }}>{p.name || "Your storefront"}</strong>
        </div>
        <p style={{ margin: "10px 0 0", opacity: 0.9, whiteSpace: "pre-wrap" }}>{p.welcomeText || "Your welcome text appears here."}</p>
      </div>
      <Box padding="400">
        <BlockStack gap="300">
          {p.offers.length === 0 ? (
            <Text as="p" tone="subdued">
              No offers shown yet.
            </Text>
          ) : (
            p.offers.slice(0, 4).map((o) => (
              <InlineStack key={o.id} align="space-between" blockAlign="center">
                <Text as="span">{o.name}</Text>
                <span style={{ background: accent, color: readableOn(accent), borderRadius: 8, padding: "4px 10px", fontWeight: 600, fontSize: 12 }}>
                  {formatMoney(o.price.amount, o.price.currency)}
                </span>
              </InlineStack>
            ))
          )}
          <Text as="p" tone="subdued" variant="bodySm">
            {p.rules.length
              ? `Ships to ${p.rules.slice(0, 4).map((r) => countryName(r.country)).join(", ")}${p.rules.length > 4 ? ` and ${p.rules.length - 4} more` : ""}.`
              : "No shipping rates yet."}
          </Text>
        </BlockStack>
      </Box>
    </Card>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBoundary title="Storefront could not be loaded" />;
}
