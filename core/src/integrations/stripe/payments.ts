import Stripe from "stripe";
import type { Config } from "../../platform/config.ts";
import { PaymentsNotConfigured, stripeClient } from "./client.ts";

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
  /**
   * Sandbox mode only (the Stripe stand-in, or Stripe's test mode): confirms an intent with a
   * test card's number, as Stripe.js would from the browser. Never used in live mode, where
   * card numbers reach only Stripe's own Payment Element.
   */
  confirmWithTestCard?(id: string, input: TestCardConfirmation): Promise<CardConfirmation>;
  /** Verifies the Stripe-Signature header over the raw body; throws when it does not match. */
  verifyWebhook(rawBody: string, signature: string): Stripe.Event;
}

export interface TestCardConfirmation {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
  /** Where the 3-D Secure challenge returns to. */
  returnUrl: string;
  idempotencyKey: string;
}

export interface CardConfirmation {
  status: string;
  /** The 3-D Secure challenge to open when `status` is requires_action. */
  nextActionUrl: string | null;
  amount: number;
  error: { code: string; declineCode: string | null; message: string } | null;
}

export function createStripePayments(
  config: Pick<Config, "STRIPE_SECRET_KEY" | "STRIPE_WEBHOOK_SECRET" | "STRIPE_API_URL">,
): Payments {
  const { sdk, webhooks } = stripeClient(config);
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
    async confirmWithTestCard(id, input) {
      try {
        const pi = await sdk().paymentIntents.confirm(
          id,
          {
            payment_method_data: {
              type: "card",
              card: { number: input.number, exp_month: input.expMonth, exp_year: input.expYear, cvc: input.cvc },
            } as unknown as Stripe.PaymentIntentConfirmParams.PaymentMethodData,
            return_url: input.returnUrl,
          },
          { idempotencyKey: input.idempotencyKey },
        );
        const err = pi.last_payment_error;
        return {
          status: pi.status,
          nextActionUrl: pi.next_action?.redirect_to_url?.url ?? null,
          amount: pi.amount,
          error: err ? { code: err.code ?? "card_error", declineCode: err.decline_code ?? null, message: err.message ?? "The card was declined." } : null,
        };
      } catch (e) {
        if (e instanceof Stripe.errors.StripeCardError) {
          return { status: "requires_payment_method", nextActionUrl: null, amount: 0, error: { code: e.code ?? "card_declined", declineCode: e.decline_code ?? null, message: e.message } };
        }
        throw e;
      }
    },
    verifyWebhook(rawBody, signature) {
      if (!config.STRIPE_WEBHOOK_SECRET) throw new PaymentsNotConfigured("STRIPE_WEBHOOK_SECRET is not set");
      return webhooks.constructEvent(rawBody, signature, config.STRIPE_WEBHOOK_SECRET);
    },
  };
}
