import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { depsOf } from "../context.server.ts";
import { shopifyFor } from "../shopify.server.ts";

export const meta: MetaFunction = () => [{ title: "Giftloop · corporate gifting for Shopify brands" }];

/** The app URL Shopify opens: inside the admin it carries `shop`, so go to the app. */
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return { showForm: Boolean(shopifyFor(depsOf(context)).login) };
};

export default function Landing() {
  const { showForm } = useLoaderData<typeof loader>();
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 560, margin: "64px auto", padding: 16, lineHeight: 1.5 }}>
      <h1>Giftloop</h1>
      <p>Corporate gifting for Shopify brands: sync your catalog, build gift offers, and ship to every recipient.</p>
      {showForm ? (
        <Form method="post" action="/auth/login">
          <label>
            <span>Shop domain</span>
            <input type="text" name="shop" placeholder="my-shop.myshopify.com" style={{ display: "block", width: "100%", padding: 8 }} />
          </label>
          <p>
            <button type="submit">Log in</button>
          </p>
        </Form>
      ) : null}
    </main>
  );
}
