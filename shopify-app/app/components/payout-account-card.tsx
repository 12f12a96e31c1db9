import { useFetcher } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, List, Text } from "@shopify/polaris";
import { useEffect, useRef } from "react";
import type { PayoutAccountView } from "@giftloop/core/payouts/account/payout-account";

/**
 * The Payouts page's Stripe card: where the brand's connected account stands, in words, and
 * what the brand can do next. "Set up payouts" / "Continue setup" ask the page's action for a
 * fresh onboarding link and open it in the whole window (App Bridge opens `_top` URLs from
 * the admin); "View Stripe dashboard" does the same with a one-time login link.
 */
type AccountJson = Omit<PayoutAccountView, "updatedAt"> & { updatedAt: string | null };
export type LinkResult = { url: string } | { error: string };

const BADGES: Record<AccountJson["status"], { label: string; tone?: "success" | "attention" | "critical" | "info" }> = {
  not_started: { label: "Not set up" },
  onboarding: { label: "In progress", tone: "info" },
  restricted: { label: "Action needed", tone: "attention" },
  active: { label: "Active", tone: "success" },
  disabled: { label: "Disabled", tone: "critical" },
};

function statusText(a: AccountJson): string {
  switch (a.status) {
    case "not_started":
      return "Connect a Stripe account so Giftloop can pay you your share of every gift you ship. Stripe asks for your business details and a bank account; it takes a few minutes.";
    case "onboarding":
      return a.disabledReason === "requirements.pending_verification"
        ? "You sent Stripe everything it asked for. Stripe is verifying it; payouts start once it has."
        : "You started setting up payouts with Stripe but have not finished. Continue where you left off.";
    case "restricted":
      return "Stripe needs more information before it can send you money. Payouts wait until you provide it.";
    case "active":
      return "Stripe is set up. Giftloop pays your share of each shipped gift to your Stripe account, and Stripe pays it out to your bank.";
    case "disabled":
      return `${a.disabledReasonInWords ?? "Payouts to this account are disabled."} Payouts wait until this is resolved; contact Giftloop support.`;
  }
}

export function useOpenTopLevel(fetcher: { data?: unknown; state: string }) {
  const opened = useRef<string | null>(null);
  useEffect(() => {
    const data = fetcher.data as LinkResult | undefined;
    if (fetcher.state === "idle" && data && "url" in data && opened.current !== data.url) {
      opened.current = data.url;
      // Stripe's pages cannot load inside the admin's frame: open them in the whole window.
      window.open(data.url, "_top");
    }
  }, [fetcher.data, fetcher.state]);
}

export function PayoutAccountCard({ account, returned, autoContinue }: { account: AccountJson; returned: boolean; autoContinue: boolean }) {
  const onboard = useFetcher<LinkResult>();
  const dashboard = useFetcher<LinkResult>();
  useOpenTopLevel(onboard);
  useOpenTopLevel(dashboard);
  const canContinue = account.status === "not_started" || account.status === "onboarding" || account.status === "restricted";
  const started = useRef(false);
  useEffect(() => {
    // Stripe sent the brand back for a new link (the last one was used or expired): go on.
    if (autoContinue && canContinue && !started.current) {
      started.current = true;
      onboard.submit({ intent: "onboard" }, { method: "post" });
    }
  }, [autoContinue, canContinue, onboard]);
  const error = [onboard.data, dashboard.data].find((d): d is { error: string } => Boolean(d && "error" in d))?.error;
  const badge = BADGES[account.status];
  const busy = onboard.state !== "idle";
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <Text as="h2" variant="headingMd">
            Stripe account
          </Text>
          <Badge {...(badge.tone ? { tone: badge.tone } : {})}>{badge.label}</Badge>
        </InlineStack>
        {returned && account.status !== "active" && account.status !== "disabled" ? (
          <Banner tone="info" title="Your setup is not finished yet">
            <p>Stripe has what you entered so far. Returning from Stripe does not complete setup: the status below is what Stripe says now.</p>
          </Banner>
        ) : null}
        {returned && account.status === "active" ? <Banner tone="success" title="Payouts are set up" /> : null}
        <Text as="p">{statusText(account)}</Text>
        {account.requirementsInWords.length > 0 && account.status !== "not_started" ? (
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">
              {account.status === "active" ? "Stripe will soon need" : "Stripe needs"}
            </Text>
            <List type="bullet">
              {account.requirementsInWords.map((r) => (
                <List.Item key={r}>{r}</List.Item>
              ))}
            </List>
          </BlockStack>
        ) : null}
        {error ? (
          <Banner tone="critical" title="Stripe could not be opened">
            <p>{error}</p>
          </Banner>
        ) : null}
        {autoContinue && busy ? <Text as="p" tone="subdued">Opening Stripe with a new link…</Text> : null}
        <InlineStack gap="200">
          {canContinue ? (
            <Button variant="primary" loading={busy} onClick={() => onboard.submit({ intent: "onboard" }, { method: "post" })}>
              {account.status === "not_started" ? "Set up payouts" : "Continue setup"}
            </Button>
          ) : null}
          {account.dashboardAvailable ? (
            <Button loading={dashboard.state !== "idle"} onClick={() => dashboard.submit({ intent: "dashboard" }, { method: "post" })}>
              View Stripe dashboard
            </Button>
          ) : null}
        </InlineStack>
        {account.stripeAccountId ? (
          <Text as="p" variant="bodySm" tone="subdued">
            Stripe account {account.stripeAccountId}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}
