import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { SaveBar } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Card, Layout, Page, Text } from "@shopify/polaris";
import { requireVendor } from "../context.server.ts";
import { getOffer } from "@giftloop/core/offers/offer-view";
import { createOffer } from "@giftloop/core/offers/create-offer";
import { updateOffer } from "@giftloop/core/offers/update-offer";
import { setOfferStatus } from "@giftloop/core/offers/set-offer-status";
import { CreateOfferInput } from "@giftloop/core/offers/offer-input.schema";
import { offerableProducts } from "@giftloop/core/catalog/catalog.queries";
import { vendorSettings } from "@giftloop/core/vendors/settings";
import type { Refusal } from "@giftloop/core/platform/use-case";
import { notFound, RouteErrorBoundary } from "../components/route-states.tsx";
import { OfferStatusBadge } from "../components/offer-status.tsx";
import { itemValues, useProductPicker, type PickedProduct } from "../components/offer-products.tsx";
import { useOfferFields, type Errors, type FieldKey, type OfferData } from "../components/offers/offer-form-state.ts";
import { OfferDetailsCard } from "../components/offers/offer-details-card.tsx";
import { OfferTermsCard } from "../components/offers/offer-terms-card.tsx";
import { ProductsCard } from "../components/offers/products-card.tsx";
import { RecipientPreview } from "../components/offers/recipient-preview.tsx";
import { useLeaveConfirmation } from "../components/offers/use-leave-confirmation.ts";
import { useMakeGiftable } from "../components/offers/use-make-giftable.ts";
import { useOfferToasts } from "../components/offers/use-offer-toasts.ts";
import { moneyInputValue, parseMoneyInput, plural } from "../lib/format.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.offer ? data.offer.name : "New gift offer"} · Giftloop` }];

export const loader = async (args: LoaderFunctionArgs) => {
  const { currency, vendorName, ctx } = await requireVendor(args);
  const id = args.params.offerId ?? "";
  if (id === "new") {
    const settings = await vendorSettings(ctx);
    return { offer: null, products: [] as PickedProduct[], currency, vendorName, defaultExpiryDays: settings?.defaultExpiryDays ?? 90 };
  }
  const offer = /^[0-9a-f-]{36}$/i.test(id) ? await getOffer(ctx, id) : undefined;
  if (!offer) throw notFound("This gift offer does not exist, or it belongs to another store.");
  const found = await offerableProducts(ctx, { ids: offer.items.map((i) => i.productId) });
  const products: PickedProduct[] = [...new Set(offer.items.map((i) => i.productId))].flatMap((productId) => {
    const p = found.find((x) => x.id === productId);
    if (!p) return [];
    const items = offer.items.filter((i) => i.productId === productId);
    return [{ ...p, selected: items.some((i) => i.variantId === null) ? null : items.map((i) => i.variantId!) }];
  });
  return { offer, products, currency, vendorName, defaultExpiryDays: offer.expiryDays };
};

interface ActionResult {
  errors: Errors;
  message?: string;
  ok?: boolean;
}

const FIELD_OF: Record<string, FieldKey> = { priceAmount: "price" };
const MESSAGES: Partial<Record<FieldKey, string>> = {
  items: "Add a giftable product",
  name: "Give the offer a name",
  expiryDays: "Enter between 1 and 730 days",
  startsAt: "Enter a date",
  endsAt: "Enter a date",
};

function dayToIso(day: string, endOfDay = false): string | null {
  if (!day) return null;
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? `${day}T${endOfDay ? "23:59:59" : "00:00:00"}Z` : "invalid";
}

/** `item` form values: a product id (every giftable variant) or `productId/variantId`. */
function itemsOf(form: FormData): Array<{ productId: string; variantId?: string }> {
  return form.getAll("item").map((v) => {
    const [productId = "", variantId] = String(v).split("/");
    return variantId ? { productId, variantId } : { productId };
  });
}

export const action = async (args: ActionFunctionArgs): Promise<ActionResult | Response> => {
  const { ctx, currency } = await requireVendor(args);
  const form = await args.request.formData();
  const id = args.params.offerId ?? "";
  if (form.get("intent") === "status") {
    const status = String(form.get("status")) as "active" | "paused" | "archived";
    const changed = await setOfferStatus(ctx, id, { status, version: Number(form.get("version")) });
    if (!changed.ok) return refused(changed);
    if (status === "archived") return redirect("/app/offers");
    return { errors: {}, ok: true, message: status === "active" ? "Offer published" : "Offer paused" };
  }
  const errors: Errors = {};
  const priceAmount = parseMoneyInput(String(form.get("price") ?? ""), currency);
  if (priceAmount === null) errors.price = `Enter a price, like ${moneyInputValue(4500, currency)}`;
  const input = {
    name: String(form.get("name") ?? ""),
    description: String(form.get("description") ?? ""),
    kind: String(form.get("kind") ?? "single"),
    priceAmount: priceAmount ?? 0,
    currency,
    startsAt: dayToIso(String(form.get("startsAt") ?? "")),
    endsAt: dayToIso(String(form.get("endsAt") ?? ""), true),
    expiryDays: Number(form.get("expiryDays")),
    items: itemsOf(form),
    status: "draft",
  };
  const parsed = CreateOfferInput.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = FIELD_OF[String(issue.path[0])] ?? (String(issue.path[0]) as FieldKey);
      errors[key] ??= MESSAGES[key] ?? issue.message;
    }
  }
  const products = new Set(input.items.map((i) => i.productId)).size;
  if (input.kind === "single" && products > 1) errors.items = "A single-item offer has one product; remove the others or make it a recipient's choice";
  if (input.kind === "choice" && products < 2) errors.items ??= "A recipient's choice needs at least two products";
  if (Object.keys(errors).length || !parsed.success) return { errors, message: "Fix the highlighted fields." };

  if (id === "new") {
    const created = await createOffer(ctx, parsed.data);
    if (!created.ok) return refused(created);
    return redirect(`/app/offers/${created.offerId}?saved=created`);
  }
  const { status: _s, ...update } = parsed.data;
  const saved = await updateOffer(ctx, id, { ...update, version: Number(form.get("version")) });
  if (!saved.ok) return refused(saved);
  return { errors: {}, ok: true, message: "Offer saved" };
};

/** A use case's refusal as the form shows it: beside each field, or as the page's message. */
function refused(r: Refusal): ActionResult {
  if (r.code === "not_found") throw notFound("This gift offer does not exist, or it belongs to another store.");
  const errors: Errors = {};
  for (const e of r.errors ?? []) {
    const key = (FIELD_OF[e.path.split(".")[0]!] ?? e.path.split(".")[0]) as FieldKey;
    errors[key] ??= e.message;
  }
  return { errors, message: r.detail };
}

export default function OfferPage() {
  const data = useLoaderData<typeof loader>();
  // A fresh form whenever the saved offer changes (after Save, a status change, a reload).
  return <OfferForm key={`${data.offer?.id ?? "new"}:${data.offer?.version ?? 0}`} data={data} />;
}

function OfferForm({ data }: { data: OfferData }) {
  const { offer, currency, vendorName } = data;
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const navigation = useNavigation();
  const submit = useSubmit();
  const saving = navigation.state !== "idle" && navigation.formMethod === "POST";
  const { f, setF, set, errors, missing, setMissing, dirty, discard } = useOfferFields(data, result);
  useOfferToasts(result);
  const picker = useProductPicker({
    kind: f.kind,
    items: f.items,
    onPicked: (items, notSynced) => {
      set("items", f.kind === "single" ? items.slice(0, 1) : items);
      setMissing(notSynced);
    },
  });
  useLeaveConfirmation(dirty, saving);
  const giftable = useMakeGiftable(setF);

  const save = () => {
    const form = new FormData();
    form.set("intent", "save");
    for (const k of ["name", "description", "kind", "price", "startsAt", "endsAt", "expiryDays"] as const) form.set(k, f[k]);
    if (offer) form.set("version", String(offer.version));
    for (const v of itemValues(f.items)) form.append("item", v);
    submit(form, { method: "post" });
  };
  const setStatus = (status: "active" | "paused" | "archived") => submit({ intent: "status", status, version: String(offer?.version ?? 0) }, { method: "post" });

  const saveFirst = dirty ? "Save your changes first" : undefined;
  const secondary = offer
    ? [
        offer.status === "active"
          ? { content: "Pause", onAction: () => setStatus("paused"), disabled: saving || dirty, helpText: saveFirst }
          : { content: "Publish", onAction: () => setStatus("active"), disabled: saving || dirty, helpText: saveFirst ?? "Buyers can order it on your storefront" },
        { content: "Archive", destructive: true, onAction: () => setStatus("archived"), disabled: saving },
      ]
    : [];

  return (
    <Page
      backAction={{ content: "Gift offers", url: "/app/offers" }}
      title={offer ? offer.name : "New gift offer"}
      titleMetadata={offer ? <OfferStatusBadge status={offer.status} /> : undefined}
      subtitle={offer ? undefined : "Saved as a draft: publish it when it is ready for buyers."}
      secondaryActions={secondary}
    >
      <SaveBar id="offer-save-bar" open={dirty || saving} discardConfirmation>
        <button variant="primary" onClick={save} disabled={saving}>
          Save
        </button>
        <button onClick={discard} disabled={saving}>
          Discard
        </button>
      </SaveBar>
      <Layout>
        {result?.message && !result.ok && Object.values(errors).some(Boolean) ? (
          <Layout.Section>
            <Banner tone="critical" title="The offer was not saved">
              <p>{result.message}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            <OfferDetailsCard f={f} errors={errors} set={set} />
            <ProductsCard f={f} errors={errors} missing={missing} set={set} picker={picker} makeGiftable={giftable.makeGiftable} makingGiftable={giftable.busy} />
            <OfferTermsCard f={f} errors={errors} set={set} currency={currency} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <RecipientPreview vendorName={vendorName} name={f.name} description={f.description} kind={f.kind} items={f.items} expiryDays={f.expiryDays} />
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
