import { createHash } from "node:crypto";
import type Stripe from "stripe";
import { newId } from "./ids.ts";
import { LIVEMODE, makeList, type Metadata } from "./objects.ts";

// Builders for the Connect objects: accounts, their capabilities and bank accounts, account and
// login links, transfers, transfer reversals and the payment a transfer creates on the
// connected account. Like objects.ts, each carries every field of Stripe's published example
// (../shared/specs/stripe-fixtures3.json) with the same JSON types, typed with the SDK's own types.

/** The Connect application of the sandbox platform (events' `account.application.deauthorized` object). */
export const PLATFORM_APPLICATION: Stripe.Application = { id: "ca_GiftloopSandboxPlatform0", object: "application", name: "Giftloop (sandbox platform)" };

/** What a freshly created account must still provide before Stripe activates `transfers` (a US individual or company). */
export const INITIAL_REQUIREMENTS = [
  "business_profile.mcc",
  "business_profile.url",
  "business_type",
  "external_account",
  "representative.first_name",
  "representative.last_name",
  "tos_acceptance.date",
  "tos_acceptance.ip",
];

export function requirements(fields: {
  due?: string[];
  pending?: string[];
  errors?: Stripe.Account.Requirements.Error[];
  disabledReason?: Stripe.Account.Requirements.DisabledReason | null;
}): Stripe.Account.Requirements {
  const due = [...(fields.due ?? [])].sort();
  return {
    alternatives: [],
    current_deadline: null,
    currently_due: due,
    disabled_reason: fields.disabledReason ?? null,
    errors: fields.errors ?? [],
    eventually_due: [...due],
    past_due: [...due],
    pending_verification: [...(fields.pending ?? [])].sort(),
  };
}

/** A capability's requirements: the account's, with the capability's own reason. */
export function capabilityRequirements(
  req: Stripe.Account.Requirements,
  disabledReason: Stripe.Capability.Requirements.DisabledReason | null,
): Stripe.Capability.Requirements {
  return {
    alternatives: [],
    current_deadline: req.current_deadline,
    currently_due: [...(req.currently_due ?? [])],
    disabled_reason: disabledReason,
    errors: [...(req.errors ?? [])],
    eventually_due: [...(req.eventually_due ?? [])],
    past_due: [...(req.past_due ?? [])],
    pending_verification: [...(req.pending_verification ?? [])],
  };
}

function noRequirements(): Stripe.Account.FutureRequirements {
  return { ...requirements({}) };
}

export function makeAccount(init: {
  country: string;
  email: string | null;
  defaultCurrency: string;
  controller: Stripe.Account.Controller;
  type: Stripe.Account.Type;
  businessProfile: { name: string | null; url: string | null; mcc: string | null; productDescription: string | null; supportEmail: string | null };
  capabilities: Stripe.Account.Capabilities;
  metadata: Metadata;
  created: number;
}): Stripe.Account {
  const id = newId("acct").slice(0, 21);
  const bp = init.businessProfile;
  return {
    id,
    object: "account",
    business_profile: {
      annual_revenue: { amount: null, currency: null, fiscal_year_end: null },
      estimated_worker_count: null,
      mcc: bp.mcc,
      minority_owned_business_designation: null,
      name: bp.name,
      product_description: bp.productDescription,
      specified_commercial_transactions_act_url: null,
      support_address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      support_email: bp.supportEmail,
      support_phone: null,
      support_url: null,
      url: bp.url,
    },
    business_type: null,
    capabilities: init.capabilities,
    charges_enabled: false,
    controller: init.controller,
    country: init.country,
    created: init.created,
    default_currency: init.defaultCurrency,
    details_submitted: false,
    email: init.email,
    external_accounts: makeList<Stripe.BankAccount | Stripe.Card>([], false, `/v1/accounts/${id}/external_accounts`),
    future_requirements: noRequirements(),
    metadata: init.metadata,
    payouts_enabled: false,
    requirements: requirements({ due: INITIAL_REQUIREMENTS, disabledReason: "requirements.past_due" }),
    settings: {
      bacs_debit_payments: { display_name: null, service_user_number: null },
      branding: { icon: null, logo: null, primary_color: null, secondary_color: null },
      card_issuing: { tos_acceptance: { date: null, ip: null } },
      card_payments: {
        decline_on: { avs_failure: true, cvc_failure: true },
        statement_descriptor_prefix: null,
        statement_descriptor_prefix_kana: null,
        statement_descriptor_prefix_kanji: null,
      },
      dashboard: { display_name: bp.name, timezone: "Etc/UTC" },
      invoices: { default_account_tax_ids: null, hosted_payment_method_save: null },
      payments: {
        statement_descriptor: null,
        statement_descriptor_kana: null,
        statement_descriptor_kanji: null,
        statement_descriptor_prefix_kana: null,
        statement_descriptor_prefix_kanji: null,
      },
      payouts: { debit_negative_balances: true, schedule: { delay_days: 2, interval: "daily" }, statement_descriptor: null },
      sepa_debit_payments: {},
    },
    tos_acceptance: { date: null, ip: null, user_agent: null },
    type: init.type,
  };
}

export function makeCapability(init: {
  account: string;
  name: string;
  requested: boolean;
  requestedAt: number | null;
  status: Stripe.Capability.Status;
  requirements: Stripe.Capability.Requirements;
}): Stripe.Capability {
  return {
    id: init.name,
    object: "capability",
    account: init.account,
    future_requirements: {
      alternatives: [],
      current_deadline: null,
      currently_due: [],
      disabled_reason: null,
      errors: [],
      eventually_due: [],
      past_due: [],
      pending_verification: [],
    },
    requested: init.requested,
    requested_at: init.requestedAt,
    requirements: init.requirements,
    status: init.status,
  };
}

const ROUTING: Record<string, string | null> = { US: "110000000", CA: "11000-000", AU: "110000", GB: "108800" };

export function makeBankAccount(init: { account: string; country: string; currency: string; holderName: string }): Stripe.BankAccount {
  const clear = { currently_due: [], errors: [], past_due: [], pending_verification: [] };
  return {
    id: newId("ba"),
    object: "bank_account",
    account: init.account,
    account_holder_name: init.holderName,
    account_holder_type: "individual",
    account_type: null,
    available_payout_methods: ["standard"],
    bank_name: "STRIPE TEST BANK",
    country: init.country,
    currency: init.currency,
    customer: null,
    default_for_currency: true,
    fingerprint: createHash("sha256").update(`ba:${init.account}`).digest("base64url").replace(/[-_]/g, "").slice(0, 16),
    future_requirements: { ...clear },
    last4: "6789",
    metadata: {},
    requirements: { ...clear },
    routing_number: ROUTING[init.country] ?? null,
    status: "new",
  };
}

export function makeAccountLink(init: { url: string; created: number; expiresAt: number }): Stripe.AccountLink {
  return { object: "account_link", created: init.created, expires_at: init.expiresAt, url: init.url };
}

export function makeLoginLink(init: { url: string; created: number }): Stripe.LoginLink {
  return { object: "login_link", created: init.created, url: init.url };
}

export function makeTransfer(init: {
  id: string;
  amount: number;
  currency: string;
  destination: string;
  destinationPayment: string;
  balanceTransaction: string;
  sourceTransaction: string | null;
  transferGroup: string | null;
  description: string | null;
  metadata: Metadata;
  created: number;
}): Stripe.Transfer {
  const id = init.id;
  return {
    id,
    object: "transfer",
    amount: init.amount,
    amount_reversed: 0,
    balance_transaction: init.balanceTransaction,
    created: init.created,
    currency: init.currency,
    description: init.description,
    destination: init.destination,
    destination_payment: init.destinationPayment,
    livemode: LIVEMODE,
    metadata: init.metadata,
    reversals: makeList<Stripe.TransferReversal>([], false, `/v1/transfers/${id}/reversals`),
    reversed: false,
    source_transaction: init.sourceTransaction,
    source_type: "card",
    transfer_group: init.transferGroup,
  };
}

export function makeTransferReversal(init: {
  id: string;
  amount: number;
  currency: string;
  transfer: string;
  balanceTransaction: string;
  destinationPaymentRefund: string;
  metadata: Metadata;
  created: number;
}): Stripe.TransferReversal {
  return {
    id: init.id,
    object: "transfer_reversal",
    amount: init.amount,
    balance_transaction: init.balanceTransaction,
    created: init.created,
    currency: init.currency,
    destination_payment_refund: init.destinationPaymentRefund,
    metadata: init.metadata,
    source_refund: null,
    transfer: init.transfer,
  };
}

/** The payment (`py_...`) a transfer creates on its destination account: a charge paid from the platform's Stripe account. */
export function makeDestinationPayment(init: {
  amount: number;
  currency: string;
  transfer: string;
  transferGroup: string | null;
  balanceTransaction: string;
  created: number;
}): Stripe.Charge {
  const id = newId("py");
  return {
    id,
    object: "charge",
    amount: init.amount,
    amount_captured: init.amount,
    amount_refunded: 0,
    application: PLATFORM_APPLICATION.id,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: init.balanceTransaction,
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: null,
      name: null,
      phone: null,
      tax_id: null,
    },
    calculated_statement_descriptor: null,
    captured: true,
    created: init.created,
    currency: init.currency,
    customer: null,
    description: null,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: LIVEMODE,
    metadata: {},
    on_behalf_of: null,
    outcome: null,
    paid: true,
    payment_intent: null,
    payment_method: null,
    payment_method_details: { stripe_account: {}, type: "stripe_account" },
    receipt_email: null,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    refunds: makeList<Stripe.Refund>([], false, `/v1/charges/${id}/refunds`),
    review: null,
    shipping: null,
    source: null,
    source_transfer: init.transfer,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: "succeeded",
    transfer_data: null,
    transfer_group: init.transferGroup,
  };
}
