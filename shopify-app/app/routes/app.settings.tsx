import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { SaveBar, useAppBridge } from "@shopify/app-bridge-react";
import { BlockStack, Page } from "@shopify/polaris";
import { useEffect } from "react";
import { requireVendor } from "../context.server.ts";
import { updateVendorSettings, vendorSettings } from "@giftloop/core/vendors/settings";
import { notFound, RouteErrorBoundary } from "../components/route-states.tsx";
import { DataSection, GiftsSection, NotificationsSection } from "../components/settings/settings-sections.tsx";
import { useSettingsForm } from "../components/settings/use-settings-form.ts";

export const meta: MetaFunction = () => [{ title: "Settings · Giftloop" }];

export const loader = async (args: LoaderFunctionArgs) => {
  const { ctx } = await requireVendor(args);
  const settings = await vendorSettings(ctx);
  if (!settings) throw notFound("This store has no Giftloop account.");
  return settings;
};

export const action = async (args: ActionFunctionArgs) => {
  const { ctx } = await requireVendor(args);
  const form = await args.request.formData();
  const result = await updateVendorSettings(ctx, {
    notificationEmail: String(form.get("notificationEmail") ?? ""),
    defaultExpiryDays: String(form.get("defaultExpiryDays") ?? ""),
    shopifyNotifyCustomer: form.get("shopifyNotifyCustomer") === "on",
    remindersAfterSent: String(form.get("remindersAfterSent") ?? ""),
    remindersBeforeExpiry: String(form.get("remindersBeforeExpiry") ?? ""),
  });
  // Each field's message beside the field.
  const errors: Partial<Record<"notificationEmail" | "defaultExpiryDays" | "shopifyNotifyCustomer" | "remindersAfterSent" | "remindersBeforeExpiry", string>> = result.ok
    ? {}
    : Object.fromEntries((result.errors ?? []).map((e) => [e.path, e.message]));
  return { ok: result.ok, errors };
};

export default function Settings() {
  const s = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const shopify = useAppBridge();
  const form = useSettingsForm(s);
  const saving = navigation.state === "submitting";

  useEffect(() => {
    if (result?.ok) shopify.toast.show("Settings saved");
  }, [result, shopify]);

  return (
    <Page title="Settings">
      <Form method="post" id="settings-form">
        <SaveBar id="settings-save-bar" open={form.dirty && !saving}>
          <button variant="primary" onClick={() => (document.getElementById("settings-form") as HTMLFormElement | null)?.requestSubmit()}>
            Save
          </button>
          <button onClick={form.discard}>Discard</button>
        </SaveBar>
        <BlockStack gap="500">
          <NotificationsSection form={form} errors={result?.errors} />
          <GiftsSection form={form} errors={result?.errors} />
          <DataSection s={s} />
        </BlockStack>
      </Form>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBoundary title="Settings could not be loaded" />;
}
