import type { FieldError } from "../platform/field-error.ts";
import { refuse, type Refusal } from "../platform/use-case.ts";

/** What an offer use case can refuse, with the status the REST routes answer for each. */
export const OFFER_REFUSAL_STATUS = {
  not_found: 404,
  version_conflict: 409,
  offer_archived: 409,
  invalid_transition: 409,
  invalid_offer: 422,
  invalid_offer_items: 422,
} as const;
export type OfferRefusal = keyof typeof OFFER_REFUSAL_STATUS;

/** Cross-field rules every offer must keep: the brand's currency, a window that ends after it starts. */
export function checkOfferFields(
  offer: { currency: string; startsAt: Date | null; endsAt: Date | null },
  vendorCurrency: string,
): Refusal<"invalid_offer"> | null {
  const errors: FieldError[] = [];
  if (offer.currency !== vendorCurrency) {
    errors.push({ in: "body", path: "currency", pointer: "/currency", code: "currency_mismatch", message: `This brand sells in ${vendorCurrency}.` });
  }
  if (offer.startsAt && offer.endsAt && offer.endsAt <= offer.startsAt) {
    errors.push({ in: "body", path: "endsAt", pointer: "/endsAt", code: "window_ends_before_start", message: "The offer must end after it starts." });
  }
  return errors.length ? refuse("invalid_offer", errors.map((e) => e.message).join(" "), { errors }) : null;
}

export const offerNotFound = () => refuse("not_found", "This brand has no offer with this id.");

export const versionConflict = (current: number) =>
  refuse("version_conflict", "Someone changed this offer since you read it. Reload it and apply your change again.", { facts: { currentVersion: current } });
