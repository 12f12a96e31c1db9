import type { ActionView, FormState } from "./action-view.ts";

/** The action's markup (Polaris web components) for a view; events go to the callbacks. */
export function GiftingForm(props: {
  view: ActionView;
  form: FormState;
  busy: boolean;
  message: { tone: "critical" | "success"; text: string } | null;
  onGiftable: (v: boolean) => void;
  onOffer: (offerId: string) => void;
  onSave: () => void;
  onCancel: () => void;
}) {
  const { view, form, busy, message } = props;
  return (
    <s-admin-action heading={`Gifting: ${view.title}`}>
      <s-stack direction="block" gap="base">
        {message ? <s-banner tone={message.tone}>{message.text}</s-banner> : null}
        {view.error ? <s-banner tone="warning">{view.error}</s-banner> : null}
        <s-checkbox
          label="Giftable (brands' buyers can send it as a gift)"
          checked={form.giftable}
          onChange={(e: Event) => props.onGiftable((e.currentTarget as HTMLInputElement).checked)}
        />
        <s-select label="Add to a gift offer" value={form.offerId} onChange={(e: Event) => props.onOffer((e.currentTarget as HTMLSelectElement).value)}>
          {view.options.map((o) => (
            <s-option key={o.value} value={o.value} disabled={o.disabled}>
              {o.label}
            </s-option>
          ))}
        </s-select>
      </s-stack>
      <s-button slot="primary-action" variant="primary" loading={busy} disabled={busy || view.unchanged || view.error !== null} onClick={props.onSave}>
        {view.primaryLabel}
      </s-button>
      <s-button slot="secondary-actions" onClick={props.onCancel}>
        Close
      </s-button>
    </s-admin-action>
  );
}
