import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useRouteError } from "@remix-run/react";
import { ShopifyError } from "@shopify/shopify-api";
import { boundary } from "@shopify/shopify-app-remix/server";
import { depsOf } from "../context.server.ts";
import { normalizeShopDomain } from "@giftloop/core/platform/shop-domain";
import { shopifyFor } from "../shopify.server.ts";

const EXIT_IFRAME_PATH = "/auth/exit-iframe";

const badRequest = (text: string) => new Response(text, { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });

/** Shopify's auth paths (`/auth/session-token` bounce page, `/auth/exit-iframe`). */
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  // The library writes the shop into the bounce page's headers unchecked: a shop that is not
  // exactly `{store}.myshopify.com` (Shopify sends no other) is refused here.
  const shop = new URL(request.url).searchParams.get("shop");
  if (shop !== null && normalizeShopDomain(shop) !== shop) throw badRequest("The shop parameter is not a Shopify shop domain ({store}.myshopify.com).");
  try {
    await shopifyFor(depsOf(context)).authenticate.admin(request);
  } catch (err) {
    // The library refuses an exit-iframe destination outside the app and Shopify admin by
    // throwing; that is the caller's bad input (400), not a failure of ours (500).
    if (err instanceof ShopifyError && new URL(request.url).pathname === EXIT_IFRAME_PATH) {
      throw badRequest("This exit-iframe destination is not one the app redirects to.");
    }
    throw err;
  }
  return null;
};

export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
