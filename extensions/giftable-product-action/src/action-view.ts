import type { GiftableInput, GiftingState } from "./gifting-api.ts";

/**
 * The action's form as data: which offers the product can join (not archived; single-item
 * offers only while empty — the core would refuse a second item), what the primary button
 * says, and the request a submit sends. Pure, so tests cover it without an admin.
 */
export interface OfferOption {
  value: string;
  label: string;
  disabled: boolean;
}
export interface FormState {
  giftable: boolean;
  /** "" = do not add to an offer. */
  offerId: string;
}
export interface ActionView {
  title: string;
  options: OfferOption[];
  primaryLabel: string;
  /** Nothing would change. */
  unchanged: boolean;
  error: string | null;
}

/** Opening the action means "gift this": the box starts ticked; untick to stop gifting it. */
export function initialForm(_state: GiftingState): FormState {
  return { giftable: true, offerId: "" };
}

export function offerOptions(state: GiftingState): OfferOption[] {
  return [
    { value: "", label: "Do not add to an offer", disabled: false },
    ...state.offers
      .filter((o) => o.status !== "archived")
      .map((o) => ({
        value: o.id,
        label: `${o.name}${o.status !== "active" ? ` (${o.status})` : ""}${o.includesProduct ? " — already includes it" : ""}`,
        disabled: o.includesProduct,
      })),
  ];
}

export function actionView(state: GiftingState, form: FormState): ActionView {
  const offer = state.offers.find((o) => o.id === form.offerId);
  const error = offer && !form.giftable ? "Only giftable products can join an offer." : null;
  const unchanged = form.giftable === state.product.giftable && (!offer || offer.includesProduct);
  const primaryLabel = offer ? `Save and add to “${offer.name}”` : form.giftable ? "Make giftable" : "Stop gifting";
  return { title: state.product.title, options: offerOptions(state), primaryLabel, unchanged, error };
}

/** The request body for the form, or undefined when the form cannot be sent as it is. */
export function submission(state: GiftingState, form: FormState): GiftableInput | undefined {
  if (actionView(state, form).error) return undefined;
  return form.offerId ? { giftable: form.giftable, offerId: form.offerId } : { giftable: form.giftable };
}
