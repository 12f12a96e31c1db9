import { createHash } from "node:crypto";
import type Stripe from "stripe";
import { newId, randomToken } from "./ids.ts";
import type { TestCard } from "./test-cards.ts";

// Builders for every object the stand-in returns. Each carries every field of Stripe's published
// example object for its type (../shared/specs/stripe-fixtures3.json) with the same JSON types,
// and is typed with the official SDK's own types, so a missing field or a null where Stripe never
// sends one fails `tsc`, and contract.test.ts checks the JSON against the fixtures.
// Fields describing features the stand-in does not model (Connect fees, 3-D Secure, wallets,
// Radar reviews...) are null, which Stripe also sends when the feature is not in use.

export const LIVEMODE = false as const;

export type Metadata = Record<string, string>;

export interface StripeList<T> {
  object: "list";
  data: T[];
  has_more: boolean;
  url: string;
}

export function makeList<T>(data: T[], hasMore: boolean, url: string): StripeList<T> {
  return { object: "list", data, has_more: hasMore, url };
}

/** Stripe's event envelope; `data.object` is a snapshot of the object at the time of the event. */
export interface StripeEvent {
  id: string;
  object: "event";
  /** Connect events: the connected account the event happened on. */
  account?: string;
  api_version: string | null;
  created: number;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
  livemode: boolean;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export function makeEvent(init: {
  type: string;
  created: number;
  /** The connected account the event happened on (Connect events only). */
  account?: string;
  object: object;
  previousAttributes?: Record<string, unknown>;
  apiVersion: string;
  request: { id: string | null; idempotency_key: string | null };
  pendingWebhooks: number;
}): StripeEvent {
  const data: StripeEvent["data"] = { object: structuredClone(init.object) as Record<string, unknown> };
  if (init.previousAttributes) data.previous_attributes = structuredClone(init.previousAttributes);
  return {
    id: newId("evt"),
    object: "event",
    ...(init.account ? { account: init.account } : {}),
    api_version: init.apiVersion,
    created: init.created,
    data,
    livemode: LIVEMODE,
    pending_webhooks: init.pendingWebhooks,
    request: init.request,
    type: init.type,
  };
}

// ---- payment methods ----------------------------------------------------------------------

export interface BillingDetailsInput {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  address?: Partial<Record<"city" | "country" | "line1" | "line2" | "postal_code" | "state", string | null>>;
}

function billingDetails(input: BillingDetailsInput | undefined): Stripe.PaymentMethod.BillingDetails {
  const a = input?.address ?? {};
  return {
    address: {
      city: a.city ?? null,
      country: a.country ?? null,
      line1: a.line1 ?? null,
      line2: a.line2 ?? null,
      postal_code: a.postal_code ?? null,
      state: a.state ?? null,
    },
    email: input?.email ?? null,
    name: input?.name ?? null,
    phone: input?.phone ?? null,
    tax_id: null,
  };
}

/** Stripe's card fingerprint is stable per card number within an account; so is this one. */
function fingerprint(number: string): string {
  return createHash("sha256").update(`fp:${number}`).digest("base64url").replace(/[-_]/g, "").slice(0, 16);
}

export function makeCardPaymentMethod(init: {
  card: TestCard;
  expMonth: number;
  expYear: number;
  billing?: BillingDetailsInput;
  metadata?: Metadata;
  created: number;
}): Stripe.PaymentMethod {
  const { card } = init;
  return {
    id: newId("pm"),
    object: "payment_method",
    allow_redisplay: "unspecified",
    billing_details: billingDetails(init.billing),
    card: {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
      country: card.country,
      display_brand: card.brand,
      exp_month: init.expMonth,
      exp_year: init.expYear,
      fingerprint: fingerprint(card.number),
      funding: card.funding,
      generated_from: null,
      last4: card.number.slice(-4),
      networks: { available: [card.brand], preferred: null },
      regulated_status: "unregulated",
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: init.created,
    customer: null,
    customer_account: null,
    livemode: LIVEMODE,
    metadata: init.metadata ?? {},
    type: "card",
  };
}

// ---- payment intents ----------------------------------------------------------------------

export function makePaymentIntent(init: {
  amount: number;
  currency: string;
  metadata: Metadata;
  description: string | null;
  receiptEmail: string | null;
  transferGroup: string | null;
  statementDescriptor: string | null;
  statementDescriptorSuffix: string | null;
  paymentMethodTypes: string[];
  allowedPaymentMethodTypes: string[] | null;
  automaticPaymentMethods: Stripe.PaymentIntent.AutomaticPaymentMethods | null;
  captureMethod: Stripe.PaymentIntent.CaptureMethod;
  created: number;
}): Stripe.PaymentIntent {
  const id = newId("pi");
  return {
    id,
    object: "payment_intent",
    allowed_payment_method_types: init.allowedPaymentMethodTypes,
    amount: init.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: init.automaticPaymentMethods,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: init.captureMethod,
    client_secret: `${id}_secret_${randomToken(25)}`,
    confirmation_method: "automatic",
    created: init.created,
    currency: init.currency,
    customer: null,
    customer_account: null,
    description: init.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: LIVEMODE,
    managed_payments: null,
    metadata: init.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: init.paymentMethodTypes,
    payment_record: null,
    processing: null,
    receipt_email: init.receiptEmail,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: init.statementDescriptor,
    statement_descriptor_suffix: init.statementDescriptorSuffix,
    status: "requires_payment_method",
    transfer_data: null,
    transfer_group: init.transferGroup,
  };
}

// ---- balance transactions -----------------------------------------------------------------

export interface BalanceTransactionInit {
  amount: number;
  currency: string;
  fee: number;
  type: Stripe.BalanceTransaction.Type;
  reportingCategory: string;
  source: string;
  description: string | null;
  /** What the fee is, when there is one (default "Stripe processing fees"). */
  feeDescription?: string;
}

/** A balance transaction; `status` is `available` once the clock reaches `available_on` (the ledger keeps it current). */
export function makeBalanceTransaction(init: BalanceTransactionInit & { created: number; availableOn: number }): Stripe.BalanceTransaction {
  return {
    id: newId("txn"),
    object: "balance_transaction",
    amount: init.amount,
    available_on: init.availableOn,
    balance_type: "payments",
    created: init.created,
    currency: init.currency,
    description: init.description,
    exchange_rate: null,
    fee: init.fee,
    fee_details:
      init.fee === 0
        ? []
        : [
            {
              amount: init.fee,
              application: null,
              currency: init.currency,
              description: init.feeDescription ?? "Stripe processing fees",
              type: "stripe_fee",
            },
          ],
    net: init.amount - init.fee,
    reporting_category: init.reportingCategory,
    source: init.source,
    status: init.availableOn <= init.created ? "available" : "pending",
    type: init.type,
  };
}

// ---- charges ------------------------------------------------------------------------------

export interface ChargeOutcomeInput {
  succeeded: boolean;
  failureCode: string | null;
  failureMessage: string | null;
  declineCode: string | null;
}

export function makeCharge(init: {
  intent: Stripe.PaymentIntent;
  paymentMethod: Stripe.PaymentMethod;
  outcome: ChargeOutcomeInput;
  balanceTransaction: string | null;
  receiptUrlBase: string;
  created: number;
}): Stripe.Charge {
  const { intent, paymentMethod: pm, outcome } = init;
  const card = pm.card;
  const id = newId("ch");
  const ok = outcome.succeeded;
  return {
    id,
    object: "charge",
    amount: intent.amount,
    amount_captured: ok ? intent.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: init.balanceTransaction,
    billing_details: structuredClone(pm.billing_details),
    calculated_statement_descriptor: intent.statement_descriptor ?? "GIFTLOOP SANDBOX",
    captured: ok,
    created: init.created,
    currency: intent.currency,
    customer: null,
    description: intent.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: outcome.failureCode,
    failure_message: outcome.failureMessage,
    fraud_details: {},
    livemode: LIVEMODE,
    metadata: { ...intent.metadata },
    on_behalf_of: null,
    outcome: ok
      ? {
          advice_code: null,
          network_advice_code: null,
          network_decline_code: null,
          network_status: "approved_by_network",
          reason: null,
          risk_level: "normal",
          risk_score: 32,
          seller_message: "Payment complete.",
          type: "authorized",
        }
      : {
          advice_code: outcome.declineCode === "insufficient_funds" ? "try_again_later" : "do_not_try_again",
          network_advice_code: null,
          network_decline_code: null,
          network_status: "declined_by_network",
          reason: outcome.declineCode,
          risk_level: "normal",
          risk_score: 40,
          seller_message: "The bank did not return any further details with this decline.",
          type: "issuer_declined",
        },
    paid: ok,
    payment_intent: intent.id,
    payment_method: pm.id,
    payment_method_details: {
      card: {
        amount_authorized: ok ? intent.amount : null,
        authorization_code: ok ? String(100000 + Math.floor(Math.random() * 900000)) : null,
        brand: card?.brand ?? null,
        checks: card?.checks ?? null,
        country: card?.country ?? null,
        electronic_commerce_indicator: null,
        exp_month: card?.exp_month ?? 1,
        exp_year: card?.exp_year ?? 2030,
        extended_authorization: { status: "disabled" },
        fingerprint: card?.fingerprint ?? null,
        funding: card?.funding ?? null,
        incremental_authorization: { status: "unavailable" },
        installments: null,
        last4: card?.last4 ?? null,
        mandate: null,
        multicapture: { status: "unavailable" },
        network: card?.brand ?? null,
        network_token: { used: false },
        network_transaction_id: ok ? randomToken(15) : null,
        overcapture: { maximum_amount_capturable: intent.amount, status: "unavailable" },
        regulated_status: "unregulated",
        three_d_secure: null,
        transaction_link_id: null,
        wallet: null,
      },
      type: "card",
    },
    receipt_email: intent.receipt_email,
    receipt_number: null,
    receipt_url: `${init.receiptUrlBase}/receipts/payment/${randomToken(40)}`,
    refunded: false,
    refunds: makeList<Stripe.Refund>([], false, `/v1/charges/${id}/refunds`),
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: intent.statement_descriptor,
    statement_descriptor_suffix: intent.statement_descriptor_suffix,
    status: ok ? "succeeded" : "failed",
    transfer_data: null,
    transfer_group: intent.transfer_group,
  };
}

// ---- refunds ------------------------------------------------------------------------------

export function makeRefund(init: {
  amount: number;
  charge: Stripe.Charge;
  reason: Stripe.Refund.Reason | null;
  metadata: Metadata;
  balanceTransaction: string;
  created: number;
  /** `re_` for card refunds; a connected account's refund of a transfer's payment is `pyr_`. */
  prefix?: string;
}): Stripe.Refund {
  const { charge } = init;
  return {
    id: newId(init.prefix ?? "re"),
    object: "refund",
    amount: init.amount,
    balance_transaction: init.balanceTransaction,
    charge: charge.id,
    created: init.created,
    currency: charge.currency,
    customer: null,
    customer_account: null,
    destination_details: { card: { reference_status: "pending", reference_type: "acquirer_reference_number", type: "refund" }, type: "card" },
    metadata: init.metadata,
    payment_intent: typeof charge.payment_intent === "string" ? charge.payment_intent : (charge.payment_intent?.id ?? null),
    payment_method: charge.payment_method,
    reason: init.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: "pending",
    transfer_reversal: null,
  };
}

// ---- disputes -----------------------------------------------------------------------------

const EMPTY_EVIDENCE: Stripe.Dispute.Evidence = {
  access_activity_log: null,
  billing_address: null,
  cancellation_policy: null,
  cancellation_policy_disclosure: null,
  cancellation_rebuttal: null,
  customer_communication: null,
  customer_email_address: null,
  customer_name: null,
  customer_purchase_ip: null,
  customer_signature: null,
  duplicate_charge_documentation: null,
  duplicate_charge_explanation: null,
  duplicate_charge_id: null,
  enhanced_evidence: {},
  product_description: null,
  receipt: null,
  refund_policy: null,
  refund_policy_disclosure: null,
  refund_refusal_explanation: null,
  service_date: null,
  service_documentation: null,
  shipping_address: null,
  shipping_carrier: null,
  shipping_date: null,
  shipping_documentation: null,
  shipping_tracking_number: null,
  uncategorized_file: null,
  uncategorized_text: null,
};

/** Visa reason codes for the dispute reasons the sandbox control accepts. */
const NETWORK_REASON: Record<string, string> = {
  fraudulent: "10.4",
  product_not_received: "13.1",
  product_unacceptable: "13.3",
  duplicate: "12.6.1",
  subscription_canceled: "13.2",
  credit_not_processed: "13.6",
  general: "13.7",
};

export function makeDispute(init: {
  charge: Stripe.Charge;
  amount: number;
  reason: string;
  inquiry: boolean;
  balanceTransactions: Stripe.BalanceTransaction[];
  created: number;
}): Stripe.Dispute {
  const { charge } = init;
  const created = init.created;
  const networkReason = NETWORK_REASON[init.reason] ?? "13.7";
  return {
    id: newId("dp"),
    object: "dispute",
    amount: init.amount,
    balance_transactions: init.balanceTransactions,
    charge: charge.id,
    created,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: structuredClone(EMPTY_EVIDENCE),
    evidence_details: {
      due_by: created + 7 * 86_400,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: "not_submitted",
    },
    intended_submission_method: null,
    is_charge_refundable: init.inquiry,
    livemode: LIVEMODE,
    metadata: {},
    network_reason_code: networkReason,
    payment_intent: typeof charge.payment_intent === "string" ? charge.payment_intent : (charge.payment_intent?.id ?? null),
    payment_method_details: {
      card: {
        brand: charge.payment_method_details?.card?.brand ?? "visa",
        case_type: init.inquiry ? "inquiry" : "chargeback",
        network: charge.payment_method_details?.card?.network ?? "visa",
        network_reason_code: networkReason,
      },
      type: "card",
    },
    reason: init.reason,
    status: init.inquiry ? "warning_needs_response" : "needs_response",
  };
}
