/**
 * Stripe's requirement field names (requirements.currently_due) and disabled reasons in words
 * a brand understands. Fields about one person (`individual.*`, `representative.*`,
 * `person_xxx.*`) read the same whoever they are about; unknown fields fall back to a
 * readable form of the name rather than disappearing.
 */
const FIELDS: Record<string, string> = {
  "business_profile.mcc": "Industry",
  "business_profile.url": "Business website",
  "business_profile.product_description": "Description of what you sell",
  "business_profile.support_phone": "Customer support phone number",
  business_type: "Type of business",
  external_account: "Bank account for payouts",
  "tos_acceptance.date": "Acceptance of the Stripe Connected Account Agreement",
  "tos_acceptance.ip": "Acceptance of the Stripe Connected Account Agreement",
  "company.name": "Legal business name",
  "company.tax_id": "Business tax ID",
  "company.address.line1": "Business address",
  "company.address.city": "Business address",
  "company.address.postal_code": "Business address",
  "company.address.state": "Business address",
  "company.phone": "Business phone number",
  "company.owners_provided": "Business owners",
  "company.directors_provided": "Business directors",
  "company.executives_provided": "Business executives",
  "company.verification.document": "Business verification document",
};

const PERSON_FIELDS: Record<string, string> = {
  first_name: "Legal name",
  last_name: "Legal name",
  email: "Email address",
  phone: "Phone number",
  "dob.day": "Date of birth",
  "dob.month": "Date of birth",
  "dob.year": "Date of birth",
  "address.line1": "Home address",
  "address.city": "Home address",
  "address.postal_code": "Home address",
  "address.state": "Home address",
  id_number: "Government ID number",
  ssn_last_4: "Last 4 digits of Social Security number",
  "verification.document": "Identity document (passport or driving licence)",
  "verification.additional_document": "Proof of address document",
  "relationship.title": "Job title",
};

function personField(field: string): string | undefined {
  const m = /^(individual|representative|person_[A-Za-z0-9]+|owners|directors|executives)\.(.+)$/.exec(field);
  if (!m) return undefined;
  const label = PERSON_FIELDS[m[2]!];
  if (!label) return undefined;
  return m[1] === "individual" ? label : `Representative's ${label.charAt(0).toLowerCase()}${label.slice(1)}`;
}

function fallback(field: string): string {
  const words = field.replace(/[._]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The requirements in words, one line per distinct label, in the order first met. */
export function requirementsInWords(fields: readonly string[]): string[] {
  return [...new Set(fields.map((f) => FIELDS[f] ?? personField(f) ?? fallback(f)))];
}

const REASONS: Record<string, string> = {
  deauthorized: "You disconnected your Stripe account from Giftloop.",
  "requirements.past_due": "Stripe needs more information before it can send you money.",
  "requirements.pending_verification": "Stripe is verifying the information you gave.",
  under_review: "Stripe is reviewing your account.",
  listed: "Stripe has paused this account after a review.",
  platform_paused: "Giftloop has paused payouts to this account. Contact support.",
  "rejected.fraud": "Stripe rejected this account.",
  "rejected.terms_of_service": "Stripe rejected this account.",
  "rejected.listed": "Stripe rejected this account.",
  "rejected.other": "Stripe rejected this account.",
  "action_required.requested_capabilities": "Stripe needs more information before it can send you money.",
};

/** Why payouts are off, in words; null when there is no reason. */
export function disabledReasonInWords(reason: string | null | undefined): string | null {
  if (!reason) return null;
  return REASONS[reason] ?? (reason.startsWith("rejected.") ? "Stripe rejected this account." : "Stripe has restricted this account.");
}
