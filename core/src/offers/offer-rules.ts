import type { FieldError } from "../http/problem.ts";
import { ProblemError } from "../http/problem.ts";

/** Who changed an offer (for the audit log). */
export interface Actor {
  actor: string;
  requestId?: string | undefined;
}

/** Cross-field rules every offer must keep: the brand's currency, a window that ends after it starts. */
export function checkOfferFields(
  offer: { currency: string; startsAt: Date | null; endsAt: Date | null },
  vendorCurrency: string,
): void {
  const errors: FieldError[] = [];
  if (offer.currency !== vendorCurrency) {
    errors.push({ in: "body", path: "currency", pointer: "/currency", code: "currency_mismatch", message: `This brand sells in ${vendorCurrency}.` });
  }
  if (offer.startsAt && offer.endsAt && offer.endsAt <= offer.startsAt) {
    errors.push({ in: "body", path: "endsAt", pointer: "/endsAt", code: "window_ends_before_start", message: "The offer must end after it starts." });
  }
  if (errors.length) throw new ProblemError(422, "invalid_offer", { detail: errors.map((e) => e.message).join(" "), errors });
}

export const offerNotFound = () => new ProblemError(404, "not_found", "This brand has no offer with this id.");

export const versionConflict = (current: number) =>
  new ProblemError(409, "version_conflict", {
    detail: "Someone changed this offer since you read it. Reload it and apply your change again.",
    extensions: { currentVersion: current },
  });
