import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { depsOf } from "../context.server.ts";
import { shopifyFor } from "../shopify.server.ts";

/** Shopify's auth paths (`/auth/session-token` bounce page, `/auth/exit-iframe`). */
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  await shopifyFor(depsOf(context)).authenticate.admin(request);
  return null;
};

export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
