import Stripe from "stripe";
import type { Config } from "../../platform/config.ts";

/**
 * The one module that talks to Stripe (official SDK). Every call with an effect carries an
 * idempotency key derived from our own record, so a retried job cannot charge or refund
 * twice. In sandbox mode STRIPE_API_URL points the SDK at the local stand-in through the
 * SDK's own host/port/protocol settings; production leaves it unset.
 */
export interface PaymentIntentInput {
  amount: number;
  currency: string;
  transferGroup: string;
  description: string;
  metadata: Record<string, string>;
  receiptEmail?: string;
  idempotencyKey: string;
}

export interface Payments {
  createPaymentIntent(input: PaymentIntentInput): Promise<{ id: string; clientSecret: string; status: string }>;
  retrievePaymentIntent(id: string): Promise<{ id: string; clientSecret: string; status: string; amount: number; currency: string }>;
  /** Cancels an intent that has not been paid; answers its status after (Stripe refuses once it succeeded). */
  cancelPaymentIntent(id: string, input: { reason: "abandoned" | "requested_by_customer"; idempotencyKey: string }): Promise<{ status: string }>;
  createRefund(input: {
    paymentIntentId: string;
    amount: number;
    reason?: "requested_by_customer" | "duplicate" | "fraudulent";
    metadata: Record<string, string>;
    idempotencyKey: string;
  }): Promise<{ id: string; status: string }>;
  /** A refund as Stripe has it now (pending, succeeded, failed, canceled, requires_action). */
  retrieveRefund(id: string): Promise<{ id: string; status: string }>;
  /** Verifies the Stripe-Signature header over the raw body; throws when it does not match. */
  verifyWebhook(rawBody: string, signature: string): Stripe.Event;
}

export class PaymentsNotConfigured extends Error {
  override name = "PaymentsNotConfigured";
}

export function stripeSdkOptions(config: Pick<Config, "STRIPE_API_URL">): Stripe.StripeConfig {
  const opts: Stripe.StripeConfig = { maxNetworkRetries: 2, timeout: 20_000, appInfo: { name: "giftloop" } };
  if (config.STRIPE_API_URL) {
    const u = new URL(config.STRIPE_API_URL);
    opts.host = u.hostname;
    opts.port = Number(u.port || (u.protocol === "https:" ? 443 : 80));
    opts.protocol = u.protocol === "https:" ? "https" : "http";
  }
  return opts;
}

export function createStripePayments(
  config: Pick<Config, "STRIPE_SECRET_KEY" | "STRIPE_WEBHOOK_SECRET" | "STRIPE_API_URL">,
): Payments {
  const key = config.STRIPE_SECRET_KEY;
  const stripe = key ? new Stripe(key, stripeSdkOptions(config)) : undefined;
  const sdk = () => {
    if (!stripe) throw new PaymentsNotConfigured("STRIPE_SECRET_KEY is not set");
    return stripe;
  };
  const webhooks = new Stripe(key ?? "sk_test_unused", stripeSdkOptions(config)).webhooks;
  return {
    async createPaymentIntent(input) {
      const pi = await sdk().paymentIntents.create(
        {
          amount: input.amount,
          currency: input.currency.toLowerCase(),
          transfer_group: input.transferGroup,
          description: input.description,
          metadata: input.metadata,
          ...(input.receiptEmail ? { receipt_email: input.receiptEmail } : {}),
          automatic_payment_methods: { enabled: true, allow_redirects: "never" },
        },
        { idempotencyKey: input.idempotencyKey },
      );
      return { id: pi.id, clientSecret: pi.client_secret ?? "", status: pi.status };
    },
    async retrievePaymentIntent(id) {
      const pi = await sdk().paymentIntents.retrieve(id);
      return { id: pi.id, clientSecret: pi.client_secret ?? "", status: pi.status, amount: pi.amount, currency: pi.currency.toUpperCase() };
    },
    async cancelPaymentIntent(id, input) {
      const pi = await sdk().paymentIntents.cancel(id, { cancellation_reason: input.reason }, { idempotencyKey: input.idempotencyKey });
      return { status: pi.status };
    },
    async createRefund(input) {
      const r = await sdk().refunds.create(
        {
          payment_intent: input.paymentIntentId,
          amount: input.amount,
          ...(input.reason ? { reason: input.reason } : {}),
          metadata: input.metadata,
        },
        { idempotencyKey: input.idempotencyKey },
      );
      return { id: r.id, status: r.status ?? "pending" };
    },
    async retrieveRefund(id) {
      const r = await sdk().refunds.retrieve(id);
      return { id: r.id, status: r.status ?? "pending" };
    },
    verifyWebhook(rawBody, signature) {
      if (!config.STRIPE_WEBHOOK_SECRET) throw new PaymentsNotConfigured("STRIPE_WEBHOOK_SECRET is not set");
      return webhooks.constructEvent(rawBody, signature, config.STRIPE_WEBHOOK_SECRET);
    },
  };
}
