import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { actionView, initialForm, submission, type FormState } from "./action-view.ts";
import { getGifting, setGiftable, type GiftingClient, type GiftingState } from "./gifting-api.ts";
import { GiftingForm } from "./GiftingForm.tsx";

/** admin.product-details.action.render: the product is `shopify.data.selected[0]`. */
export default async () => {
  render(<Extension />, document.body);
};

const client: GiftingClient = { fetch: (url, init) => fetch(url, init), idToken: () => shopify.auth.idToken() };

function Extension() {
  const productId = shopify.data.selected[0]?.id ?? "";
  const [state, setState] = useState<GiftingState | undefined>(undefined);
  const [form, setForm] = useState<FormState>({ giftable: true, offerId: "" });
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: "critical" | "success"; text: string } | null>(null);

  useEffect(() => {
    void getGifting(client, productId).then((r) => {
      if (r.ok) {
        setState(r.value);
        setForm(initialForm(r.value));
      } else setMessage({ tone: "critical", text: r.message });
    });
  }, [productId]);

  if (!state) {
    return (
      <s-admin-action heading="Gifting">
        {message ? <s-banner tone="critical">{message.text}</s-banner> : <s-spinner accessibilityLabel="Loading" />}
        <s-button slot="secondary-actions" onClick={() => shopify.close()}>
          Close
        </s-button>
      </s-admin-action>
    );
  }
  const save = async () => {
    const body = submission(state, form);
    if (!body) return;
    setBusy(true);
    const r = await setGiftable(client, productId, body);
    setBusy(false);
    if (!r.ok) return setMessage({ tone: "critical", text: r.message });
    setState(r.value);
    setForm({ giftable: r.value.product.giftable, offerId: "" });
    setMessage({ tone: "success", text: "Saved." });
  };
  return (
    <GiftingForm
      view={actionView(state, form)}
      form={form}
      busy={busy}
      message={message}
      onGiftable={(giftable) => setForm({ ...form, giftable })}
      onOffer={(offerId) => setForm({ ...form, offerId })}
      onSave={() => void save()}
      onCancel={() => shopify.close()}
    />
  );
}
