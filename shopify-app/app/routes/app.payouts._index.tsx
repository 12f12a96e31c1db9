import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Layout, Page, Text } from "@shopify/polaris";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { requireVendor } from "../context.server.ts";
import {
  onboardingReturnUrls,
  openPayoutDashboard,
  payoutAccount,
  refreshPayoutAccount,
  startOnboarding,
  ACCOUNT_REFUSAL_STATUS,
} from "@giftloop/core/payouts/account/payout-account";
import { notFound, RouteErrorBoundary } from "../components/route-states.tsx";
import { PayoutAccountCard } from "../components/payout-account-card.tsx";
import { PayoutSummary } from "../components/payout-summary.tsx";
import { PayoutsList } from "../components/payouts-list.tsx";
import { listVendorPayouts, PayoutCursorError, payoutSummary } from "@giftloop/core/payouts/vendor-payouts";

export const meta: MetaFunction = () => [{ title: "Payouts · Giftloop" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisVizStyles }];

/**
 * Payouts: the brand's Stripe account (onboarding), and what Giftloop owes and has paid.
 * Stripe sends the brand back here (`?stripe=return`: the account is read again, since
 * returning says nothing about the outcome; `?stripe=refresh`: the link was used or expired,
 * the page mints a new one and goes on).
 */
export const loader = async (args: LoaderFunctionArgs) => {
  const { deps, ctx } = await requireVendor(args);
  const url = new URL(args.request.url);
  const stripe = url.searchParams.get("stripe");
  // A refusal here (Stripe unreachable) leaves the account as last known, which the page shows.
  if (stripe === "return") await refreshPayoutAccount(ctx, deps);
  const account = await payoutAccount(ctx);
  if (!account) throw notFound("This store has no Giftloop account.");
  let list;
  try {
    list = await listVendorPayouts(ctx, url.searchParams.get("cursor"));
  } catch (err) {
    if (err instanceof PayoutCursorError) throw new Response("This page of payouts does not exist.", { status: 400 });
    throw err;
  }
  const { currencies } = await payoutSummary(ctx);
  return { account, returned: stripe === "return", autoContinue: stripe === "refresh", currencies, ...list };
};


export const action = async (args: ActionFunctionArgs) => {
  const { deps, ctx, shop } = await requireVendor(args);
  const intent = (await args.request.formData()).get("intent");
  const result =
    intent === "onboard"
      ? await startOnboarding(ctx, deps, onboardingReturnUrls(deps.config, shop))
      : intent === "dashboard"
        ? await openPayoutDashboard(ctx, deps)
        : undefined;
  if (!result) return Response.json({ error: "Unknown action." }, { status: 400 });
  if (!result.ok) return Response.json({ error: result.detail, code: result.code }, { status: ACCOUNT_REFUSAL_STATUS[result.code] });
  return { url: result.url };
};

export default function Payouts() {
  const { account, returned, autoContinue, currencies, payouts, nextCursor } = useLoaderData<typeof loader>();
  return (
    <Page title="Payouts" subtitle="Your share of every gift you ship, net of Giftloop's commission, paid to your Stripe account">
      <Layout>
        <Layout.Section>
          <PayoutAccountCard account={account} returned={returned} autoContinue={autoContinue} />
        </Layout.Section>
        {currencies.map((summary) => (
          <Layout.Section key={summary.currency}>
            <PayoutSummary summary={summary} />
          </Layout.Section>
        ))}
        <Layout.Section>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              Payouts
            </Text>
            <PayoutsList payouts={payouts} nextCursor={nextCursor} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBoundary title="Payouts could not be loaded" />;
}
