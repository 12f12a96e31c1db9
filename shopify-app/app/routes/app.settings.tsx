import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { SaveBar, useAppBridge } from "@shopify/app-bridge-react";
import { BlockStack, Box, Card, Checkbox, FormLayout, InlineGrid, List, Page, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { requireVendor } from "../context.server.ts";
import { updateVendorSettings, vendorSettings } from "../../../core/src/vendors/settings.ts";
import { notFound, RouteErrorBoundary } from "../components/route-states.tsx";
import { formatDate, plural } from "../lib/format.ts";

export const meta: MetaFunction = () => [{ title: "Settings · Giftloop" }];

export const loader = async (args: LoaderFunctionArgs) => {
  const { deps, vendorId } = await requireVendor(args);
  const settings = await vendorSettings(deps, vendorId);
  if (!settings) throw notFound("This store has no Giftloop account.");
  return settings;
};

export const action = async (args: ActionFunctionArgs) => {
  const { deps, vendorId } = await requireVendor(args);
  const form = await args.request.formData();
  const result = await updateVendorSettings(deps, vendorId, {
    notificationEmail: String(form.get("notificationEmail") ?? ""),
    defaultExpiryDays: String(form.get("defaultExpiryDays") ?? ""),
    shopifyNotifyCustomer: form.get("shopifyNotifyCustomer") === "on",
  });
  const errors: Partial<Record<"notificationEmail" | "defaultExpiryDays" | "shopifyNotifyCustomer", string>> = result.ok ? {} : result.errors;
  return { ok: result.ok, errors };
};

export default function Settings() {
  const s = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const shopify = useAppBridge();
  const initial = { email: s.notificationEmail ?? "", expiry: String(s.defaultExpiryDays), notify: s.shopifyNotifyCustomer };
  const [email, setEmail] = useState(initial.email);
  const [expiry, setExpiry] = useState(initial.expiry);
  const [notify, setNotify] = useState(initial.notify);
  const dirty = email !== initial.email || expiry !== initial.expiry || notify !== initial.notify;
  const saving = navigation.state === "submitting";

  useEffect(() => {
    if (result?.ok) shopify.toast.show("Settings saved");
  }, [result, shopify]);

  const discard = () => {
    setEmail(initial.email);
    setExpiry(initial.expiry);
    setNotify(initial.notify);
  };

  return (
    <Page title="Settings">
      <Form method="post" id="settings-form">
        <SaveBar id="settings-save-bar" open={dirty && !saving}>
          <button variant="primary" onClick={() => (document.getElementById("settings-form") as HTMLFormElement | null)?.requestSubmit()}>
            Save
          </button>
          <button onClick={discard}>Discard</button>
        </SaveBar>
        <BlockStack gap="500">
          <InlineGrid columns={{ xs: 1, md: "2fr 5fr" }} gap="400">
            <Box as="section" paddingInlineStart={{ xs: "400", sm: "0" }}>
              <BlockStack gap="200">
                <Text as="h3" variant="headingMd">
                  Notifications
                </Text>
                <Text as="p" tone="subdued">
                  Where Giftloop sends new gift orders, low-stock warnings and payout summaries.
                </Text>
              </BlockStack>
            </Box>
            <Card>
              <FormLayout>
                <TextField
                  label="Notification email"
                  name="notificationEmail"
                  type="email"
                  autoComplete="email"
                  value={email}
                  onChange={setEmail}
                  placeholder="gifting@yourbrand.com"
                  helpText="Leave empty to use your Shopify store's contact email."
                  error={result?.errors.notificationEmail}
                />
              </FormLayout>
            </Card>
          </InlineGrid>
          <InlineGrid columns={{ xs: 1, md: "2fr 5fr" }} gap="400">
            <Box as="section" paddingInlineStart={{ xs: "400", sm: "0" }}>
              <BlockStack gap="200">
                <Text as="h3" variant="headingMd">
                  Gifts
                </Text>
                <Text as="p" tone="subdued">
                  Defaults for new gift offers and for the Shopify orders Giftloop creates.
                </Text>
              </BlockStack>
            </Box>
            <Card>
              <FormLayout>
                <TextField
                  label="Default gift expiry"
                  name="defaultExpiryDays"
                  type="number"
                  min={7}
                  max={730}
                  suffix="days"
                  autoComplete="off"
                  value={expiry}
                  onChange={setExpiry}
                  helpText="How long recipients have to redeem a gift after it is sent. Each offer can override it."
                  error={result?.errors.defaultExpiryDays}
                />
                <Checkbox
                  label="Let Shopify email recipients about their gift orders"
                  name="shopifyNotifyCustomer"
                  checked={notify}
                  onChange={setNotify}
                  helpText="Off by default: Giftloop sends its own gift and shipping emails, and gifts are often a surprise."
                />
              </FormLayout>
            </Card>
          </InlineGrid>
          <InlineGrid columns={{ xs: 1, md: "2fr 5fr" }} gap="400">
            <Box as="section" paddingInlineStart={{ xs: "400", sm: "0" }}>
              <BlockStack gap="200">
                <Text as="h3" variant="headingMd">
                  Data and uninstalling
                </Text>
                <Text as="p" tone="subdued">
                  What Giftloop keeps for {s.name} and what happens if you remove the app.
                </Text>
              </BlockStack>
            </Box>
            <Card>
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
            </Card>
          </InlineGrid>
        </BlockStack>
      </Form>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBoundary title="Settings could not be loaded" />;
}
