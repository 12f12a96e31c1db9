import Stripe from "stripe";
import type { Config } from "../../platform/config.ts";
import { stripeClient } from "./client.ts";

/**
 * Stripe Transfers to brands' connected accounts ("separate charges and transfers") and their
 * reversals, through the official SDK. Every call with an effect carries an idempotency key
 * derived from our own record; `findTransfer` looks for a transfer made under an earlier,
 * uncertain attempt (Stripe keeps idempotency keys for 24 hours only).
 */
export interface TransferInput {
  amount: number;
  currency: string;
  destination: string;
  /** The order's charge: funds come from it, whatever the platform's available balance. */
  sourceTransaction: string | null;
  transferGroup: string;
  description: string;
  metadata: Record<string, string>;
  idempotencyKey: string;
}

export interface TransferView {
  id: string;
  amount: number;
  amountReversed: number;
  currency: string;
  metadata: Record<string, string>;
}

/** Stripe refused the request for a reason retrying will not fix (bad destination, currency, balance). */
export class TransferRefused extends Error {
  override name = "TransferRefused";
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export interface StripeTransfers {
  createTransfer(input: TransferInput): Promise<TransferView>;
  /** The transfer of `transferGroup` whose metadata has `key` = `value`, if Stripe has one. */
  findTransfer(transferGroup: string, key: string, value: string): Promise<TransferView | undefined>;
  createReversal(input: { transferId: string; amount: number; metadata: Record<string, string>; idempotencyKey: string }): Promise<{ id: string; amount: number }>;
  /** The charge of a succeeded PaymentIntent (its latest_charge). */
  chargeOfPaymentIntent(paymentIntentId: string): Promise<string | null>;
}

const view = (t: Stripe.Transfer): TransferView => ({
  id: t.id,
  amount: t.amount,
  amountReversed: t.amount_reversed,
  currency: t.currency.toUpperCase(),
  metadata: (t.metadata ?? {}) as Record<string, string>,
});

/** Client errors (4xx other than 429 and 409 idempotency races) will not succeed on a retry. */
function refusal(err: unknown): never {
  if (err instanceof Stripe.errors.StripeInvalidRequestError || err instanceof Stripe.errors.StripeCardError || err instanceof Stripe.errors.StripePermissionError) {
    throw new TransferRefused(err.message, err.code);
  }
  throw err;
}

export function createStripeTransfers(config: Pick<Config, "STRIPE_SECRET_KEY" | "STRIPE_API_URL">): StripeTransfers {
  const { sdk } = stripeClient(config);
  return {
    async createTransfer(input) {
      try {
        const t = await sdk().transfers.create(
          {
            amount: input.amount,
            currency: input.currency.toLowerCase(),
            destination: input.destination,
            ...(input.sourceTransaction ? { source_transaction: input.sourceTransaction } : {}),
            transfer_group: input.transferGroup,
            description: input.description,
            metadata: input.metadata,
          },
          { idempotencyKey: input.idempotencyKey },
        );
        return view(t);
      } catch (err) {
        refusal(err);
      }
    },
    async findTransfer(transferGroup, key, value) {
      for await (const t of sdk().transfers.list({ transfer_group: transferGroup, limit: 100 })) {
        if (t.metadata?.[key] === value) return view(t);
      }
      return undefined;
    },
    async createReversal(input) {
      try {
        const r = await sdk().transfers.createReversal(input.transferId, { amount: input.amount, metadata: input.metadata }, { idempotencyKey: input.idempotencyKey });
        return { id: r.id, amount: r.amount };
      } catch (err) {
        refusal(err);
      }
    },
    async chargeOfPaymentIntent(paymentIntentId) {
      const pi = await sdk().paymentIntents.retrieve(paymentIntentId);
      return typeof pi.latest_charge === "string" ? pi.latest_charge : (pi.latest_charge?.id ?? null);
    },
  };
}
