import { BlockStack, Card, Checkbox, FormLayout, Text, TextField } from "@shopify/polaris";
import type { BrandingForm } from "./use-branding-form.ts";

/** The storefront's name, address, colours, welcome text and whether it is open. */
export function BrandingCard({ form }: { form: BrandingForm }) {
  const { errors } = form;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Branding
        </Text>
        <FormLayout>
          <FormLayout.Group>
            <TextField label="Storefront name" value={form.name} onChange={form.setName} autoComplete="off" error={errors.name} maxLength={120} />
            <TextField
              label="Address"
              value={form.slug}
              onChange={(v) => form.setSlug(v.toLowerCase())}
              autoComplete="off"
              prefix="/"
              helpText="Lowercase letters, digits and dashes."
              error={errors.slug}
            />
          </FormLayout.Group>
          <FormLayout.Group>
            <ColorField label="Primary colour" value={form.primaryColor} onChange={form.setPrimary} error={errors.primaryColor} />
            <ColorField label="Accent colour" value={form.accentColor} onChange={form.setAccent} error={errors.accentColor} />
          </FormLayout.Group>
          <TextField
            label="Welcome text"
            value={form.welcomeText}
            onChange={form.setWelcome}
            autoComplete="off"
            multiline={3}
            maxLength={2000}
            showCharacterCount
            helpText="Greets buyers on your storefront and recipients when they open a gift."
            error={errors.welcomeText}
          />
          <Checkbox label="Storefront is open to buyers" checked={form.active} onChange={form.setActive} />
        </FormLayout>
      </BlockStack>
    </Card>
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
