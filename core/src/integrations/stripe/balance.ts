import type { Config } from "../../platform/config.ts";
import { stripeClient } from "./client.ts";

/**
 * Stripe's balance transactions of the platform account (reads only), for the daily
 * reconciliation and the day's fees. Money in minor units; `created` in unix seconds.
 */
export interface BalanceTransaction {
  id: string;
  /** charge, payment, refund, transfer, transfer_cancel (reversal), adjustment (dispute), stripe_fee, ... */
  type: string;
  reportingCategory: string;
  amount: number;
  fee: number;
  net: number;
  currency: string;
  created: number;
  /** The id of what moved the money (ch_, re_, tr_, trr_, du_...). */
  sourceId: string | null;
  /** The PaymentIntent of a charge or refund, where Stripe names one. */
  paymentIntentId: string | null;
  /** A transfer's or charge's transfer_group (our order id). */
  transferGroup: string | null;
}

export interface StripeBalance {
  /** Every balance transaction created in [from, to), oldest first. */
  list(range: { from: Date; to: Date }): Promise<BalanceTransaction[]>;
}

type Any = Record<string, unknown>;

export function createStripeBalance(config: Pick<Config, "STRIPE_SECRET_KEY" | "STRIPE_API_URL">): StripeBalance {
  const { sdk } = stripeClient(config);
  return {
    async list({ from, to }) {
      const stripe = sdk();
      const out: BalanceTransaction[] = [];
      const params = { created: { gte: Math.floor(from.getTime() / 1000), lt: Math.floor(to.getTime() / 1000) }, limit: 100, expand: ["data.source"] };
      for await (const t of stripe.balanceTransactions.list(params)) out.push(fromStripe(t as unknown as Any));
      return out.sort((a, b) => a.created - b.created || a.id.localeCompare(b.id));
    },
  };
}

function fromStripe(t: Any): BalanceTransaction {
  const source = t.source && typeof t.source === "object" ? (t.source as Any) : null;
  const sourceId = source ? String(source.id ?? "") || null : typeof t.source === "string" ? t.source : null;
  const pi = source?.payment_intent;
  return {
    id: String(t.id),
    type: String(t.type),
    reportingCategory: String(t.reporting_category ?? ""),
    amount: Number(t.amount ?? 0),
    fee: Number(t.fee ?? 0),
    net: Number(t.net ?? 0),
    currency: String(t.currency ?? "").toUpperCase(),
    created: Number(t.created ?? 0),
    sourceId,
    paymentIntentId: typeof pi === "string" ? pi : pi && typeof pi === "object" ? String((pi as Any).id ?? "") || null : null,
    transferGroup: typeof source?.transfer_group === "string" ? source.transfer_group : null,
  };
}
