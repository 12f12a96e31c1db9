import type { Gift } from "./gift-types.ts";
import { ShippingAddress } from "./ShippingAddress.tsx";

const STEPS = [
  { status: "redeemed", label: "Confirmed" },
  { status: "pushed", label: "Being prepared" },
  { status: "shipped", label: "Shipped" },
  { status: "delivered", label: "Delivered" },
] as const;

export const formatDate = (iso: string) => new Date(iso).toLocaleDateString("en", { year: "numeric", month: "long", day: "numeric" });

/** The page title for a gift that is no longer open to choose. */
export function statusTitle(status: string): string {
  switch (status) {
    case "delivered": return "Gift delivered";
    case "shipped": return "Gift on its way";
    case "expired": return "Gift expired";
    case "canceled": return "Gift canceled";
    case "on_hold": return "Gift on hold";
    default: return "Gift confirmed";
  }
}

/**
 * After redemption: what was chosen, where it goes, and how far it has got (with tracking);
 * while the brand has not started on the order, a way to change the address.
 */
export function GiftStatus({ gift, headingId = "status-title", onChangeAddress }: { gift: Gift; headingId?: string; onChangeAddress?: () => void }) {
  const r = gift.redemption;
  if (!r) return null;
  // A redeemed gift whose order the brand has started on is being prepared, even before Shopify answers.
  const shown = gift.status === "redeemed" && r.addressEditable === false ? "pushed" : gift.status;
  const reached = STEPS.findIndex((s) => s.status === shown);
  const addr = r.shippingAddress;
  return (
    <section className="status" aria-labelledby={headingId}>
      <h2 id={headingId} tabIndex={-1}>{gift.status === "delivered" ? "Your gift was delivered" : gift.status === "shipped" ? "Your gift is on its way" : "Your gift is confirmed"}</h2>
      <ol className="steps" aria-label="Progress">
        {STEPS.map((s, i) => {
          // Every step up to the gift's status has happened (a check mark); the last of them is current.
          const done = i <= reached;
          return (
            <li key={s.status} className={`step${done ? " done" : ""}${i === reached ? " current" : ""}`} aria-current={i === reached ? "step" : undefined}>
              <span className="marker" aria-hidden="true">{done ? "✓" : ""}</span>
              <span className="step-label">{s.label}</span>
              <span className="sr-only">{done ? " (done)" : " (not yet)"}</span>
            </li>
          );
        })}
      </ol>
      {r.tracking && (
        <p className="tracking">
          {r.tracking.carrier ?? "Carrier"} tracking number <strong>{r.tracking.number}</strong>
          {r.tracking.url && (
            <>
              {" "}· <a href={r.tracking.url} target="_blank" rel="noreferrer noopener">Track your parcel<span className="sr-only"> (opens in a new tab)</span></a>
            </>
          )}
        </p>
      )}
      <dl className="summary">
        {r.choice && (
          <>
            <dt>Item</dt>
            <dd>{r.choice.productTitle}{r.choice.variantTitle && r.choice.variantTitle !== "Default Title" ? ` · ${r.choice.variantTitle}` : ""}</dd>
          </>
        )}
        {addr && (
          <>
            <dt>Shipping to</dt>
            <dd>
              <ShippingAddress address={addr} />
              {r.addressEditable && onChangeAddress && (
                <button type="button" className="link" onClick={onChangeAddress}>
                  Change address
                </button>
              )}
            </dd>
          </>
        )}
        <dt>Confirmed on</dt>
        <dd>{formatDate(r.redeemedAt)}</dd>
      </dl>
      <p className="muted">Keep this page's link from your email to check on your gift later.</p>
    </section>
  );
}
