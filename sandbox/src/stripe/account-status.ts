import type Stripe from "stripe";
import { capabilityRequirements, makeBankAccount, makeCapability, PLATFORM_APPLICATION, requirements } from "./connect-objects.ts";
import { accountInvalid } from "./errors.ts";
import { makeList } from "./objects.ts";
import { AUTOMATIC, type Cause, type StripeState } from "./state.ts";

// What Stripe decides about a connected account: its requirements, what its capabilities'
// statuses follow from them, whether charges and payouts are enabled. Changes come from the
// platform (API updates, reject), from the account holder on the onboarding page, or from a
// sandbox control standing for Stripe's verification; each change is published as Stripe does,
// as Connect events carrying `account`: `capability.updated` for each capability that changed,
// then `account.updated` with the previous values of what changed.

/** The outcomes the onboarding page (and `POST /_sandbox/accounts/:id/onboarding`) can give an account. */
export const ONBOARDING_OUTCOMES = ["complete", "pending", "restricted", "rejected"] as const;
export type OnboardingOutcome = (typeof ONBOARDING_OUTCOMES)[number];

/** The capabilities the stand-in models; others are refused with a message saying so. */
export const MODELLED_CAPABILITIES = ["card_payments", "transfers"] as const;

/** What onboarding leaves due when the holder stops short: an unreadable ID document and no bank account. */
export const RESTRICTED_DUE = ["external_account", "individual.verification.document"];
const PENDING_VERIFICATION = ["individual.id_number", "individual.verification.document"];

/** The platform's view of a connected account; unknown and deauthorized accounts are out of its reach (403). */
export function reachableAccount(state: StripeState, id: string, apiKey: string): Stripe.Account {
  const account = state.accounts.get(id);
  if (!account || state.deauthorized.has(id)) throw accountInvalid(id, apiKey);
  return account;
}

export function capabilitiesOf(state: StripeState, accountId: string): Map<string, Stripe.Capability> {
  let caps = state.capabilities.get(accountId);
  if (!caps) state.capabilities.set(accountId, (caps = new Map()));
  return caps;
}

/** Each capability's status and requirements, and the account's flags, from the account's requirements. */
function derive(state: StripeState, account: Stripe.Account): void {
  const req = account.requirements ?? requirements({});
  const rejected = req.disabled_reason?.startsWith("rejected.") ?? false;
  const due = req.currently_due ?? [];
  const pending = req.pending_verification ?? [];
  const status: Stripe.Capability.Status = rejected || due.length > 0 ? "inactive" : pending.length > 0 ? "pending" : "active";
  const capReason: Stripe.Capability.Requirements.DisabledReason | null = rejected
    ? "rejected.other"
    : due.length > 0
      ? "requirements.fields_needed"
      : pending.length > 0
        ? "pending.review"
        : null;
  const summary: Stripe.Account.Capabilities = {};
  for (const cap of capabilitiesOf(state, account.id).values()) {
    if (!cap.requested) {
      cap.status = "unrequested";
      cap.requirements = capabilityRequirements(requirements({}), null);
      continue;
    }
    cap.status = status;
    cap.requirements = capabilityRequirements(requirements({ due, pending, errors: req.errors ?? [] }), capReason);
    (summary as Record<string, string>)[cap.id] = status;
  }
  account.capabilities = summary;
  account.charges_enabled = summary.card_payments === "active";
  account.payouts_enabled = status === "active" && (account.external_accounts?.data.length ?? 0) > 0;
}

/**
 * Applies `mutate` to an account, re-derives what follows, and emits `capability.updated` for
 * every capability whose status or requirements changed, then `account.updated` (if anything did).
 */
export function changeAccount(state: StripeState, account: Stripe.Account, cause: Cause, mutate: (a: Stripe.Account) => void): void {
  const before = structuredClone(account) as unknown as Record<string, unknown>;
  const caps = capabilitiesOf(state, account.id);
  const capsBefore = new Map([...caps].map(([k, v]) => [k, structuredClone(v)]));
  mutate(account);
  derive(state, account);
  for (const [name, cap] of caps) {
    const old = capsBefore.get(name);
    const previous: Record<string, unknown> = {};
    if (!old || old.status !== cap.status) previous.status = old?.status ?? "unrequested";
    if (old && old.requested !== cap.requested) previous.requested = old.requested;
    if (old && JSON.stringify(old.requirements) !== JSON.stringify(cap.requirements)) previous.requirements = old.requirements;
    if (Object.keys(previous).length > 0) state.emit("capability.updated", cap, cause, previous, account.id);
  }
  const after = account as unknown as Record<string, unknown>;
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) previous[key] = before[key] ?? null;
  }
  if (Object.keys(previous).length > 0) state.emit("account.updated", account, cause, previous, account.id);
}

/** Sets up a new account's capabilities (no events: Stripe sends none for a creation). */
export function initCapabilities(state: StripeState, account: Stripe.Account, requested: Set<string>): void {
  const caps = capabilitiesOf(state, account.id);
  for (const name of MODELLED_CAPABILITIES) {
    const on = requested.has(name);
    caps.set(
      name,
      makeCapability({
        account: account.id,
        name,
        requested: on,
        requestedAt: on ? state.now() : null,
        status: on ? "inactive" : "unrequested",
        requirements: capabilityRequirements(requirements({}), null),
      }),
    );
  }
  derive(state, account);
}

function holderName(account: Stripe.Account): string {
  return account.business_profile?.name ?? "Jenny Rosen";
}

/** What the account holder's choice on the onboarding page does to the account. */
export function applyOnboarding(state: StripeState, account: Stripe.Account, outcome: OnboardingOutcome, cause: Cause = AUTOMATIC): void {
  changeAccount(state, account, cause, (a) => {
    a.details_submitted = true;
    a.business_type ??= "individual";
    a.business_profile = { ...a.business_profile!, mcc: a.business_profile?.mcc ?? "5399", url: a.business_profile?.url ?? "https://giftloop.example" };
    if (a.tos_acceptance?.date == null) a.tos_acceptance = { ...a.tos_acceptance, date: state.now(), ip: "127.0.0.1", user_agent: "Stripe stand-in onboarding" };
    if (outcome === "complete" || outcome === "pending") {
      if ((a.external_accounts?.data.length ?? 0) === 0) {
        const bank = makeBankAccount({ account: a.id, country: a.country ?? "US", currency: a.default_currency ?? "usd", holderName: holderName(a) });
        a.external_accounts = makeList([bank], false, `/v1/accounts/${a.id}/external_accounts`);
      }
    }
    if (outcome === "complete") a.requirements = requirements({});
    if (outcome === "pending") a.requirements = requirements({ pending: PENDING_VERIFICATION, disabledReason: "requirements.pending_verification" });
    if (outcome === "restricted") {
      a.requirements = requirements({
        due: RESTRICTED_DUE,
        disabledReason: "requirements.past_due",
        errors: [
          {
            code: "verification_document_not_readable",
            reason: "The identity document could not be read. Upload a clearer photo of the whole document.",
            requirement: "individual.verification.document",
          },
        ],
      });
    }
    if (outcome === "rejected") a.requirements = requirements({ disabledReason: "rejected.other" });
  });
}

/** The platform's `POST /v1/accounts/:id/reject`. */
export function rejectAccount(state: StripeState, account: Stripe.Account, reason: "fraud" | "terms_of_service" | "other", cause: Cause): void {
  changeAccount(state, account, cause, (a) => {
    a.requirements = requirements({ disabledReason: `rejected.${reason}` });
  });
}

/** The account disconnects from the platform: `account.application.deauthorized`, after which the platform cannot reach it. */
export function deauthorize(state: StripeState, account: Stripe.Account): void {
  state.deauthorized.add(account.id);
  state.emit("account.application.deauthorized", { ...PLATFORM_APPLICATION }, AUTOMATIC, undefined, account.id);
}
