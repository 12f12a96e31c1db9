import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData, useFetcher, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import {
  Autocomplete,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  ChoiceList,
  FormLayout,
  Icon,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  ResourceItem,
  ResourceList,
  Text,
  TextField,
  Thumbnail,
} from "@shopify/polaris";
import { ImageIcon, SearchIcon } from "@shopify/polaris-icons";
import { useEffect, useMemo, useState } from "react";
import { requireVendor } from "../context.server.ts";
import { getOffer } from "../../../core/src/offers/offer-view.ts";
import { createOffer } from "../../../core/src/offers/create-offer.ts";
import { updateOffer } from "../../../core/src/offers/update-offer.ts";
import { setOfferStatus } from "../../../core/src/offers/set-offer-status.ts";
import { CreateOfferInput } from "../../../core/src/offers/offer-input.schema.ts";
import { vendorSettings } from "../../../core/src/vendors/settings.ts";
import { notFound, RouteErrorBoundary } from "../components/route-states.tsx";
import { OfferStatusBadge } from "../components/offer-status.tsx";
import { currencySymbol, formatMoney, moneyInputValue, parseMoneyInput, plural } from "../lib/format.ts";
import type { loader as searchLoader } from "./app.products-search.tsx";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.offer ? data.offer.name : "New gift offer"} · Giftloop` }];

export const loader = async (args: LoaderFunctionArgs) => {
  const { deps, vendorId, currency, vendorName } = await requireVendor(args);
  const id = args.params.offerId ?? "";
  if (id === "new") {
    const settings = await vendorSettings(deps, vendorId);
    return { offer: null, currency, vendorName, defaultExpiryDays: settings?.defaultExpiryDays ?? 90 };
  }
  const offer = /^[0-9a-f-]{36}$/i.test(id) ? await getOffer(deps.db, vendorId, id) : undefined;
  if (!offer) throw notFound("This gift offer does not exist, or it belongs to another store.");
  return { offer, currency, vendorName, defaultExpiryDays: offer.expiryDays };
};

type FieldKey = "name" | "description" | "kind" | "price" | "startsAt" | "endsAt" | "expiryDays" | "items" | "currency";
interface ActionResult {
  errors: Partial<Record<FieldKey, string>>;
  message?: string;
  ok?: boolean;
}

const FIELD_OF: Record<string, FieldKey> = { priceAmount: "price" };

function isProblem(err: unknown): err is { status: number; detail?: string; errors?: Array<{ path: string; message: string }> } {
  return err instanceof Error && err.name === "ProblemError";
}

function dayToIso(day: string, endOfDay = false): string | null {
  if (!day) return null;
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? `${day}T${endOfDay ? "23:59:59" : "00:00:00"}Z` : "invalid";
}

export const action = async (args: ActionFunctionArgs): Promise<ActionResult | Response> => {
  const { deps, vendorId, currency, actor } = await requireVendor(args);
  const form = await args.request.formData();
  const id = args.params.offerId ?? "";
  const by = { actor };
  try {
    if (form.get("intent") === "status") {
      const status = String(form.get("status")) as "active" | "paused" | "archived";
      await setOfferStatus(deps.db, vendorId, id, { status, version: Number(form.get("version")) }, by);
      if (status === "archived") return redirect("/app/offers");
      return { errors: {}, ok: true, message: status === "active" ? "Offer published" : "Offer paused" };
    }
    const errors: ActionResult["errors"] = {};
    const priceAmount = parseMoneyInput(String(form.get("price") ?? ""), currency);
    if (priceAmount === null) errors.price = `Enter a price, like ${moneyInputValue(4500, currency)}`;
    const startsAt = dayToIso(String(form.get("startsAt") ?? ""));
    const endsAt = dayToIso(String(form.get("endsAt") ?? ""), true);
    const input = {
      name: String(form.get("name") ?? ""),
      description: String(form.get("description") ?? ""),
      kind: String(form.get("kind") ?? "single"),
      priceAmount: priceAmount ?? 0,
      currency,
      startsAt,
      endsAt,
      expiryDays: Number(form.get("expiryDays")),
      items: form.getAll("productId").map((productId) => ({ productId: String(productId) })),
      status: form.get("publish") === "true" ? "active" : "draft",
    };
    const parsed = CreateOfferInput.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = FIELD_OF[String(issue.path[0])] ?? (String(issue.path[0]) as FieldKey);
        errors[key] ??=
          key === "items"
            ? "Choose at least one giftable product"
            : key === "name"
              ? "Give the offer a name"
              : key === "expiryDays"
                ? "Enter between 1 and 730 days"
                : key === "startsAt" || key === "endsAt"
                  ? "Enter a date"
                  : issue.message;
      }
    }
    if (input.kind === "single" && input.items.length > 1) errors.items = "A single-item offer has exactly one product";
    if (input.kind === "choice" && input.items.length < 2) errors.items ??= "A recipient's choice needs at least two products";
    if (Object.keys(errors).length || !parsed.success) return { errors, message: "Fix the highlighted fields." };

    if (id === "new") {
      const offerId = await createOffer(deps.db, vendorId, parsed.data, by);
      return redirect(`/app/offers/${offerId}?saved=created`);
    }
    const { status: _s, ...update } = parsed.data;
    await updateOffer(deps.db, vendorId, id, { ...update, version: Number(form.get("version")) }, by);
    return { errors: {}, ok: true, message: "Offer saved" };
  } catch (err) {
    if (!isProblem(err)) throw err;
    const errors: ActionResult["errors"] = {};
    for (const e of err.errors ?? []) {
      const key = (FIELD_OF[e.path.split(".")[0]!] ?? e.path.split(".")[0]) as FieldKey;
      errors[key] ??= e.message;
    }
    if (err.status === 404) throw notFound("This gift offer does not exist, or it belongs to another store.");
    return { errors, message: err.detail ?? "The offer could not be saved." };
  }
};

interface Picked {
  id: string;
  title: string;
  imageUrl: string | null;
}

function ProductPicker({ onPick, exclude }: { onPick: (p: Picked) => void; exclude: string[] }) {
  const search = useFetcher<typeof searchLoader>();
  const [text, setText] = useState("");
  useEffect(() => {
    const t = setTimeout(() => search.load(`/app/products-search?q=${encodeURIComponent(text)}`), text ? 250 : 0);
    return () => clearTimeout(t);
  }, [text]);
  const products = (search.data?.products ?? []).filter((p) => !exclude.includes(p.id));
  const options = products.map((p) => ({
    value: p.id,
    label: `${p.title}${p.variantCount > 1 ? ` (${p.variantCount} variants)` : ""}${p.inStock ? "" : " · out of stock"}`,
  }));
  return (
    <Autocomplete
      options={options}
      selected={[]}
      loading={search.state === "loading"}
      emptyState={
        <Box padding="300">
          <Text as="p" tone="subdued">
            {search.data?.total === 0 && !text ? "No giftable products yet. Mark products giftable in Catalog." : "No giftable products match."}
          </Text>
        </Box>
      }
      onSelect={(sel) => {
        const p = products.find((x) => x.id === sel[0]);
        if (p) onPick({ id: p.id, title: p.title, imageUrl: p.imageUrl });
        setText("");
      }}
      textField={
        <Autocomplete.TextField
          label="Add products"
          labelHidden
          value={text}
          onChange={setText}
          prefix={<Icon source={SearchIcon} />}
          placeholder="Search giftable products"
          autoComplete="off"
        />
      }
    />
  );
}

function RecipientPreview(props: { vendorName: string; name: string; description: string; kind: string; items: Picked[]; expiryDays: string }) {
  const items = props.items.length ? props.items : [{ id: "placeholder", title: "Your product", imageUrl: null }];
  return (
    <Card padding="0">
      <Box padding="400" background="bg-surface-secondary">
        <Text as="h2" variant="headingMd">
          Recipient preview
        </Text>
      </Box>
      <Box padding="400">
        <BlockStack gap="300">
          <Text as="p" tone="subdued" variant="bodySm">
            A gift from a company, via {props.vendorName}
          </Text>
          <Text as="h3" variant="headingLg">
            {props.name || "Your offer's name"}
          </Text>
          {props.description ? <Text as="p">{props.description}</Text> : null}
          <Text as="p" fontWeight="semibold">
            {props.kind === "choice" ? "Choose one:" : "Your gift:"}
          </Text>
          <InlineGrid columns={props.kind === "choice" ? 2 : 1} gap="300">
            {items.map((it) => (
              <Box key={it.id} borderWidth="025" borderColor="border" borderRadius="200" padding="200">
                <InlineStack gap="200" blockAlign="center" wrap={false}>
                  <Thumbnail source={it.imageUrl ?? ImageIcon} alt={it.title} size="small" />
                  <Text as="span" variant="bodySm">
                    {it.title}
                  </Text>
                </InlineStack>
              </Box>
            ))}
          </InlineGrid>
          <Text as="p" tone="subdued" variant="bodySm">
            Redeem within {props.expiryDays || "…"} days. The recipient picks size or colour and gives a shipping address; prices are never shown.
          </Text>
        </BlockStack>
      </Box>
    </Card>
  );
}

export default function OfferForm() {
  const { offer, currency, vendorName, defaultExpiryDays } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const navigation = useNavigation();
  const submit = useSubmit();
  const shopify = useAppBridge();
  const [params, setParams] = useSearchParams();
  const saving = navigation.state === "submitting";

  const initialItems: Picked[] = useMemo(() => {
    if (!offer) return [];
    return offer.items.map((it) => ({
      id: it.productId,
      title: it.productTitle,
      imageUrl: offer.preview.find((c) => c.productId === it.productId)?.imageUrl ?? null,
    }));
  }, [offer]);
  const [name, setName] = useState(offer?.name ?? "");
  const [description, setDescription] = useState(offer?.description ?? "");
  const [kind, setKind] = useState<string>(offer?.kind ?? "single");
  const [price, setPrice] = useState(offer ? moneyInputValue(offer.price.amount, offer.price.currency) : "");
  const [startsAt, setStartsAt] = useState(offer?.startsAt?.slice(0, 10) ?? "");
  const [endsAt, setEndsAt] = useState(offer?.endsAt?.slice(0, 10) ?? "");
  const [expiryDays, setExpiryDays] = useState(String(defaultExpiryDays));
  const [items, setItems] = useState<Picked[]>(initialItems);

  useEffect(() => {
    if (result?.ok && result.message) shopify.toast.show(result.message);
  }, [result, shopify]);
  useEffect(() => {
    if (params.get("saved") === "created") {
      shopify.toast.show("Offer created");
      setParams((p) => (p.delete("saved"), p), { replace: true });
    }
  }, [params, setParams, shopify]);

  const save = (publish = false) => {
    const form = new FormData();
    form.set("intent", "save");
    form.set("name", name);
    form.set("description", description);
    form.set("kind", kind);
    form.set("price", price);
    form.set("startsAt", startsAt);
    form.set("endsAt", endsAt);
    form.set("expiryDays", expiryDays);
    if (offer) form.set("version", String(offer.version));
    if (publish) form.set("publish", "true");
    for (const it of items) form.append("productId", it.id);
    submit(form, { method: "post" });
  };
  const setStatus = (status: "active" | "paused" | "archived") =>
    submit({ intent: "status", status, version: String(offer?.version ?? 0) }, { method: "post" });

  const pricePreview = parseMoneyInput(price, currency);
  const secondary = offer
    ? [
        offer.status === "active"
          ? { content: "Pause", onAction: () => setStatus("paused"), disabled: saving }
          : { content: "Publish", onAction: () => setStatus("active"), disabled: saving },
        { content: "Archive", destructive: true, onAction: () => setStatus("archived"), disabled: saving },
      ]
    : [{ content: "Save and publish", onAction: () => save(true), disabled: saving }];

  return (
    <Page
      backAction={{ content: "Gift offers", url: "/app/offers" }}
      title={offer ? offer.name : "New gift offer"}
      titleMetadata={offer ? <OfferStatusBadge status={offer.status} /> : undefined}
      primaryAction={{ content: offer ? "Save" : "Save as draft", onAction: () => save(false), loading: saving }}
      secondaryActions={secondary}
    >
      <Layout>
        {result?.message && !result.ok ? (
          <Layout.Section>
            <Banner tone="critical" title="The offer was not saved">
              <p>{result.message}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <FormLayout>
                <TextField label="Name" value={name} onChange={setName} autoComplete="off" placeholder="Holiday hamper" error={result?.errors.name} maxLength={120} />
                <TextField
                  label="Description"
                  value={description}
                  onChange={setDescription}
                  autoComplete="off"
                  multiline={3}
                  helpText="Shown to buyers and recipients."
                  error={result?.errors.description}
                />
              </FormLayout>
            </Card>
            <Card>
              <BlockStack gap="300">
                <ChoiceList
                  title="Gift type"
                  choices={[
                    { label: "Single item", value: "single", helpText: "Every recipient gets the same product (they pick size or colour)." },
                    { label: "Recipient's choice", value: "choice", helpText: "Recipients choose one of several products." },
                  ]}
                  selected={[kind]}
                  onChange={(v) => setKind(v[0] ?? "single")}
                />
                <Text as="h3" variant="headingSm">
                  {kind === "single" ? "Product" : "Products to choose from"}
                </Text>
                {kind === "choice" || items.length === 0 ? <ProductPicker exclude={items.map((i) => i.id)} onPick={(p) => setItems(kind === "single" ? [p] : [...items, p])} /> : null}
                {items.length ? (
                  <ResourceList
                    resourceName={{ singular: "product", plural: "products" }}
                    items={items}
                    renderItem={(it) => (
                      <ResourceItem id={it.id} onClick={() => undefined} media={<Thumbnail source={it.imageUrl ?? ImageIcon} alt={it.title} size="small" />}>
                        <InlineStack align="space-between" blockAlign="center">
                          <Text as="span" fontWeight="semibold">
                            {it.title}
                          </Text>
                          <Button variant="plain" tone="critical" onClick={() => setItems(items.filter((x) => x.id !== it.id))}>
                            Remove
                          </Button>
                        </InlineStack>
                      </ResourceItem>
                    )}
                  />
                ) : null}
                {result?.errors.items ? (
                  <Text as="p" tone="critical">
                    {result.errors.items}
                  </Text>
                ) : null}
              </BlockStack>
            </Card>
            <Card>
              <FormLayout>
                <FormLayout.Group>
                  <TextField
                    label="Price per recipient"
                    value={price}
                    onChange={setPrice}
                    autoComplete="off"
                    inputMode="decimal"
                    prefix={currencySymbol(currency)}
                    suffix={currency}
                    placeholder={moneyInputValue(4500, currency)}
                    helpText={pricePreview !== null ? `Buyers pay ${formatMoney(pricePreview, currency)} per gift, plus shipping.` : "Your B2B price, before shipping."}
                    error={result?.errors.price}
                  />
                  <TextField
                    label="Redeem within"
                    type="number"
                    value={expiryDays}
                    onChange={setExpiryDays}
                    autoComplete="off"
                    suffix="days"
                    min={1}
                    max={730}
                    helpText="After the gift is sent. Unredeemed gifts are refunded to the buyer."
                    error={result?.errors.expiryDays}
                  />
                </FormLayout.Group>
                <FormLayout.Group>
                  <TextField label="Available from" type="date" value={startsAt} onChange={setStartsAt} autoComplete="off" helpText="Leave empty to start now." error={result?.errors.startsAt} />
                  <TextField label="Available until" type="date" value={endsAt} onChange={setEndsAt} autoComplete="off" helpText="Leave empty for no end." error={result?.errors.endsAt} />
                </FormLayout.Group>
              </FormLayout>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <RecipientPreview vendorName={vendorName} name={name} description={description} kind={kind} items={items} expiryDays={expiryDays} />
            {offer ? (
              <Card>
                <Text as="p" tone="subdued">
                  {plural(offer.preview.length, "variant")} available to recipients now. Gifts already sent keep the choices they were sent with.
                </Text>
              </Card>
            ) : null}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBoundary title="Gift offer could not be loaded" />;
}
