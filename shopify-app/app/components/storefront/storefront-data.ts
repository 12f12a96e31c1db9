import type { useLoaderData } from "@remix-run/react";
import type { action, loader } from "../../routes/app.storefront.tsx";

/** The Storefront page's loader data, as the page receives it. */
export type StorefrontData = ReturnType<typeof useLoaderData<typeof loader>>;
export type StorefrontAction = typeof action;
