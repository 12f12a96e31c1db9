import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { lookupGift, type GiftLookup } from "./gift-api.ts";
import { blockView } from "./gift-view.ts";
import { GiftBlock } from "./GiftBlock.tsx";

/** admin.order-details.block.render: the order being viewed is `shopify.data.selected[0]`. */
export default async () => {
  render(<Extension />, document.body);
};

function Extension() {
  const [state, setState] = useState<GiftLookup | undefined>(undefined);
  const orderId = shopify.data.selected[0]?.id;
  useEffect(() => {
    if (!orderId) return void setState({ kind: "not_a_gift" });
    // Admin extensions send fetches to the app's URL with the session token; we add it
    // explicitly too, so the core's vendor API sees the same Bearer token the app uses.
    void lookupGift({ fetch: (url, init) => fetch(url, init), idToken: () => shopify.auth.idToken(), orderId }).then(setState);
  }, [orderId]);
  return <GiftBlock view={blockView(state)} />;
}
