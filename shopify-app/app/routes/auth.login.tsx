import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AppProvider, Button, Card, FormLayout, Page, Text, TextField } from "@shopify/polaris";
import polarisTranslations from "@shopify/polaris/locales/en.json" with { type: "json" };
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { useState } from "react";
import { depsOf } from "../context.server.ts";
import { shopifyFor } from "../shopify.server.ts";
import { normalizeShopDomain } from "@giftloop/core/platform/shop-domain";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];
export const meta: MetaFunction = () => [{ title: "Log in · Giftloop" }];

const MESSAGE = "Enter your store's address, like my-shop.myshopify.com.";

async function login(request: Request, deps: ReturnType<typeof depsOf>) {
  const login = shopifyFor(deps).login;
  if (!login) throw new Response("Not found", { status: 404 });
  // Normalise what people paste (admin URLs, capitals) before Shopify's own check.
  if (request.method === "POST") {
    const form = await request.clone().formData();
    const raw = String(form.get("shop") ?? "");
    if (raw && !normalizeShopDomain(raw)) return { error: MESSAGE };
    const shop = normalizeShopDomain(raw);
    if (shop) {
      const body = new URLSearchParams({ shop });
      request = new Request(request.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    }
  }
  const errors = await login(request);
  return { error: errors.shop ? MESSAGE : null };
}

export const loader = async ({ request, context }: LoaderFunctionArgs) => login(request, depsOf(context));
export const action = async ({ request, context }: ActionFunctionArgs) => login(request, depsOf(context));

export default function Login() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [shop, setShop] = useState("");
  const error = actionData?.error ?? loaderData?.error ?? undefined;
  return (
    <AppProvider i18n={polarisTranslations}>
      <Page narrowWidth>
        <Card>
          <Form method="post">
            <FormLayout>
              <Text variant="headingMd" as="h2">
                Log in to Giftloop
              </Text>
              <TextField
                type="text"
                name="shop"
                label="Shop domain"
                helpText="example.myshopify.com"
                value={shop}
                onChange={setShop}
                autoComplete="on"
                error={error}
              />
              <Button submit variant="primary">
                Log in
              </Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </AppProvider>
  );
}
