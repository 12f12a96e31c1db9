/**
 * Stripe stand-in: the subset of the Stripe API this product uses, on loopback, in Stripe's wire
 * format, for sandbox mode and tests. The official `stripe` SDK reaches it through its own
 * settings, unmodified:
 *
 *   const standIn = await startStripeStandIn({ webhookUrl: "http://127.0.0.1:3000/webhooks/stripe",
 *                                             connectWebhookUrl: "http://127.0.0.1:3000/webhooks/stripe/connect",
 *                                             retry: { delaysMs: [50, 100, 200] } });
 *   const stripe = new Stripe("sk_test_anything", { ...standIn.sdkConfig });  // host, port, protocol: "http"
 *   const pi = await stripe.paymentIntents.create({ amount: 5000, currency: "usd",
 *     allowed_payment_method_types: ["card"], payment_method: "pm_card_visa", confirm: true });
 *   // (without allowed_payment_method_types, automatic payment methods apply and a server-side
 *   //  confirm needs a return_url or automatic_payment_methods[allow_redirects]=never, as at Stripe)
 *   // webhooks arrive signed with standIn.webhookSecret (Connect endpoint: standIn.connectWebhookSecret):
 *   // verify with stripe.webhooks.constructEvent
 *   await standIn.stop();
 *
 * Served (form-encoded requests, JSON responses, `Authorization: Bearer sk_test_...`):
 *   POST /v1/payment_intents, GET /v1/payment_intents, GET|POST /v1/payment_intents/:id,
 *   POST /v1/payment_intents/:id/confirm, POST /v1/payment_intents/:id/cancel,
 *   POST /v1/refunds, GET /v1/refunds, GET|POST /v1/refunds/:id,
 *   GET /v1/charges, GET|POST /v1/charges/:id, POST /v1/payment_methods, GET /v1/payment_methods/:id,
 *   GET /v1/disputes, GET|POST /v1/disputes/:id, POST /v1/disputes/:id/close,
 *   GET /v1/events, GET /v1/events/:id,
 *   Connect: POST|GET /v1/accounts, GET|POST /v1/accounts/:id, POST /v1/accounts/:id/reject,
 *   GET /v1/accounts/:id/capabilities, GET|POST /v1/accounts/:id/capabilities/:capability,
 *   POST /v1/accounts/:id/login_links, POST /v1/account_links,
 *   POST|GET /v1/transfers, GET|POST /v1/transfers/:id, POST|GET /v1/transfers/:id/reversals,
 *   GET|POST /v1/transfers/:id/reversals/:reversal,
 *   GET /v1/balance, GET /v1/balance_transactions, GET /v1/balance_transactions/:id.
 * `Stripe-Account: acct_...` acts as a connected account on balance, balance transactions,
 * charges, refunds and events (each account sees only its own); elsewhere it is refused.
 * Pages (what the holder of a connected account sees): GET /setup/e/:account/:token (the
 * onboarding an Account Link opens: complete / verification pending / requirements due / rejected),
 * GET /express/:account/:token (the Express dashboard a login link opens).
 * Sandbox controls (no auth, not part of Stripe's API; form or JSON bodies):
 *   POST /_sandbox/charges/:id/dispute   reason=fraudulent|general|..., amount, inquiry=true|false
 *   POST /_sandbox/disputes/:id/resolve  status=won|lost
 *   POST /_sandbox/payment_intents/:id/pay  payment_method=pm_card_visa (the default) or another test card:
 *                                        pays as the buyer's browser would with Stripe.js (sandbox mode's
 *                                        checkout answer links it, so paying needs no API key)
 *   POST /_sandbox/webhook_endpoint      url=... (empty to stop delivering), connect=true for the
 *                                        Connect endpoint (events of connected accounts, carrying `account`)
 *   POST /_sandbox/accounts/:id/onboarding   outcome=complete|pending|restricted|rejected (as the page does)
 *   POST /_sandbox/accounts/:id/deauthorize  the account disconnects: account.application.deauthorized
 *   POST /_sandbox/payouts               account=acct_... (omit: the platform) pays out the available balance
 *   POST /_sandbox/clock/advance         seconds=N and/or days=N; GET /_sandbox/clock
 *   POST /_sandbox/faults                rate, kinds[]=500|timeout|rate_limit, hang_ms, paths[], posts_only,
 *                                        drop_after_commit=N ({} clears; see faults.ts)
 *   GET  /_sandbox/deliveries            webhook delivery records
 *   POST /_sandbox/reset                 forget everything (and the clock's offset, and the faults)
 *
 * Outcomes follow Stripe's test mode: test cards and `pm_card_*` ids decide success or decline
 * (see test-cards.ts); refunds settle asynchronously and fail for the refund-failure test card or
 * FAILING_REFUND_AMOUNT (see refunds.ts); card funds are pending for two days on the stand-in's
 * clock (4000000000000077 / pm_card_bypassPending: available at once), and transfers follow
 * Stripe's funds availability (see transfers.ts). Idempotency-Key, Stripe-Version, expand[], list
 * pagination and Stripe's error shapes and statuses behave as at Stripe. Not modelled, and refused
 * with a message saying so rather than ignored: direct and destination charges (Stripe-Account on
 * payments, transfer_data, on_behalf_of), customers, manual capture, non-card payment method types,
 * capabilities other than transfers and card_payments, account_update links, Stripe's Payout objects.
 *
 * The parts, by role: context.ts (one running stand-in's state), http-server.ts (body, faults,
 * answer), dispatch.ts (route, authenticate, idempotency), a module of routes per resource
 * (payment-intents.ts, refunds.ts, disputes.ts, accounts.ts, transfers.ts, balance.ts, ...),
 * sandbox-controls.ts, state.ts with ledger.ts and clock.ts, webhooks.ts (delivery).
 */
import type Stripe from "stripe";
import { accountLinkRoutes } from "./account-links.ts";
import { applyOnboarding, deauthorize, type OnboardingOutcome } from "./account-status.ts";
import { accountRoutes } from "./accounts.ts";
import { balanceRoutes } from "./balance.ts";
import { resetStandIn, type StripeStandInContext } from "./context.ts";
import { compile } from "./dispatch.ts";
import { createDispute, disputeRoutes } from "./disputes.ts";
import { FaultInjector, type FaultCounts, type Faults } from "./faults.ts";
import { listen, type Listening } from "./http-server.ts";
import { IdempotencyCache } from "./idempotency.ts";
import { randomToken } from "./ids.ts";
import type { SandboxPayout } from "./ledger.ts";
import type { StripeEvent } from "./objects.ts";
import { paymentIntentRoutes } from "./payment-intents.ts";
import { readRoutes } from "./reads.ts";
import { refundRoutes } from "./refunds.ts";
import { sandboxControlRoutes } from "./sandbox-controls.ts";
import { AUTOMATIC, PLATFORM, StripeState } from "./state.ts";
import { transferRoutes } from "./transfers.ts";
import { DEFAULT_RETRY, WebhookSender, type RetryPolicy, type WebhookDelivery, type WebhookEndpoint } from "./webhooks.ts";

export { FAILING_REFUND_AMOUNT } from "./refunds.ts";
export { stripeSignatureHeader, type RetryPolicy, type WebhookAttempt, type WebhookDelivery } from "./webhooks.ts";
export type { StripeEvent, StripeList } from "./objects.ts";
export { TEST_PAYMENT_METHODS } from "./test-cards.ts";
export { ONBOARDING_OUTCOMES, type OnboardingOutcome } from "./account-status.ts";
export type { FaultCounts, FaultKind, Faults } from "./faults.ts";
export type { SandboxPayout } from "./ledger.ts";
export { CARD_AVAILABILITY_DELAY_SECONDS } from "./payment-intents.ts";
export { ACCOUNT_LINK_TTL_SECONDS } from "./account-links.ts";

/** The API version of the `stripe` SDK this repository pins; events carry it as `api_version`. */
export const DEFAULT_API_VERSION = "2026-10-28.endive";

export interface StripeStandInOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Where the platform's events are POSTed; null/undefined: events are only recorded (set later with setWebhookUrl). */
  webhookUrl?: string | null;
  /** Signing secret of the platform endpoint; default a fresh `whsec_...`. */
  webhookSecret?: string;
  /** Where connected accounts' events (carrying `account`) are POSTed: the Connect endpoint. */
  connectWebhookUrl?: string | null;
  /** Signing secret of the Connect endpoint; default a fresh `whsec_...` (Stripe gives each endpoint its own). */
  connectWebhookSecret?: string;
  /** If set, the only API key accepted; otherwise any `sk_test_...` / `rk_test_...` key. */
  apiKey?: string;
  /** Webhook retry schedule; tests use e.g. `{ delaysMs: [50, 100, 200] }`. */
  retry?: Partial<RetryPolicy>;
  /** How long a refund stays `pending` before it settles (default 50 ms). */
  refundSettleDelayMs?: number;
  apiVersion?: string;
  /** Diagnostics (failed webhook attempts, internal errors); default silent. */
  log?: (line: string) => void;
}

export interface StripeStandIn {
  /** e.g. "http://127.0.0.1:43121" */
  url: string;
  host: string;
  port: number;
  protocol: "http";
  /** Spread into the SDK's config: `new Stripe(key, { ...standIn.sdkConfig })`. */
  sdkConfig: { host: string; port: number; protocol: "http" };
  webhookSecret: string;
  connectWebhookSecret: string;
  setWebhookUrl(url: string | null): void;
  setConnectWebhookUrl(url: string | null): void;
  /** Webhook deliveries so far (copies), in the order events were created. */
  readonly deliveries: WebhookDelivery[];
  /** Every event so far (copies), oldest first. */
  readonly events: StripeEvent[];
  /** Resolves when every queued webhook has been delivered or has run out of retries. */
  whenDeliveriesSettled(): Promise<void>;
  /** Same as POST /_sandbox/charges/:id/dispute. */
  openDispute(chargeId: string, opts?: { reason?: string; amount?: number; inquiry?: boolean }): Stripe.Dispute;
  /** Same as POST /_sandbox/accounts/:id/onboarding. */
  onboard(accountId: string, outcome: OnboardingOutcome): Stripe.Account;
  /** Same as POST /_sandbox/accounts/:id/deauthorize. */
  deauthorize(accountId: string): void;
  /** Same as POST /_sandbox/payouts: pays out the available balance of the platform (no argument) or of a connected account. */
  payOut(accountId?: string): SandboxPayout[];
  /** The stand-in's clock (unix seconds) and moving it forward (POST /_sandbox/clock/advance). */
  now(): number;
  advanceClock(seconds: number): void;
  /** Same as POST /_sandbox/faults; `{}` clears. */
  setFaults(faults: Faults): void;
  readonly faultCounts: FaultCounts;
  /** API requests (`/v1/...`) received so far, by method and path (ids and all): benchmarks count calls per operation. */
  readonly apiRequests: ReadonlyMap<string, number>;
  /** Forgets all objects, events, idempotency keys, pending deliveries, faults and the clock's offset. */
  reset(): void;
  stop(): Promise<void>;
}

function createContext(opts: StripeStandInOptions, apiVersion: string, baseUrl: () => string): StripeStandInContext {
  const log = opts.log ?? (() => {});
  const platformEndpoint: WebhookEndpoint = { url: opts.webhookUrl ?? "", secret: opts.webhookSecret ?? `whsec_${randomToken(32)}`, connect: false };
  const connectEndpoint: WebhookEndpoint = { url: opts.connectWebhookUrl ?? "", secret: opts.connectWebhookSecret ?? `whsec_${randomToken(32)}`, connect: true };
  const sender = new WebhookSender({
    retry: { ...DEFAULT_RETRY, ...opts.retry },
    log,
    onSettled: (eventId, delivered) => {
      const event = state.events.get(eventId);
      if (event && delivered) event.pending_webhooks = 0;
    },
  });
  const state: StripeState = new StripeState({
    apiVersion,
    baseUrl,
    refundSettleDelayMs: opts.refundSettleDelayMs ?? 50,
    onEvent: (event, orderingKey) => {
      // Events of connected accounts go to the Connect endpoint, the platform's own to the platform's.
      const endpoint = event.account ? connectEndpoint : platformEndpoint;
      if (!endpoint.url) return 0;
      // The payload counts the delivery it is part of, as Stripe's does.
      event.pending_webhooks = 1;
      sender.enqueue(event, { ...endpoint }, orderingKey);
      return 1;
    },
  });
  return {
    state,
    sender,
    platformEndpoint,
    connectEndpoint,
    idempotency: new IdempotencyCache(() => state.clock.nowMs()),
    faults: new FaultInjector(),
    apiRequests: new Map(),
    log,
  };
}

export async function startStripeStandIn(opts: StripeStandInOptions = {}): Promise<StripeStandIn> {
  const apiVersion = opts.apiVersion ?? DEFAULT_API_VERSION;
  let baseUrl = "";
  const ctx = createContext(opts, apiVersion, () => baseUrl);
  const routes = compile([
    ...paymentIntentRoutes,
    ...refundRoutes,
    ...readRoutes,
    ...disputeRoutes,
    ...accountRoutes,
    ...accountLinkRoutes,
    ...transferRoutes,
    ...balanceRoutes,
    ...sandboxControlRoutes(ctx),
  ]);
  const server = await listen(ctx, { state: ctx.state, routes, idempotency: ctx.idempotency, apiVersion, apiKey: opts.apiKey, log: ctx.log }, opts.port ?? 0);
  baseUrl = `http://${server.host}:${server.port}`;
  return standInApi(ctx, server, baseUrl);
}

/** The object `startStripeStandIn` returns: the stand-in's API for tests and the sandbox. */
function standInApi(ctx: StripeStandInContext, server: Listening, baseUrl: string): StripeStandIn {
  const { state, sender, faults, platformEndpoint, connectEndpoint } = ctx;
  const { host, port } = server;
  const connected = (id: string): Stripe.Account => {
    const account = state.accounts.get(id);
    if (!account) throw new Error(`no connected account ${id} in the Stripe stand-in`);
    return account;
  };

  return {
    url: baseUrl,
    host,
    port,
    protocol: "http",
    sdkConfig: { host, port, protocol: "http" },
    webhookSecret: platformEndpoint.secret,
    connectWebhookSecret: connectEndpoint.secret,
    setWebhookUrl(url) {
      platformEndpoint.url = url ?? "";
    },
    setConnectWebhookUrl(url) {
      connectEndpoint.url = url ?? "";
    },
    get deliveries() {
      return sender.deliveries;
    },
    get events() {
      return structuredClone([...state.events.values()]);
    },
    whenDeliveriesSettled: () => sender.idle(),
    openDispute(chargeId, o = {}) {
      const charge = state.getOwned(state.charges, chargeId, PLATFORM, "charge", "charge");
      const d = createDispute(
        state,
        charge,
        { reason: o.reason ?? "fraudulent", inquiry: o.inquiry ?? false, ...(o.amount !== undefined ? { amount: o.amount } : {}) },
        AUTOMATIC,
      );
      return structuredClone(d);
    },
    onboard(accountId, outcome) {
      const account = connected(accountId);
      applyOnboarding(state, account, outcome, AUTOMATIC);
      return structuredClone(account);
    },
    deauthorize(accountId) {
      deauthorize(state, connected(accountId));
    },
    payOut: (accountId) => state.ledger.payOut(accountId ?? PLATFORM),
    now: () => state.now(),
    advanceClock(seconds) {
      state.clock.advance(seconds);
      state.ledger.refresh();
    },
    setFaults: (f) => faults.set(f),
    get faultCounts() {
      return { ...faults.counts };
    },
    get apiRequests() {
      return new Map(ctx.apiRequests);
    },
    reset: () => resetStandIn(ctx),
    async stop() {
      resetStandIn(ctx);
      await server.close();
    },
  };
}
