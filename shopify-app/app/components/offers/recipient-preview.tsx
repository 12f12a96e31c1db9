import { BlockStack, Box, Card, InlineGrid, InlineStack, Text, Thumbnail } from "@shopify/polaris";
import { ImageIcon } from "@shopify/polaris-icons";
import { choiceCount, type PickedProduct } from "../offer-products.tsx";
import { plural } from "../../lib/format.ts";

/** What a recipient would see of the offer as edited: its name, description and the products to choose from. */
export function RecipientPreview(props: { vendorName: string; name: string; description: string; kind: string; items: PickedProduct[]; expiryDays: string }) {
  const items = props.items.length ? props.items : [{ id: "placeholder", title: "Your product", imageUrl: null } as PickedProduct];
  const sizes = props.kind === "single" && props.items[0] ? choiceCount(props.items[0]) : 0;
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
          {sizes > 1 ? (
            <Text as="p" variant="bodySm">
              The recipient picks one of {plural(sizes, "variant")} (size, colour…).
            </Text>
          ) : null}
          <Text as="p" tone="subdued" variant="bodySm">
            Redeem within {props.expiryDays || "…"} days. The recipient gives a shipping address; prices are never shown.
          </Text>
        </BlockStack>
      </Box>
    </Card>
  );
}
