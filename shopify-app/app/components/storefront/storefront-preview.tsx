import { BlockStack, Box, Card, InlineStack, Text } from "@shopify/polaris";
import { countryName } from "../../lib/countries.ts";
import { formatMoney } from "../../lib/format.ts";
import type { Rule } from "./use-shipping-rules.ts";

/** Black or white, whichever reads better on a `#rrggbb` background. */
function readableOn(hex: string): string {
  if (!/^#[0-9a-fA-F]{6}$/.test(hex)) return "#ffffff";
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return 0.299 * r! + 0.587 * g! + 0.114 * b! > 160 ? "#1a1a1a" : "#ffffff";
}

/** The storefront as buyers would see it, following the form as it is edited. */
export function StorefrontPreview(p: {
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
