import type { BlockView } from "./gift-view.ts";

/** The block's markup for a view (Polaris web components); no data access here. */
export function GiftBlock({ view }: { view: BlockView }) {
  if (view.kind === "loading") {
    return (
      <s-admin-block heading={view.heading}>
        <s-spinner accessibilityLabel="Loading the gift" />
      </s-admin-block>
    );
  }
  if (view.kind !== "gift") {
    return (
      <s-admin-block heading={view.heading} collapsedSummary={view.kind === "error" ? "Could not load" : "Not a gift"}>
        {view.kind === "error" ? <s-banner tone="critical">{view.text}</s-banner> : <s-text color="subdued">{view.text}</s-text>}
      </s-admin-block>
    );
  }
  return (
    <s-admin-block heading={view.heading} collapsedSummary={view.summary}>
      <s-stack direction="block" gap="base">
        <s-text>{view.summary}</s-text>
        {view.units.map((u) => (
          <s-stack key={u.key} direction="block" gap="small-200">
            <s-stack direction="inline" gap="small-200" alignItems="center">
              <s-text type="strong">{u.recipient}</s-text>
              <s-badge tone={u.badge.tone}>{u.badge.label}</s-badge>
            </s-stack>
            <s-paragraph>{u.message}</s-paragraph>
            {u.tracking ? (
              u.tracking.url ? (
                <s-link href={u.tracking.url} target="_blank">
                  {u.tracking.text}
                </s-link>
              ) : (
                <s-text>{u.tracking.text}</s-text>
              )
            ) : null}
            <s-link href={u.href}>Open in Giftloop</s-link>
          </s-stack>
        ))}
      </s-stack>
    </s-admin-block>
  );
}
