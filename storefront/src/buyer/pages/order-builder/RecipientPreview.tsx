import type { Offer, Storefront } from "../../api/client.ts";

/** What a recipient sees: the gift email's header and message, and the gift. */
export function RecipientPreview({ sf, offer, from, message }: { sf: Storefront; offer: Offer; from: string; message: string }) {
  const image = offer.choices.find((c) => c.imageUrl)?.imageUrl;
  return (
    <figure className="preview" aria-label="Preview of the gift email">
      <div className="preview-bar">{sf.brandName}</div>
      <div className="preview-body">
        <p className="muted">From: {from || "your company"} via {sf.brandName}</p>
        <p className="preview-title">{from || "Someone"} sent you a gift</p>
        {message ? <blockquote>{message}</blockquote> : null}
        {image ? <img src={image} alt="" width="160" height="160" /> : null}
        <p><strong>{offer.name}</strong>{offer.kind === "choice" ? " — you choose what you'd like" : ""}</p>
        <span className="btn on-brand" aria-hidden="true">Open your gift</span>
      </div>
    </figure>
  );
}
