import { Badge, Banner, BlockStack, Card, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import type { CatalogData } from "./catalog-data.ts";
import { formatDate, plural } from "../../lib/format.ts";

/** The catalog sync's state: not synced, running (with its progress), done, failed, or stopped by a broken connection. */
export function SyncCard({ sync, stopped }: { sync: CatalogData["sync"]; stopped: boolean }) {
  const running = !stopped && (sync?.status === "pending" || sync?.status === "running");
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h2" variant="headingMd">
              Sync with Shopify
            </Text>
            {stopped ? (
              <Badge tone="critical">Stopped</Badge>
            ) : sync ? (
              <Badge tone={sync.status === "completed" ? "success" : sync.status === "failed" ? "critical" : "info"}>
                {sync.status === "completed" ? "Up to date" : sync.status === "failed" ? "Failed" : "Syncing"}
              </Badge>
            ) : (
              <Badge>Not synced</Badge>
            )}
          </InlineStack>
        </InlineStack>
        {stopped ? (
          <Text as="p" tone="subdued">
            Syncing is stopped: Shopify no longer accepts Giftloop's access to your store. Reconnect (above) and the sync starts again.
            {sync?.status === "completed" ? ` Your last full sync, ${formatDate(sync.finishedAt, true)}, is kept meanwhile.` : ""}
          </Text>
        ) : running && sync ? (
          <BlockStack gap="200">
            <ProgressBar progress={Math.round(sync.progress * 100)} size="small" tone="primary" animated />
            <Text as="p" tone="subdued">
              {sync.objectCount > 0
                ? `Imported ${plural(sync.productsSynced, "product")} and ${plural(sync.variantsSynced, "variant")}…`
                : "Shopify is preparing your catalog…"}
            </Text>
          </BlockStack>
        ) : sync ? (
          <Text as="p" tone="subdued">
            {sync.status === "completed"
              ? `Last full sync ${formatDate(sync.finishedAt, true)}: ${plural(sync.productsSynced, "product")}, ${plural(sync.variantsSynced, "variant")}. Changes in Shopify arrive automatically.`
              : `The last sync failed${sync.errorMessage ? `: ${sync.errorMessage}` : ""}. Try again.`}
          </Text>
        ) : (
          <Text as="p" tone="subdued">
            Your products have not been synced yet.
          </Text>
        )}
        {sync && sync.errors.length > 0 ? (
          <Banner tone="warning" title={`${plural(sync.errors.length, "line")} of Shopify's export could not be imported`}>
            <p>The other products were imported. The next sync tries these again.</p>
          </Banner>
        ) : null}
      </BlockStack>
    </Card>
  );
}
