import { BlockStack, Box, Card, DropZone, InlineError, InlineStack, Text, Thumbnail } from "@shopify/polaris";
import { ImageIcon } from "@shopify/polaris-icons";
import type { StorefrontData } from "./storefront-data.ts";
import type { LogoUpload } from "./use-logo-upload.ts";

/** The storefront's logo and a drop zone to add or replace it (once the storefront exists). */
export function LogoCard({ saved, logoUrl, rules, upload }: { saved: boolean; logoUrl: string | null; rules: StorefrontData["logoRules"]; upload: LogoUpload }) {
  const logo = upload.fetcher;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Logo
        </Text>
        {!saved ? (
          <Text as="p" tone="subdued">
            Save the storefront first, then add your logo.
          </Text>
        ) : (
          <InlineStack gap="400" blockAlign="center" wrap={false}>
            <Thumbnail source={logoUrl ?? ImageIcon} alt="Logo" size="large" />
            <Box width="100%">
              <DropZone
                accept={rules.types.join(",")}
                type="image"
                allowMultiple={false}
                onDrop={(_all, accepted, rejected) => upload.drop(accepted, rejected)}
                error={Boolean(upload.error)}
                disabled={logo.state !== "idle"}
              >
                <DropZone.FileUpload actionTitle={logoUrl ? "Replace logo" : "Add logo"} actionHint={`PNG, JPEG or WebP, up to ${rules.maxMb} MB`} />
              </DropZone>
            </Box>
          </InlineStack>
        )}
        {upload.error ? (
          <InlineError message={upload.error} fieldID="storefront-logo" />
        ) : logo.state === "idle" && logo.data && !logo.data.ok ? (
          <InlineError message={logo.data.message ?? "The logo could not be saved."} fieldID="storefront-logo" />
        ) : null}
      </BlockStack>
    </Card>
  );
}
