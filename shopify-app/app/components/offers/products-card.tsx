import { Banner, BlockStack, Button, Card, ChoiceList, InlineError, InlineStack, Text } from "@shopify/polaris";
import { OfferProductRow, type PickedProduct, type useProductPicker } from "../offer-products.tsx";
import { plural } from "../../lib/format.ts";
import type { Errors, Fields, SetField } from "./offer-form-state.ts";

/**
 * The gift type (one product for everyone, or the recipient's choice) and the offer's
 * products, picked from the Shopify catalog, with what the picker could not add.
 */
export function ProductsCard(props: {
  f: Fields;
  errors: Errors;
  missing: string[];
  set: SetField;
  picker: ReturnType<typeof useProductPicker>;
  makeGiftable: (p: PickedProduct) => void;
  makingGiftable: boolean;
}) {
  const { f, set, picker } = props;
  const single = f.kind === "single";
  return (
    <Card>
      <BlockStack gap="300">
        <ChoiceList
          title="Gift type"
          choices={[
            { label: "Single item", value: "single", helpText: "Every recipient gets the same product and picks its size or colour." },
            { label: "Recipient's choice", value: "choice", helpText: "Recipients choose one of several products." },
          ]}
          selected={[f.kind]}
          onChange={(v) => set("kind", v[0] ?? "single", "items")}
        />
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h3" variant="headingSm">
            {single ? "Product" : "Products to choose from"}
          </Text>
          <Button onClick={picker.open} loading={picker.busy}>
            {f.items.length === 0 ? (single ? "Choose a product" : "Add products") : single ? "Change product" : "Add or remove products"}
          </Button>
        </InlineStack>
        {f.items.length === 0 ? (
          <Text as="p" tone="subdued">
            {single ? "Choose the product every recipient gets from your Shopify catalog." : "Add the products recipients choose from, from your Shopify catalog."}
          </Text>
        ) : (
          <div>
            {f.items.map((p) => (
              <OfferProductRow
                key={p.id}
                product={p}
                onChange={(next) => set("items", f.items.map((x) => (x.id === p.id ? next : x)))}
                onRemove={() => set("items", f.items.filter((x) => x.id !== p.id))}
                onMakeGiftable={() => props.makeGiftable(p)}
                makingGiftable={props.makingGiftable}
              />
            ))}
          </div>
        )}
        {props.missing.length ? (
          <Banner tone="warning" title={`${plural(props.missing.length, "product")} not in Giftloop yet`}>
            <p>{props.missing.join(", ")}: Giftloop's copy of your catalog does not have them yet. Sync your catalog, then add them again.</p>
          </Banner>
        ) : null}
        {props.errors.items ? <InlineError message={props.errors.items} fieldID="offer-items" /> : null}
      </BlockStack>
    </Card>
  );
}
