import { BlockStack, Card, Checkbox, Text } from "@shopify/polaris";
import { formatMoney } from "../../lib/format.ts";
import type { StorefrontData } from "./storefront-data.ts";

/** Which of the brand's gift offers the storefront shows (inactive ones appear once they are active). */
export function OffersCard({ offers, shown, onChange }: { offers: StorefrontData["offers"]; shown: string[]; onChange: (shown: string[]) => void }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Offers on this storefront
        </Text>
        {offers.length === 0 ? (
          <Text as="p" tone="subdued">
            No gift offers yet. Create one in Gift offers; it can then be shown here.
          </Text>
        ) : (
          offers.map((o) => (
            <Checkbox
              key={o.id}
              label={`${o.name} · ${formatMoney(o.price.amount, o.price.currency)}`}
              helpText={o.status === "active" ? undefined : `${o.status[0]!.toUpperCase()}${o.status.slice(1)}: shown once it is active`}
              checked={shown.includes(o.id)}
              onChange={(on) => onChange(on ? [...shown, o.id] : shown.filter((x) => x !== o.id))}
            />
          ))
        )}
      </BlockStack>
    </Card>
  );
}
