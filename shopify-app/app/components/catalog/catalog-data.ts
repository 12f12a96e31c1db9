import type { useLoaderData } from "@remix-run/react";
import type { action, loader } from "../../routes/app.catalog.tsx";

/** The Catalog page's loader data, as the page receives it. */
export type CatalogData = ReturnType<typeof useLoaderData<typeof loader>>;
/** The page's search and filters, from its URL. */
export type FilterValues = CatalogData["filters"];
export type CatalogProduct = CatalogData["page"]["items"][number];
export type CatalogAction = typeof action;
