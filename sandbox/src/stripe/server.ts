/**
 * Stripe stand-in: the subset of the Stripe API this product uses, on loopback, in Stripe's wire
 * format, for sandbox mode and tests. The official `stripe` SDK reaches it through its own
 * settings, unmodified:
 *
 *   const standIn = await startStripeStandIn({ webhookUrl: "http://127.0.0.1:3000/webhooks/stripe",
 *                                             retry: { delaysMs: [50, 100, 200] } });
 *   const stripe = new Stripe("sk_test_anything", { ...standIn.sdkConfig });  // host, port, protocol: "http"
 *   const pi = await stripe.paymentIntents.create({ amount: 5000, currency: "usd",
 *     allowed_payment_method_types: ["card"], payment_method: "pm_card_visa", confirm: true });
 *   // (without allowed_payment_method_types, automatic payment methods apply and a server-side
 *   //  confirm needs a return_url or automatic_payment_methods[allow_redirects]=never, as at Stripe)
 *   // webhooks arrive signed with standIn.webhookSecret: verify with stripe.webhooks.constructEvent
 *   await standIn.stop();
 *
 * Served (form-encoded requests, JSON responses, `Authorization: Bearer sk_test_...`):
 *   POST /v1/payment_intents, GET /v1/payment_intents, GET|POST /v1/payment_intents/:id,
 *   POST /v1/payment_intents/:id/confirm, POST /v1/payment_intents/:id/cancel,
 *   POST /v1/refunds, GET /v1/refunds, GET|POST /v1/refunds/:id,
 *   GET /v1/charges, GET|POST /v1/charges/:id, GET /v1/balance_transactions[/:id],
 *   POST /v1/payment_methods, GET /v1/payment_methods/:id,
 *   GET /v1/disputes, GET|POST /v1/disputes/:id, POST /v1/disputes/:id/close,
 *   GET /v1/events, GET /v1/events/:id.
 * Sandbox controls (no auth, not part of Stripe's API):
 *   POST /_sandbox/charges/:id/dispute   reason=fraudulent|general|..., amount, inquiry=true|false
 *   POST /_sandbox/disputes/:id/resolve  status=won|lost
 *   POST /_sandbox/webhook_endpoint      url=... (empty to stop delivering)
 *   GET  /_sandbox/deliveries            webhook delivery records
 *   POST /_sandbox/reset                 forget everything
 *
 * Outcomes follow Stripe's test mode: test cards and `pm_card_*` ids decide success or decline
 * (see test-cards.ts); refunds settle asynchronously and fail for the refund-failure test card or
 * FAILING_REFUND_AMOUNT (see refunds.ts). Idempotency-Key, Stripe-Version, expand[], list
 * pagination and Stripe's error shapes and statuses behave as at Stripe. Not modelled, and refused
 * with a message saying so rather than ignored: Connect (Stripe-Account, transfer_data...),
 * customers, manual capture, non-card payment method types.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type Stripe from "stripe";
import { createDispute, disputeRoutes } from "./disputes.ts";
import { authenticationError, invalidRequest, StripeApiError } from "./errors.ts";
import { canonicalParams, parseStripeForm, type ParamMap } from "./form.ts";
import type { Handler } from "./handler.ts";
import { IdempotencyCache } from "./idempotency.ts";
import { randomToken } from "./ids.ts";
import type { StripeEvent } from "./objects.ts";
import { checkParams, str } from "./params.ts";
import { paymentIntentRoutes } from "./payment-intents.ts";
import { readRoutes } from "./reads.ts";
import { refundRoutes } from "./refunds.ts";
import { AUTOMATIC, StripeState } from "./state.ts";
import { DEFAULT_RETRY, WebhookSender, type RetryPolicy, type WebhookDelivery } from "./webhooks.ts";

export { FAILING_REFUND_AMOUNT } from "./refunds.ts";
export { stripeSignatureHeader, type RetryPolicy, type WebhookAttempt, type WebhookDelivery } from "./webhooks.ts";
export type { StripeEvent, StripeList } from "./objects.ts";
export { TEST_PAYMENT_METHODS } from "./test-cards.ts";

/** The API version of the `stripe` SDK this repository pins; events carry it as `api_version`. */
export const DEFAULT_API_VERSION = "2026-10-28.endive";

export interface StripeStandInOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Where events are POSTed; null/undefined: events are only recorded (set later with setWebhookUrl). */
  webhookUrl?: string | null;
  /** Signing secret for webhooks; default a fresh `whsec_...`. */
  webhookSecret?: string;
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
  setWebhookUrl(url: string | null): void;
  /** Webhook deliveries so far (copies), in the order events were created. */
  readonly deliveries: WebhookDelivery[];
  /** Every event so far (copies), oldest first. */
  readonly events: StripeEvent[];
  /** Resolves when every queued webhook has been delivered or has run out of retries. */
  whenDeliveriesSettled(): Promise<void>;
  /** Same as POST /_sandbox/charges/:id/dispute. */
  openDispute(chargeId: string, opts?: { reason?: string; amount?: number; inquiry?: boolean }): Stripe.Dispute;
  /** Forgets all objects, events, idempotency keys and pending deliveries. */
  reset(): void;
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const MAX_BODY = 1024 * 1024;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

function compile(routes: Array<[string, string, Handler]>): Route[] {
  return routes.map(([method, path, handler]) => {
    const names: string[] = [];
    const source = path.replace(/:([a-z]+)/g, (_m, name: string) => {
      names.push(name);
      return "([^/]+)";
    });
    return { method, pattern: new RegExp(`^${source}/?$`), names, handler };
  });
}

function redact(key: string): string {
  return key.length <= 12 ? key : `${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;
}

/** The API key from `Authorization: Bearer <key>` (or Basic with the key as user name, which Stripe also accepts). */
function authenticate(req: http.IncomingMessage, expected: string | undefined): string {
  const header = req.headers.authorization;
  let key: string | undefined;
  if (header?.startsWith("Bearer ")) key = header.slice(7).trim();
  else if (header?.startsWith("Basic ")) key = Buffer.from(header.slice(6), "base64").toString("utf8").split(":")[0];
  if (!key) {
    throw authenticationError(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    );
  }
  const ok = expected !== undefined ? key === expected : /^(sk|rk)_test_\w+$/.test(key);
  if (!ok) {
    if (/^(sk|rk)_live_/.test(key)) throw authenticationError("The Stripe stand-in only accepts test-mode API keys (sk_test_...).");
    throw authenticationError(`Invalid API Key provided: ${redact(key)}`);
  }
  return key;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(invalidRequest("Request body too large.", { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export async function startStripeStandIn(opts: StripeStandInOptions = {}): Promise<StripeStandIn> {
  const log = opts.log ?? (() => {});
  const webhookSecret = opts.webhookSecret ?? `whsec_${randomToken(32)}`;
  const apiVersion = opts.apiVersion ?? DEFAULT_API_VERSION;
  let webhookUrl: string | null = opts.webhookUrl ?? null;
  let baseUrl = "";

  const sender = new WebhookSender({
    secret: webhookSecret,
    retry: { ...DEFAULT_RETRY, ...opts.retry },
    log,
    onSettled: (eventId, delivered) => {
      const event = state.events.get(eventId);
      if (event && delivered) event.pending_webhooks = 0;
    },
  });
  const state: StripeState = new StripeState({
    apiVersion,
    baseUrl: () => baseUrl,
    refundSettleDelayMs: opts.refundSettleDelayMs ?? 50,
    onEvent: (event, orderingKey) => {
      if (!webhookUrl) return 0;
      // The payload counts the delivery it is part of, as Stripe's does.
      event.pending_webhooks = 1;
      sender.enqueue(event, webhookUrl, orderingKey);
      return 1;
    },
  });
  const idempotency = new IdempotencyCache();

  const reset = (): void => {
    state.clear();
    idempotency.clear();
    sender.reset();
  };

  const controlRoutes: Array<[string, string, Handler]> = [
    [
      "POST",
      "/_sandbox/reset",
      (ctx) => {
        checkParams(ctx.params, {});
        reset();
        return { body: { reset: true } };
      },
    ],
    ["GET", "/_sandbox/deliveries", () => ({ body: { deliveries: sender.deliveries } })],
    [
      "POST",
      "/_sandbox/webhook_endpoint",
      (ctx) => {
        checkParams(ctx.params, { url: "string" });
        webhookUrl = str(ctx.params, "url") || null;
        return { body: { url: webhookUrl, secret: webhookSecret } };
      },
    ],
    [
      "GET",
      "/receipts/payment/:token",
      (ctx) => {
        const charge = [...state.charges.values()].find((c) => c.receipt_url?.endsWith(`/${ctx.path.token}`));
        if (!charge) throw invalidRequest("No such receipt.", { status: 404 });
        return { body: { receipt: true, charge: charge.id, amount: charge.amount, currency: charge.currency, status: charge.status } };
      },
    ],
  ];
  const routes = compile([...paymentIntentRoutes, ...refundRoutes, ...readRoutes, ...disputeRoutes, ...controlRoutes]);

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = `req_${randomToken(14)}`;
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://localhost");
    const stripeVersion = typeof req.headers["stripe-version"] === "string" ? req.headers["stripe-version"] : apiVersion;
    const idemKey = typeof req.headers["idempotency-key"] === "string" ? req.headers["idempotency-key"] : null;
    const headers: Record<string, string> = { "Request-Id": requestId, "Stripe-Version": stripeVersion };
    if (idemKey) headers["Idempotency-Key"] = idemKey;

    let status = 200;
    let body: unknown;
    let idem: { scope: string; key: string; endpoint: string; params: string } | null = null;
    try {
      const raw = await readBody(req);
      const routesForPath = routes.filter((r) => r.pattern.test(url.pathname));
      const route = routesForPath.find((r) => r.method === method);
      if (!route) {
        throw invalidRequest(
          `Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
          { status: 404 },
        );
      }
      const isApi = url.pathname.startsWith("/v1/");
      let params: ParamMap;
      if (isApi) {
        const key = authenticate(req, opts.apiKey);
        if (req.headers["stripe-account"]) {
          throw invalidRequest("The Stripe stand-in does not model Connect accounts (Stripe-Account header); the real Stripe API accepts it.");
        }
        if (!/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(stripeVersion)) {
          throw invalidRequest(`Invalid Stripe API version: ${stripeVersion}`, { param: "Stripe-Version" });
        }
        params = method === "GET" ? parseStripeForm(url.search.slice(1)) : parseStripeForm(raw);
        if (method === "POST" && idemKey) {
          idem = { scope: key, key: idemKey, endpoint: `${method} ${url.pathname}`, params: canonicalParams(params) };
          const saved = idempotency.lookup(idem.scope, idem.key, idem.endpoint, idem.params);
          if (saved) {
            res.writeHead(saved.status, {
              ...saved.headers,
              "Request-Id": requestId,
              "Idempotent-Replayed": "true",
              "Original-Request": saved.requestId,
              "Content-Type": "application/json",
            });
            res.end(saved.body);
            return;
          }
        }
      } else {
        params = method === "GET" ? parseStripeForm(url.search.slice(1)) : parseStripeForm(raw);
      }
      const match = route.pattern.exec(url.pathname);
      const path = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(match?.[i + 1] ?? "")]));
      const result = route.handler({ state, params, path, cause: isApi ? { id: requestId, idempotency_key: idemKey } : AUTOMATIC, apiVersion: stripeVersion });
      status = result.status ?? 200;
      body = result.body;
    } catch (e) {
      if (e instanceof StripeApiError) {
        status = e.status;
        body = { error: { ...e.body, request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}` } };
        Object.assign(headers, e.headers);
      } else {
        log(`stripe stand-in: internal error on ${method} ${url.pathname}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        status = 500;
        body = { error: { type: "api_error", message: "An unknown error occurred in the Stripe stand-in." } };
        headers["Stripe-Should-Retry"] = "false";
      }
    }
    const text = JSON.stringify(body, null, 2);
    if (idem) idempotency.save(idem.scope, idem.key, idem.endpoint, idem.params, { status, body: text, headers, requestId });
    res.writeHead(status, { ...headers, "Content-Type": "application/json", "Cache-Control": "no-cache, no-store" });
    res.end(text);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log(`stripe stand-in: ${String(e)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${HOST}:${port}`;

  return {
    url: baseUrl,
    host: HOST,
    port,
    protocol: "http",
    sdkConfig: { host: HOST, port, protocol: "http" },
    webhookSecret,
    setWebhookUrl(url) {
      webhookUrl = url;
    },
    get deliveries() {
      return sender.deliveries;
    },
    get events() {
      return structuredClone([...state.events.values()]);
    },
    whenDeliveriesSettled: () => sender.idle(),
    openDispute(chargeId, o = {}) {
      const charge = state.get(state.charges, chargeId, "charge", "charge");
      const d = createDispute(
        state,
        charge,
        { reason: o.reason ?? "fraudulent", inquiry: o.inquiry ?? false, ...(o.amount !== undefined ? { amount: o.amount } : {}) },
        AUTOMATIC,
      );
      return structuredClone(d);
    },
    reset,
    async stop() {
      reset();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

