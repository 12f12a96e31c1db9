import { useFetcher } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Box, Page, Text } from "@shopify/polaris";
import { useEffect, useRef } from "react";
import { formatDate, plural } from "../lib/format.ts";

export interface ConnectionState {
  broken: boolean;
  since: string | null;
  reason: string | null;
  /** Redeemed gifts waiting for the connection to become Shopify orders. */
  held: number;
}

/**
 * Shown above every page while Shopify refuses the app's access token: what stopped and the
 * way back. Opening the app tries a fresh token exchange; so does "Reconnect".
 */
export function ConnectionBanner({ connection }: { connection: ConnectionState }) {
  const reconnect = useFetcher<{ reconnected: boolean; reason: string | null }>();
  const shopify = useAppBridge();
  const wasBroken = useRef(connection.broken);
  useEffect(() => {
    if (wasBroken.current && !connection.broken) shopify.toast.show("Reconnected to Shopify");
    wasBroken.current = connection.broken;
  }, [connection.broken, shopify]);
  useEffect(() => {
    if (reconnect.state === "idle" && reconnect.data && !reconnect.data.reconnected) {
      shopify.toast.show("Shopify still refuses Giftloop's access", { isError: true });
    }
  }, [reconnect.state, reconnect.data, shopify]);
  if (!connection.broken) return null;
  const held = connection.held ? ` and ${plural(connection.held, "redeemed gift")} ${connection.held === 1 ? "waits" : "wait"} to become a Shopify order` : "";
  return (
    <Box paddingBlockEnd="0">
      <Page>
        <Banner
          tone="critical"
          title="Giftloop lost access to your Shopify store"
          action={{ content: "Reconnect", onAction: () => reconnect.submit(null, { method: "post", action: "/app/reconnect" }), loading: reconnect.state !== "idle" }}
        >
          <BlockStack gap="100">
            <Text as="p">
              {connection.since ? `Since ${formatDate(connection.since, true)}, ` : ""}
              {connection.reason ?? "Shopify refuses Giftloop's access token"}. Until you reconnect, your catalog does not sync{held}.
            </Text>
            <Text as="p" tone="subdued">
              If reconnecting keeps failing, open Giftloop again from Apps in your Shopify admin.
            </Text>
          </BlockStack>
        </Banner>
      </Page>
    </Box>
  );
}
