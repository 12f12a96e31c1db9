import type { HeadersFunction, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useLocation, useNavigation, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { requireVendor } from "../context.server.ts";
import { PageSkeleton } from "../components/route-states.tsx";
import { ConnectionBanner } from "../components/connection-banner.tsx";
import { countConnectionHolds } from "@giftloop/core/fulfillment/push/push-holds";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async (args: LoaderFunctionArgs) => {
  const { deps, connection, ctx } = await requireVendor(args);
  return {
    apiKey: deps.config.SHOPIFY_API_KEY,
    // Sandbox mode only: the local App Bridge stand-in instead of Shopify's CDN script.
    appBridgeUrl: deps.config.SHOPIFY_APP_BRIDGE_URL ?? null,
    connection: {
      broken: connection.broken,
      since: connection.since?.toISOString() ?? null,
      reason: connection.reason,
      held: connection.broken ? await countConnectionHolds(ctx) : 0,
    },
  };
};

/** Which skeleton to show while the page being opened loads. */
const SKELETONS: Array<[RegExp, string | undefined, "list" | "form" | "dashboard"]> = [
  [/^\/app\/?$/, "Home", "dashboard"],
  [/^\/app\/catalog/, "Catalog", "list"],
  [/^\/app\/offers\/?$/, "Gift offers", "list"],
  [/^\/app\/offers\/.+/, undefined, "form"],
  [/^\/app\/storefront/, "Storefront", "form"],
  [/^\/app\/orders\/?$/, "Gift orders", "list"],
  [/^\/app\/(orders|units)\/.+/, undefined, "list"],
  [/^\/app\/settings/, "Settings", "form"],
  [/^\/app\/payouts\/?$/, "Payouts", "dashboard"],
  [/^\/app\/payouts\/.+/, undefined, "list"],
];

export default function AppLayout() {
  const { apiKey, appBridgeUrl, connection } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const location = useLocation();
  const target = navigation.state === "loading" ? navigation.location : undefined;
  const skeleton = target && target.pathname !== location.pathname ? SKELETONS.find(([re]) => re.test(target.pathname)) : undefined;
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}>
      <NavMenu>
        <Link to="/app" rel="home">
          Home
        </Link>
        <Link to="/app/catalog">Catalog</Link>
        <Link to="/app/offers">Gift offers</Link>
        <Link to="/app/storefront">Storefront</Link>
        <Link to="/app/orders">Orders</Link>
        <Link to="/app/payouts">Payouts</Link>
        <Link to="/app/settings">Settings</Link>
      </NavMenu>
      <ConnectionBanner connection={connection} />
      {skeleton ? <PageSkeleton title={skeleton[1]} kind={skeleton[2]} /> : <Outlet />}
    </AppProvider>
  );
}

// Shopify needs Remix to catch its thrown responses (bounce to refresh the session token,
// exit the iframe) so that their headers reach the browser.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
