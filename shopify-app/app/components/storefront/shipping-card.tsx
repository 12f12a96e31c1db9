import { BlockStack, Button, Card, InlineGrid, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { DeleteIcon } from "@shopify/polaris-icons";
import { countryName } from "../../lib/countries.ts";
import { currencySymbol } from "../../lib/format.ts";
import type { ShippingRules } from "./use-shipping-rules.ts";

/** The shipping rate per recipient for each destination, with its own Save button. */
export function ShippingCard({ shipping, currency }: { shipping: ShippingRules; currency: string }) {
  const { rules, errors } = shipping;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Shipping rates
          </Text>
          <Button onClick={shipping.save} loading={shipping.fetcher.state !== "idle"}>
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
              options={shipping.countryOptions(r.country)}
              value={r.country}
              onChange={(v) => shipping.change(r.key, { country: v })}
              error={errors[`rules.${i}.country`]}
            />
            <TextField
              label="Rate per recipient"
              labelHidden={i > 0}
              value={r.rate}
              onChange={(v) => shipping.change(r.key, { rate: v })}
              autoComplete="off"
              inputMode="decimal"
              prefix={currencySymbol(currency)}
              error={errors[`rules.${i}.rateAmount`]}
            />
            <Button icon={DeleteIcon} accessibilityLabel={`Remove ${countryName(r.country)}`} onClick={() => shipping.remove(r.key)} />
          </InlineGrid>
        ))}
        <InlineStack>
          <Button variant="plain" onClick={shipping.add}>
            Add a country
          </Button>
        </InlineStack>
        {shipping.fetcher.data && !shipping.fetcher.data.ok ? (
          <Text as="p" tone="critical">
            {shipping.fetcher.data.message}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}
