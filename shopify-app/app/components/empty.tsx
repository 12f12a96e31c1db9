import { EmptyState } from "@shopify/polaris";
import type { ComponentProps } from "react";
import emptyGift from "../assets/empty-gift.svg?url";

/** Polaris EmptyState with the app's own illustration (served with the app, not from a CDN). */
export function Empty(props: Omit<ComponentProps<typeof EmptyState>, "image"> & { image?: string }) {
  return <EmptyState image={emptyGift} {...props} />;
}
