import { useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Box, Button, Checkbox, InlineGrid, InlineStack, Text, Thumbnail } from "@shopify/polaris";
import { ImageIcon } from "@shopify/polaris-icons";
import { useState } from "react";
import type { OfferableProduct } from "@giftloop/core/catalog/catalog.queries";
import { plural } from "../lib/format.ts";

/**
 * The products of a gift offer, picked with Shopify's resource picker (App Bridge), each
 * with the variants recipients may choose from. A product whose variants are all ticked is
 * offered whole (variants the brand makes giftable later join it); unticking some narrows it.
 */
export interface PickedProduct extends OfferableProduct {
  /** null: every giftable variant; otherwise the variants offered (our ids). */
  selected: string[] | null;
}

/** The form's `item` values: `productId` for a whole product, `productId/variantId` per narrowed variant. */
export function itemValues(items: PickedProduct[]): string[] {
  return items.flatMap((p) => (p.selected === null ? [p.id] : p.selected.map((v) => `${p.id}/${v}`)));
}

const giftableVariants = (p: OfferableProduct) => p.variants.filter((v) => v.giftable);

/** How many variants recipients choose from. */
export function choiceCount(p: PickedProduct): number {
  return p.selected === null ? giftableVariants(p).length : p.selected.length;
}

interface PickerProduct {
  id: string;
  variants?: Array<{ id?: string }>;
  totalVariants?: number;
  title?: string;
}

/**
 * Opens Shopify's product picker with the offer's products selected, and turns what the
 * brand picked into offer items (looking up Giftloop's copy of each product). Products the
 * copy does not have yet are reported, not added.
 */
export function useProductPicker(opts: { kind: string; items: PickedProduct[]; onPicked: (items: PickedProduct[], missing: string[]) => void }) {
  const shopify = useAppBridge();
  const [busy, setBusy] = useState(false);
  const open = async () => {
    setBusy(true);
    try {
      const picked = (await shopify.resourcePicker({
        type: "product",
        action: opts.items.length ? "select" : "add",
        multiple: opts.kind === "choice",
        filter: { variants: true, draft: false, archived: false },
        selectionIds: opts.items.map((p) => ({
          id: p.shopifyId,
          variants: (p.selected === null ? giftableVariants(p) : p.variants.filter((v) => p.selected!.includes(v.id))).map((v) => ({ id: v.shopifyId })),
        })),
      })) as PickerProduct[] | undefined;
      if (!picked) return; // canceled
      const q = new URLSearchParams(picked.map((p) => ["shopifyId", p.id]));
      const res = await fetch(`/app/products-lookup?${q}`);
      if (!res.ok) throw new Error(`products lookup answered ${res.status}`);
      const { products } = (await res.json()) as { products: OfferableProduct[] };
      const byShopifyId = new Map(products.map((p) => [p.shopifyId, p]));
      const items: PickedProduct[] = [];
      const missing: string[] = [];
      for (const p of picked) {
        const ours = byShopifyId.get(p.id);
        if (!ours) {
          missing.push(p.title ?? p.id);
          continue;
        }
        const chosen = new Set((p.variants ?? []).map((v) => v.id));
        const narrowed = ours.variants.filter((v) => v.giftable && chosen.has(v.shopifyId)).map((v) => v.id);
        const all = chosen.size === 0 || narrowed.length === giftableVariants(ours).length;
        items.push({ ...ours, selected: all ? null : narrowed });
      }
      opts.onPicked(items, missing);
    } catch (err) {
      shopify.toast.show(err instanceof Error ? `Products could not be picked: ${err.message}` : "Products could not be picked", { isError: true });
    } finally {
      setBusy(false);
    }
  };
  return { open, busy };
}

function stockText(available: number | null): string {
  if (available === null) return "Not tracked";
  return available > 0 ? `${available.toLocaleString("en")} in stock` : "Out of stock";
}

/** One picked product: how to tell it apart (image, vendor, handle), its variants to offer, remove. */
export function OfferProductRow(props: {
  product: PickedProduct;
  onChange: (p: PickedProduct) => void;
  onRemove: () => void;
  onMakeGiftable: () => void;
  makingGiftable: boolean;
}) {
  const p = props.product;
  const giftable = giftableVariants(p);
  const isOn = (id: string) => p.selected === null || p.selected.includes(id);
  const toggle = (id: string, on: boolean) => {
    const current = p.selected ?? giftable.map((v) => v.id);
    const next = on ? [...current, id] : current.filter((x) => x !== id);
    const ordered = giftable.map((v) => v.id).filter((x) => next.includes(x));
    props.onChange({ ...p, selected: ordered.length === giftable.length ? null : ordered });
  };
  const onlyDefault = p.variants.length === 1 && p.variants[0]!.title === "Default Title";
  return (
    <Box paddingBlock="300" borderBlockStartWidth="025" borderColor="border">
      <BlockStack gap="300">
        <InlineStack gap="300" blockAlign="start" wrap={false}>
          <Thumbnail source={p.imageUrl ?? ImageIcon} alt={p.title} size="small" />
          <div style={{ flex: 1, minWidth: 0 }}>
            <BlockStack gap="050">
              <InlineStack gap="200" blockAlign="center">
                <Text as="span" fontWeight="semibold">
                  {p.title}
                </Text>
                {!p.giftable ? <Badge tone="warning">Not giftable</Badge> : null}
              </InlineStack>
              <Text as="span" tone="subdued" variant="bodySm">
                {[p.brand, p.handle].filter(Boolean).join(" · ")}
              </Text>
            </BlockStack>
          </div>
          <Button variant="plain" tone="critical" onClick={props.onRemove} accessibilityLabel={`Remove ${p.title}`}>
            Remove
          </Button>
        </InlineStack>
        {!p.giftable ? (
          <Banner tone="warning">
            <InlineStack gap="300" blockAlign="center">
              <Text as="span">Recipients can't receive this product until you make it giftable.</Text>
              <Button onClick={props.onMakeGiftable} loading={props.makingGiftable}>
                Make giftable
              </Button>
            </InlineStack>
          </Banner>
        ) : null}
        {onlyDefault ? null : (
          <Box paddingInlineStart="1200">
            <BlockStack gap="100">
              <Text as="p" variant="bodySm" tone="subdued">
                {p.selected === null ? `Recipients choose from all ${plural(giftable.length, "variant")}` : `Recipients choose from ${p.selected.length} of ${plural(giftable.length, "variant")}`}
              </Text>
              <InlineGrid columns={{ xs: 1, sm: 2 }} gap="100">
                {p.variants.map((v) => (
                  <Checkbox
                    key={v.id}
                    label={v.title}
                    helpText={v.giftable ? stockText(v.available) : "Not giftable (change it in Catalog)"}
                    checked={v.giftable && isOn(v.id)}
                    disabled={!v.giftable}
                    onChange={(on) => toggle(v.id, on)}
                  />
                ))}
              </InlineGrid>
            </BlockStack>
          </Box>
        )}
      </BlockStack>
    </Box>
  );
}
