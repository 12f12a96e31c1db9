/**
 * A brand's connected-account status, derived from the Stripe account object. Pure: the
 * webhook job, the return from onboarding and the engine's payout cycle all read the status
 * this gives (vendor.payout_account_status), never Stripe's fields themselves.
 *
 *   not_started  no connected account yet
 *   onboarding   the account exists and the brand has not finished Stripe's form, or Stripe is
 *                still verifying what was submitted
 *   restricted   Stripe needs more (requirements.currently_due, shown to the brand in words)
 *   active       the transfers capability is active and the account has no disabled_reason
 *   disabled     Stripe rejected or paused the account, or the brand disconnected it
 */
export const PAYOUT_ACCOUNT_STATUSES = ["not_started", "onboarding", "restricted", "active", "disabled"] as const;
export type PayoutAccountStatus = (typeof PAYOUT_ACCOUNT_STATUSES)[number];

/** Whether payouts may transfer to the brand's account (the engine carries the brand over otherwise). */
export function isPayoutAccountActive(status: string | null | undefined): boolean {
  return status === "active";
}

export function isPayoutAccountStatus(value: unknown): value is PayoutAccountStatus {
  return typeof value === "string" && (PAYOUT_ACCOUNT_STATUSES as readonly string[]).includes(value);
}

/** The fields of a Stripe account the status follows from (a `Stripe.Account` fits). */
export interface AccountFacts {
  details_submitted?: boolean | null;
  capabilities?: { transfers?: string | null } | null;
  requirements?: {
    currently_due?: string[] | null;
    past_due?: string[] | null;
    pending_verification?: string[] | null;
    disabled_reason?: string | null;
  } | null;
}

export interface DerivedAccountStatus {
  status: PayoutAccountStatus;
  /** Stripe's requirements.currently_due (field names), sorted; empty when nothing is due. */
  requirements: string[];
  /** Why transfers are off (Stripe's disabled_reason), null when they are not. */
  disabledReason: string | null;
}

/** The disabled_reason values after which the brand cannot finish onboarding by itself. */
function isFinal(reason: string): boolean {
  return reason.startsWith("rejected.") || reason === "listed" || reason === "platform_paused";
}

/** The reason given when the brand disconnected its account from the platform (account.application.deauthorized). */
export const DEAUTHORIZED_REASON = "deauthorized";

export function deriveAccountStatus(account: AccountFacts | null | undefined): DerivedAccountStatus {
  if (!account) return { status: "not_started", requirements: [], disabledReason: null };
  const req = account.requirements ?? {};
  const due = [...new Set([...(req.currently_due ?? []), ...(req.past_due ?? [])])].sort();
  const reason = req.disabled_reason ?? null;
  const transfers = account.capabilities?.transfers ?? null;
  if (reason && isFinal(reason)) return { status: "disabled", requirements: due, disabledReason: reason };
  if (transfers === "active" && !reason) return { status: "active", requirements: due, disabledReason: null };
  if (!account.details_submitted) return { status: "onboarding", requirements: due, disabledReason: reason };
  if (due.length > 0) return { status: "restricted", requirements: due, disabledReason: reason };
  // Submitted, nothing due: Stripe is verifying (transfers pending) or reviewing.
  return { status: "onboarding", requirements: due, disabledReason: reason };
}

/** The status after the brand disconnected the account: final, whatever Stripe's account said. */
export function deauthorizedStatus(): DerivedAccountStatus {
  return { status: "disabled", requirements: [], disabledReason: DEAUTHORIZED_REASON };
}
