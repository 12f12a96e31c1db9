import type { useLoaderData } from "@remix-run/react";
import type { loader } from "../../routes/app.orders._index.tsx";

/** The Orders page's loader data, as the page receives it. */
export type OrdersData = ReturnType<typeof useLoaderData<typeof loader>>;
export type OrderRowData = OrdersData["rows"][number];
