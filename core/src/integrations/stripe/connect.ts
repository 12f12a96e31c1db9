import Stripe from "stripe";
import type { Config } from "../../platform/config.ts";
import { PaymentsNotConfigured, stripeClient } from "./client.ts";

/**
 * Stripe Connect for brand payouts, through the official SDK: the brand's connected account
 * (v1 Accounts with controller properties equivalent to Express: Stripe collects the
 * requirements, the brand gets the Express dashboard, the platform pays Stripe's fees and
 * bears losses; only the `transfers` capability), Account Links for its onboarding (never
 * stored: single-use and short-lived), login links to its Express dashboard, and the Connect
 * webhook endpoint's signatures (STRIPE_CONNECT_WEBHOOK_SECRET: Stripe signs each endpoint
 * with its own secret).
 */
export interface ConnectedAccount {
  id: string;
  email: string | null;
  country: string | null;
  defaultCurrency: string | null;
  detailsSubmitted: boolean;
  capabilities: { transfers: string | null };
  requirements: { currentlyDue: string[]; pastDue: string[]; pendingVerification: string[]; disabledReason: string | null };
}

export interface CreateAccountInput {
  /** Our vendor: written to the account's metadata. */
  vendorId: string;
  shopDomain: string;
  businessName: string;
  email?: string;
  /** ISO 3166-1 alpha-2; omitted, Stripe uses the platform's country. */
  country?: string;
  /** Derived from our vendor record, so that a retried create returns the same account. */
  idempotencyKey: string;
}

export interface StripeConnect {
  createAccount(input: CreateAccountInput): Promise<ConnectedAccount>;
  /** The account as Stripe has it now; `AccountUnreachable` when the platform has lost access (deauthorized, deleted). */
  retrieveAccount(id: string): Promise<ConnectedAccount>;
  /** A fresh onboarding link: open it at once (it works once, for minutes). */
  createOnboardingLink(input: { accountId: string; refreshUrl: string; returnUrl: string }): Promise<{ url: string; expiresAt: Date }>;
  /** A one-time link into the brand's Express dashboard (Stripe refuses it before the brand has submitted its details). */
  createDashboardLink(accountId: string): Promise<{ url: string }>;
  /** Verifies a Connect endpoint delivery's Stripe-Signature over the raw body; throws when it does not match. */
  verifyWebhook(rawBody: string, signature: string): Stripe.Event;
}

/** Stripe answered that the platform cannot reach the account (revoked access, unknown account). */
export class AccountUnreachable extends Error {
  override name = "AccountUnreachable";
}

/** Stripe refused the request as invalid (e.g. a dashboard link before onboarding): its message says why. */
export class ConnectRequestRefused extends Error {
  override name = "ConnectRequestRefused";
}

export function toConnectedAccount(a: Stripe.Account): ConnectedAccount {
  const req = a.requirements;
  return {
    id: a.id,
    email: a.email ?? null,
    country: a.country ?? null,
    defaultCurrency: a.default_currency?.toUpperCase() ?? null,
    detailsSubmitted: a.details_submitted ?? false,
    capabilities: { transfers: a.capabilities?.transfers ?? null },
    requirements: {
      currentlyDue: req?.currently_due ?? [],
      pastDue: req?.past_due ?? [],
      pendingVerification: req?.pending_verification ?? [],
      disabledReason: req?.disabled_reason ?? null,
    },
  };
}

/** The account in the shape status.ts reads (Stripe's own field names). */
export function accountFacts(a: ConnectedAccount) {
  return {
    details_submitted: a.detailsSubmitted,
    capabilities: { transfers: a.capabilities.transfers },
    requirements: {
      currently_due: a.requirements.currentlyDue,
      past_due: a.requirements.pastDue,
      pending_verification: a.requirements.pendingVerification,
      disabled_reason: a.requirements.disabledReason,
    },
  };
}

function isUnreachable(err: unknown): boolean {
  if (!(err instanceof Stripe.errors.StripeError)) return false;
  // Stripe: 403 "The provided key does not have access to account ..." (account_invalid), 404 for an unknown id.
  return err.statusCode === 403 || err.code === "account_invalid" || (err.statusCode === 404 && err.code === "resource_missing");
}

async function mapErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isUnreachable(err)) throw new AccountUnreachable((err as Error).message);
    if (err instanceof Stripe.errors.StripeInvalidRequestError) throw new ConnectRequestRefused(err.message);
    throw err;
  }
}

export function createStripeConnect(
  config: Pick<Config, "STRIPE_SECRET_KEY" | "STRIPE_CONNECT_WEBHOOK_SECRET" | "STRIPE_API_URL">,
): StripeConnect {
  const { sdk, webhooks } = stripeClient(config);
  return {
    async createAccount(input) {
      const account = await sdk().accounts.create(
        {
          controller: {
            stripe_dashboard: { type: "express" },
            fees: { payer: "application" },
            losses: { payments: "application" },
            requirement_collection: "stripe",
          },
          capabilities: { transfers: { requested: true } },
          ...(input.country ? { country: input.country } : {}),
          ...(input.email ? { email: input.email } : {}),
          business_profile: { name: input.businessName },
          metadata: { giftloop_vendor_id: input.vendorId, shop_domain: input.shopDomain },
        },
        { idempotencyKey: input.idempotencyKey },
      );
      return toConnectedAccount(account);
    },
    retrieveAccount: (id) => mapErrors(async () => toConnectedAccount(await sdk().accounts.retrieve(id))),
    createOnboardingLink: (input) =>
      mapErrors(async () => {
        const link = await sdk().accountLinks.create({
          account: input.accountId,
          type: "account_onboarding",
          refresh_url: input.refreshUrl,
          return_url: input.returnUrl,
        });
        return { url: link.url, expiresAt: new Date(link.expires_at * 1000) };
      }),
    createDashboardLink: (accountId) => mapErrors(async () => ({ url: (await sdk().accounts.createLoginLink(accountId)).url })),
    verifyWebhook(rawBody, signature) {
      if (!config.STRIPE_CONNECT_WEBHOOK_SECRET) throw new PaymentsNotConfigured("STRIPE_CONNECT_WEBHOOK_SECRET is not set");
      return webhooks.constructEvent(rawBody, signature, config.STRIPE_CONNECT_WEBHOOK_SECRET);
    },
  };
}
