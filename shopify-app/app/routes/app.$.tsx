import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Card, Layout, Page } from "@shopify/polaris";
import { requireVendor } from "../context.server.ts";
import { Empty } from "../components/empty.tsx";
import { notFound, RouteErrorBoundary } from "../components/route-states.tsx";

/**
 * Any /app path no other route knows: a Polaris "page not found" inside the app frame, with
 * the app's navigation, answered 404 (after the usual authentication, so the admin keeps its
 * session and menu).
 */
export const meta: MetaFunction = () => [{ title: "Page not found · Giftloop" }];

export const loader = async (args: LoaderFunctionArgs) => {
  await requireVendor(args);
  throw notFound("There is no page at this address in Giftloop.");
};

export default function Unknown() {
  return null;
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (!isRouteErrorResponse(error) || error.status !== 404) return <RouteErrorBoundary />;
  return (
    <Page title="Page not found">
      <Layout>
        <Layout.Section>
          <Card>
            <Empty heading="There's no page at this address" action={{ content: "Go to Home", url: "/app" }} secondaryAction={{ content: "See your gift orders", url: "/app/orders" }}>
              <p>Check the web address and try again, or use the menu to find what you're looking for.</p>
            </Empty>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
