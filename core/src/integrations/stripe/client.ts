import Stripe from "stripe";
import type { Config } from "../../platform/config.ts";

/**
 * The Stripe SDK client every Stripe adapter (payments, Connect, transfers, balance) uses:
 * built once per adapter from the secret key, and pointed at the local stand-in in sandbox
 * mode through the SDK's own host/port/protocol settings (STRIPE_API_URL; production leaves
 * it unset). Without a key, each call fails with PaymentsNotConfigured, while webhook
 * signatures can still be checked (they need only the endpoint's signing secret).
 */
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

export interface StripeClient {
  /** The SDK; throws PaymentsNotConfigured when STRIPE_SECRET_KEY is not set. */
  sdk(): Stripe;
  webhooks: Stripe.Webhooks;
}

export function stripeClient(config: Pick<Config, "STRIPE_SECRET_KEY" | "STRIPE_API_URL">): StripeClient {
  const key = config.STRIPE_SECRET_KEY;
  const stripe = key ? new Stripe(key, stripeSdkOptions(config)) : undefined;
  return {
    sdk() {
      if (!stripe) throw new PaymentsNotConfigured("STRIPE_SECRET_KEY is not set");
      return stripe;
    },
    webhooks: (stripe ?? new Stripe("sk_test_unused", stripeSdkOptions(config))).webhooks,
  };
}
