import { countryName } from "./AddressForm.tsx";
import type { Gift } from "./gift-types.ts";

const STEPS = [
  { status: "redeemed", label: "Confirmed" },
  { status: "pushed", label: "Being prepared" },
  { status: "shipped", label: "Shipped" },
  { status: "delivered", label: "Delivered" },
] as const;

export const formatDate = (iso: string) => new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric" });

/** After redemption: what was chosen, where it goes, and how far it has got (with tracking). */
export function GiftStatus({ gift }: { gift: Gift }) {
  const r = gift.redemption;
  if (!r) return null;
  const reached = STEPS.findIndex((s) => s.status === gift.status);
  const addr = r.shippingAddress;
  return (
    <section className="status" aria-labelledby="status-title">
      <h2 id="status-title">{gift.status === "delivered" ? "Your gift was delivered" : gift.status === "shipped" ? "Your gift is on its way" : "Your gift is confirmed"}</h2>
      <ol className="steps">
        {STEPS.map((s, i) => (
          <li key={s.status} className={i <= reached ? "done" : ""} aria-current={i === reached ? "step" : undefined}>{s.label}</li>
        ))}
      </ol>
      {r.tracking && (
        <p className="tracking">
          {r.tracking.carrier ?? "Carrier"} tracking number <strong>{r.tracking.number}</strong>
          {r.tracking.url && (
            <>
              {" "}· <a href={r.tracking.url} target="_blank" rel="noreferrer noopener">Track your parcel</a>
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
              {addr.name}<br />
              {addr.line1}{addr.line2 ? `, ${addr.line2}` : ""}<br />
              {[addr.city, addr.region, addr.postalCode].filter(Boolean).join(" ")}<br />
              {countryName(addr.country)}
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
