import { BlockStack, Box, Card, Checkbox, FormLayout, InlineGrid, List, Text, TextField } from "@shopify/polaris";
import type { ReactNode } from "react";
import { formatDate, plural } from "../../lib/format.ts";
import type { SettingsData, SettingsErrors } from "./settings-data.ts";
import type { SettingsForm } from "./use-settings-form.ts";

/** One settings section: its title and what it is about beside (or above, on narrow screens) its card. */
function SettingsSection({ title, description, children }: { title: string; description: ReactNode; children: ReactNode }) {
  return (
    <InlineGrid columns={{ xs: 1, md: "2fr 5fr" }} gap="400">
      <Box as="section" paddingInlineStart={{ xs: "400", sm: "0" }}>
        <BlockStack gap="200">
          <Text as="h3" variant="headingMd">
            {title}
          </Text>
          <Text as="p" tone="subdued">
            {description}
          </Text>
        </BlockStack>
      </Box>
      <Card>{children}</Card>
    </InlineGrid>
  );
}

/** Where the brand's notification emails go. */
export function NotificationsSection({ form, errors }: { form: SettingsForm; errors: SettingsErrors }) {
  return (
    <SettingsSection
      title="Notifications"
      description="Where Giftloop emails you each new paid gift order, and a warning when gifts waiting to be redeemed need more stock than you have. Payout summaries will come here too."
    >
      <FormLayout>
        <TextField
          label="Notification email"
          name="notificationEmail"
          type="email"
          autoComplete="email"
          value={form.email}
          onChange={form.setEmail}
          placeholder="gifting@yourbrand.com"
          helpText="Leave empty to use your Shopify store's contact email."
          error={errors?.notificationEmail}
        />
      </FormLayout>
    </SettingsSection>
  );
}

/** Defaults for gifts: their expiry, Shopify's own customer emails, and reminders to recipients. */
export function GiftsSection({ form, errors }: { form: SettingsForm; errors: SettingsErrors }) {
  return (
    <SettingsSection title="Gifts" description="Defaults for new gift offers and for the Shopify orders Giftloop creates.">
      <FormLayout>
        <TextField
          label="Default gift expiry"
          name="defaultExpiryDays"
          type="number"
          min={7}
          max={730}
          suffix="days"
          autoComplete="off"
          value={form.expiry}
          onChange={form.setExpiry}
          helpText="How long recipients have to redeem a gift after it is sent. Each offer can override it."
          error={errors?.defaultExpiryDays}
        />
        <Checkbox
          label="Let Shopify email recipients about their gift orders"
          name="shopifyNotifyCustomer"
          checked={form.notify}
          onChange={form.setNotify}
          helpText="Off by default: Giftloop sends its own gift and shipping emails, and gifts are often a surprise."
        />
        <FormLayout.Group>
          <TextField
            label="Remind recipients after"
            name="remindersAfterSent"
            suffix="days"
            autoComplete="off"
            value={form.afterSent}
            onChange={form.setAfterSent}
            helpText="Days after the gift email, e.g. 3, 10. Empty: no reminders."
            error={errors?.remindersAfterSent}
          />
          <TextField
            label="And before expiry"
            name="remindersBeforeExpiry"
            suffix="days before"
            autoComplete="off"
            value={form.beforeExpiry}
            onChange={form.setBeforeExpiry}
            helpText="Until redeemed; buyers can set their own per order."
            error={errors?.remindersBeforeExpiry}
          />
        </FormLayout.Group>
      </FormLayout>
    </SettingsSection>
  );
}

/** What Giftloop keeps for the brand and what uninstalling does (read only). */
export function DataSection({ s }: { s: SettingsData }) {
  return (
    <SettingsSection title="Data and uninstalling" description={<>What Giftloop keeps for {s.name} and what happens if you remove the app.</>}>
      <BlockStack gap="300">
        <Text as="p">
          Installed on {s.shopDomain} since {formatDate(s.installedAt)}. Giftloop stores {plural(s.data.products, "product")} from your
          catalog, {plural(s.data.offers, "gift offer")}, {plural(s.data.storefronts, "storefront")} and{" "}
          {plural(s.data.units, "recipient gift")}. Your Shopify access token is stored encrypted.
        </Text>
        <List type="bullet">
          <List.Item>If you uninstall, your storefront and offers close at once; nothing new can be ordered.</List.Item>
          <List.Item>Gifts already paid for stay redeemable; recipients' orders reach you as long as the app can create them, otherwise our team contacts you.</List.Item>
          <List.Item>Reinstalling within 48 hours restores everything. After that, Shopify asks us to erase your store's data, and we do.</List.Item>
          <List.Item>Recipients' personal data is erased on request through Shopify's data requests.</List.Item>
        </List>
        <Text as="p" tone="subdued">
          Remove the app from Shopify admin under Settings → Apps and sales channels.
        </Text>
      </BlockStack>
    </SettingsSection>
  );
}
