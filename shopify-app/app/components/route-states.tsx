import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, BlockStack, Card, Layout, Page, SkeletonBodyText, SkeletonDisplayText, SkeletonPage, Text } from "@shopify/polaris";

/**
 * Loading and error states shared by the admin pages: a skeleton of the page being opened
 * (shown while its loader runs) and an error boundary that keeps the admin frame usable.
 */
export function PageSkeleton({ title, kind = "list" }: { title?: string; kind?: "list" | "form" | "dashboard" }) {
  return (
    <SkeletonPage title={title} primaryAction={kind !== "dashboard"}>
      <Layout>
        {kind === "dashboard" ? (
          <>
            <Layout.Section>
              <Card>
                <BlockStack gap="400">
                  <SkeletonDisplayText size="small" />
                  <SkeletonBodyText lines={4} />
                </BlockStack>
              </Card>
            </Layout.Section>
            <Layout.Section variant="oneThird">
              <Card>
                <SkeletonBodyText lines={6} />
              </Card>
            </Layout.Section>
          </>
        ) : kind === "form" ? (
          <>
            <Layout.Section>
              <Card>
                <SkeletonBodyText lines={6} />
              </Card>
            </Layout.Section>
            <Layout.Section variant="oneThird">
              <Card>
                <SkeletonBodyText lines={4} />
              </Card>
            </Layout.Section>
          </>
        ) : (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <SkeletonDisplayText size="small" />
                <SkeletonBodyText lines={10} />
              </BlockStack>
            </Card>
          </Layout.Section>
        )}
      </Layout>
    </SkeletonPage>
  );
}

/** A route's ErrorBoundary: a critical banner with what went wrong, inside a normal page. */
export function RouteErrorBoundary({ title = "Something went wrong" }: { title?: string }) {
  const error = useRouteError();
  let heading = title;
  let detail = "The page could not be loaded. Try again; if it keeps happening, contact Giftloop support.";
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) {
      heading = "Not found";
      detail = typeof error.data === "string" && error.data ? error.data : "This page does not exist, or it belongs to another store.";
    } else if (typeof error.data === "string" && error.data) {
      detail = error.data;
    }
  }
  return (
    <Page title={heading}>
      <Layout>
        <Layout.Section>
          <Banner tone="critical" title={heading}>
            <Text as="p">{detail}</Text>
          </Banner>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function notFound(message: string): Response {
  return new Response(message, { status: 404, statusText: "Not Found" });
}
