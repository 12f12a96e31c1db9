import { ProductImage } from "./ChoicePicker.tsx";
import { draftToAddress, ShippingAddress } from "./ShippingAddress.tsx";
import type { AddressDraft, Choice, Problem } from "./gift-types.ts";

export interface ReviewStepProps {
  headingId: string;
  choice: Choice;
  address: AddressDraft;
  brandName: string;
  busy: boolean;
  /** A problem with the last attempt that is not about a field (shown above the buttons). */
  problem: Problem | null;
  onEditAddress: () => void;
  onChangeItem: () => void;
  onConfirm: () => void;
}

/** The last look before the gift is sent: what ships, where, with a way back to each. */
export function ReviewStep({ headingId, choice, address, brandName, busy, problem, onEditAddress, onChangeItem, onConfirm }: ReviewStepProps) {
  const options = choice.variantTitle && choice.variantTitle !== "Default Title" ? choice.variantTitle : null;
  return (
    <section className="review" aria-labelledby={headingId}>
      <h2 id={headingId} tabIndex={-1}>Check your gift before we send it</h2>
      <div className="review-grid">
        <div className="review-item">
          <h3>Your gift</h3>
          <div className="review-product">
            <ProductImage src={choice.imageUrl} alt="" />
            <p>
              <strong>{choice.productTitle}</strong>
              {options && (
                <>
                  <br />
                  <span className="muted">{options}</span>
                </>
              )}
            </p>
          </div>
          <button type="button" className="link" onClick={onChangeItem} disabled={busy}>
            Change item<span className="sr-only"> ({choice.productTitle})</span>
          </button>
        </div>
        <div className="review-item">
          <h3>Ships to</h3>
          <ShippingAddress address={draftToAddress(address as unknown as Record<string, string>)} />
          <button type="button" className="link" onClick={onEditAddress} disabled={busy}>
            Edit address
          </button>
        </div>
      </div>
      <p className="muted review-note">Once you confirm, {brandName} prepares your order. Until it does, you can still fix the address on this page.</p>
      {problem && (
        <p className="banner error" role="alert" tabIndex={-1} id={`${headingId}-problem`}>
          {problem.detail ?? "Something went wrong. Please try again."}
        </p>
      )}
      <div className="actions">
        <button type="button" className="secondary" onClick={onEditAddress} disabled={busy}>
          Back
        </button>
        <button type="button" className="primary" onClick={onConfirm} disabled={busy} aria-describedby={undefined}>
          {busy ? (
            <>
              <span className="spinner" aria-hidden="true" />
              Sending…
            </>
          ) : (
            "Confirm and send my gift"
          )}
        </button>
      </div>
    </section>
  );
}
