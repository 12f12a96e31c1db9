import type Stripe from "stripe";
import { createDispute } from "./disputes.ts";
import { cardError, invalidRequest, missingParam, unexpectedState } from "./errors.ts";
import type { ParamMap } from "./form.ts";
import { html, redirect, reply, type Ctx, type Handler, type RouteDef } from "./handler.ts";
import { cardFee, checkChargeAmount, formatAmount, parseCurrency } from "./money.ts";
import { makeCharge, makePaymentIntent } from "./objects.ts";
import { applyMetadata, bool, checkParams, int, LIST_SPEC, nullableStr, oneOf, str, strings, sub, type SpecMap } from "./params.ts";
import { createCardPaymentMethod, PAYMENT_METHOD_DATA_SPEC, paymentMethodById } from "./payment-methods.ts";
import { PLATFORM, type Cause, type StripeState } from "./state.ts";

/** How long a card payment's funds stay pending before they are available (Stripe: about two business days). */
export const CARD_AVAILABILITY_DELAY_SECONDS = 2 * 86_400;

// PaymentIntents: create (optionally confirming in the same call), retrieve, update, confirm,
// cancel, list. Only card payments with automatic capture are modelled; the outcome of a
// confirmation is decided by the test card (see test-cards.ts). A successful confirmation creates
// a succeeded Charge with its balance transaction; a decline creates a failed Charge, records
// `last_payment_error`, returns the intent to `requires_payment_method` and answers 402 — all
// as Stripe does, with the same events.

/** Parameters Stripe accepts on both create and confirm. */
const CONFIRM_SHARED: SpecMap = {
  payment_method: "string",
  payment_method_data: PAYMENT_METHOD_DATA_SPEC,
  return_url: "string",
  receipt_email: "string",
  capture_method: "string",
  expand: "strings",
  // Accepted without effect: they only matter for payment method types or flows the stand-in
  // does not model (3-D Secure, mandates, redirects, Radar sessions).
  payment_method_options: "any",
  off_session: "any",
  error_on_requires_action: "any",
  use_stripe_sdk: "any",
  mandate_data: "any",
  radar_options: "any",
  shipping: "any",
  confirmation_token: "unsupported",
  setup_future_usage: "unsupported",
};

const CREATE_SPEC: SpecMap = {
  ...CONFIRM_SHARED,
  amount: "int",
  currency: "string",
  metadata: "metadata",
  description: "string",
  transfer_group: "string",
  statement_descriptor: "string",
  statement_descriptor_suffix: "string",
  payment_method_types: "strings",
  allowed_payment_method_types: "strings",
  automatic_payment_methods: { enabled: "bool", allow_redirects: "string" },
  confirm: "bool",
  confirmation_method: "string",
  excluded_payment_method_types: "any",
  payment_method_configuration: "any",
  // Connect destination charges, application fees and customers are not modelled.
  customer: "unsupported",
  on_behalf_of: "unsupported",
  transfer_data: "unsupported",
  application_fee_amount: "unsupported",
};

const CONFIRM_SPEC: SpecMap = { ...CONFIRM_SHARED, payment_method_types: "strings", allowed_payment_method_types: "strings", client_secret: "string" };

const UPDATE_SPEC: SpecMap = {
  amount: "int",
  currency: "string",
  metadata: "metadata",
  description: "string",
  receipt_email: "string",
  transfer_group: "string",
  statement_descriptor: "string",
  statement_descriptor_suffix: "string",
  payment_method: "string",
  payment_method_data: PAYMENT_METHOD_DATA_SPEC,
  payment_method_types: "strings",
  allowed_payment_method_types: "strings",
  expand: "strings",
  shipping: "any",
  payment_method_options: "any",
  capture_method: "string",
  customer: "unsupported",
  setup_future_usage: "unsupported",
  transfer_data: "unsupported",
  application_fee_amount: "unsupported",
};

const CANCEL_SPEC: SpecMap = { cancellation_reason: "string", expand: "strings" };
const RETRIEVE_SPEC: SpecMap = { client_secret: "string", expand: "strings" };
const LIST_INTENTS_SPEC: SpecMap = { ...LIST_SPEC, customer: "any", customer_account: "any" };

const CONFIRMABLE: Stripe.PaymentIntent.Status[] = ["requires_payment_method", "requires_confirmation", "requires_action"];
const CANCELABLE: Stripe.PaymentIntent.Status[] = ["requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing"];
const AMOUNT_UPDATABLE: Stripe.PaymentIntent.Status[] = ["requires_payment_method", "requires_confirmation", "requires_action"];

const RETURN_URL_REQUIRED =
  "A `return_url` must be specified because this Payment Intent is configured to automatically accept the payment methods enabled in the Dashboard, some of which may require a full page redirect to succeed. If you do not want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkEmail(value: string | null | undefined): void {
  if (value && !EMAIL.test(value)) throw invalidRequest(`Invalid email address: ${value}`, { param: "receipt_email" });
}

function checkCaptureMethod(p: ParamMap): Stripe.PaymentIntent.CaptureMethod | undefined {
  const m = oneOf(p, "capture_method", ["automatic", "automatic_async", "manual"] as const);
  if (m === "manual") {
    throw invalidRequest("The Stripe stand-in does not model manual capture (capture_method=manual); the real Stripe API accepts it.", {
      param: "capture_method",
    });
  }
  return m;
}

/**
 * The payment method types a request restricts the intent to. API versions before
 * 2026-09-30.endive take `payment_method_types` (every entry must be usable); later ones replaced it
 * with `allowed_payment_method_types` (Stripe keeps the compatible entries in the intent's
 * `payment_method_types`). The stand-in models cards only.
 */
function requestedTypes(ctx: Ctx, p: ParamMap): { allowed: string[] | null; effective: string[] } | undefined {
  const legacy = strings(p, "payment_method_types");
  const allowed = strings(p, "allowed_payment_method_types");
  if (legacy !== undefined && ctx.apiVersion >= "2026-09-30") {
    throw invalidRequest(
      `Received unknown parameter: payment_method_types. Did you mean allowed_payment_method_types? (payment_method_types was removed in API version 2026-09-30.endive; this request uses ${ctx.apiVersion}.)`,
      { param: "payment_method_types", code: "parameter_unknown" },
    );
  }
  if (legacy !== undefined && allowed !== undefined) {
    throw invalidRequest("You may only specify one of these parameters: allowed_payment_method_types, payment_method_types.", {
      code: "parameters_exclusive",
    });
  }
  if (legacy !== undefined) {
    for (const [i, t] of legacy.entries()) {
      if (t !== "card") {
        throw invalidRequest(`The payment method type "${t}" is not supported by the Stripe stand-in, which models card payments only.`, {
          param: `payment_method_types[${i}]`,
        });
      }
    }
    return { allowed: null, effective: legacy };
  }
  if (allowed !== undefined) {
    if (!allowed.includes("card")) {
      throw invalidRequest("None of the allowed_payment_method_types can be used: the Stripe stand-in models card payments only.", {
        param: "allowed_payment_method_types",
      });
    }
    return { allowed, effective: ["card"] };
  }
  return undefined;
}

/** The payment method a create/confirm/update request names, if any, stored and ready to charge. */
function requestedPaymentMethod(state: StripeState, p: ParamMap): Stripe.PaymentMethod | undefined {
  const id = str(p, "payment_method");
  const data = sub(p, "payment_method_data");
  if (id !== undefined && data !== undefined) {
    throw invalidRequest("You may only specify one of these parameters: payment_method, payment_method_data.", { code: "parameters_exclusive" });
  }
  if (id !== undefined) return paymentMethodById(state, id);
  if (data !== undefined) return createCardPaymentMethod(state, data, "payment_method_data[");
  return undefined;
}

function createIntent(ctx: Ctx): ReturnType<Handler> {
  const { state, params: p } = ctx;
  checkParams(p, CREATE_SPEC);
  const amount = int(p, "amount");
  if (amount === undefined) throw missingParam("amount");
  const currency = parseCurrency(str(p, "currency"));
  checkChargeAmount(amount, currency);
  const types = requestedTypes(ctx, p);
  const apm = sub(p, "automatic_payment_methods");
  if (types !== undefined && apm !== undefined) {
    const other = types.allowed ? "allowed_payment_method_types" : "payment_method_types";
    throw invalidRequest(`You may only specify one of these parameters: automatic_payment_methods, ${other}.`, {
      code: "parameters_exclusive",
    });
  }
  const allowRedirects = apm ? oneOf(apm, "allow_redirects", ["always", "never"] as const, "automatic_payment_methods[allow_redirects]") : undefined;
  if (apm && bool(apm, "enabled") === undefined) throw missingParam("automatic_payment_methods[enabled]");
  if (oneOf(p, "confirmation_method", ["automatic", "manual"] as const) === "manual") {
    throw invalidRequest("The Stripe stand-in does not model confirmation_method=manual; the real Stripe API accepts it.", {
      param: "confirmation_method",
    });
  }
  const captureMethod = checkCaptureMethod(p) ?? "automatic_async";
  const confirm = bool(p, "confirm") ?? false;
  if (!confirm && str(p, "return_url") !== undefined) {
    throw invalidRequest("You can only specify `return_url` when `confirm` is true.", { param: "return_url" });
  }
  const receiptEmail = nullableStr(p, "receipt_email") ?? null;
  checkEmail(receiptEmail);
  // Since API version 2023-08-16 an intent created without payment method types gets
  // automatic payment methods (with redirects allowed) by default.
  const automatic: Stripe.PaymentIntent.AutomaticPaymentMethods | null =
    types !== undefined ? null : apm === undefined || bool(apm, "enabled") ? { allow_redirects: allowRedirects ?? "always", enabled: true } : null;

  if (confirm) checkReturnUrl(automatic, p);
  if (confirm && p.payment_method === undefined && p.payment_method_data === undefined) throw missingPaymentMethod();
  const pm = requestedPaymentMethod(state, p);
  const pi = state.add(
    state.paymentIntents,
    makePaymentIntent({
      amount,
      currency,
      metadata: applyMetadata({}, p),
      description: nullableStr(p, "description") ?? null,
      receiptEmail,
      transferGroup: nullableStr(p, "transfer_group") ?? null,
      statementDescriptor: nullableStr(p, "statement_descriptor") ?? null,
      statementDescriptorSuffix: nullableStr(p, "statement_descriptor_suffix") ?? null,
      paymentMethodTypes: types?.effective ?? ["card"],
      allowedPaymentMethodTypes: types?.allowed ?? null,
      automaticPaymentMethods: automatic,
      captureMethod,
      created: state.now(),
    }),
  );
  if (pm) {
    pi.payment_method = pm.id;
    pi.status = "requires_confirmation";
  }
  state.emit("payment_intent.created", pi, ctx.cause);
  if (confirm) confirmIntent(state, pi, pm, ctx.cause, str(p, "return_url"));
  return reply(ctx, pi);
}

function missingPaymentMethod(): Error {
  return unexpectedState(
    "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
  );
}

/** Stripe refuses to confirm, without a return_url, an intent that may need a redirect-based method. */
function checkReturnUrl(apm: Stripe.PaymentIntent.AutomaticPaymentMethods | null, p: ParamMap): void {
  if (apm?.enabled && apm.allow_redirects !== "never" && str(p, "return_url") === undefined) {
    throw invalidRequest(RETURN_URL_REQUIRED);
  }
}

/** Charges the card. On a decline this records the failure, emits its events, then throws the 402. */
function confirmIntent(state: StripeState, pi: Stripe.PaymentIntent, requested: Stripe.PaymentMethod | undefined, cause: Cause, returnUrl?: string): void {
  const pm = requested ?? (typeof pi.payment_method === "string" ? state.paymentMethods.get(pi.payment_method) : undefined);
  if (!pm) throw missingPaymentMethod();
  const card = state.cardOf.get(pm.id);
  if (!card) throw new Error(`payment method ${pm.id} has no test card`);
  const outcome = card.outcome;

  if (outcome.kind === "decline") {
    const charge = state.add(
      state.charges,
      makeCharge({
        intent: pi,
        paymentMethod: pm,
        outcome: { succeeded: false, failureCode: outcome.code, failureMessage: outcome.message, declineCode: outcome.declineCode },
        balanceTransaction: null,
        receiptUrlBase: state.config.baseUrl(),
        created: state.now(),
      }),
    );
    pi.status = "requires_payment_method";
    pi.latest_charge = charge.id;
    // Stripe detaches a declined payment method from the intent; it stays in last_payment_error.
    pi.payment_method = null;
    pi.last_payment_error = {
      ...(charge.outcome?.advice_code ? { advice_code: charge.outcome.advice_code } : {}),
      charge: charge.id,
      code: outcome.code,
      ...(outcome.declineCode ? { decline_code: outcome.declineCode } : {}),
      doc_url: `https://stripe.com/docs/error-codes/${outcome.code.replace(/_/g, "-")}`,
      message: outcome.message,
      payment_method: structuredClone(pm),
      type: "card_error",
    };
    state.emit("charge.failed", charge, cause);
    state.emit("payment_intent.payment_failed", pi, cause);
    throw cardError({
      code: outcome.code,
      message: outcome.message,
      charge: charge.id,
      ...(outcome.declineCode ? { decline_code: outcome.declineCode } : {}),
      payment_intent: structuredClone(pi),
      payment_method: structuredClone(pm),
    });
  }

  if (outcome.kind === "authenticate" && !authenticatedOf(state).has(pi.id)) {
    requireAction(state, pi, pm, cause, returnUrl);
    return;
  }
  pi.next_action = null;
  const charge = makeCharge({
    intent: pi,
    paymentMethod: pm,
    outcome: { succeeded: true, failureCode: null, failureMessage: null, declineCode: null },
    balanceTransaction: null,
    receiptUrlBase: state.config.baseUrl(),
    created: state.now(),
  });
  // Card funds become available after Stripe's payout delay (two days here), except for the
  // test card that bypasses pending.
  const txn = state.ledger.post(PLATFORM, {
    amount: pi.amount,
    currency: pi.currency,
    fee: cardFee(pi.amount, pi.currency),
    type: "charge",
    reportingCategory: "charge",
    source: charge.id,
    description: pi.description,
    availableOn: state.now() + (outcome.kind === "succeed_available" ? 0 : CARD_AVAILABILITY_DELAY_SECONDS),
  });
  charge.balance_transaction = txn.id;
  state.add(state.charges, charge);
  pi.status = "succeeded";
  pi.amount_received = pi.amount;
  pi.latest_charge = charge.id;
  pi.payment_method = pm.id;
  pi.last_payment_error = null;
  state.emit("charge.succeeded", charge, cause);
  state.emit("payment_intent.succeeded", pi, cause);
  if (outcome.kind === "succeed_then_dispute") createDispute(state, charge, { reason: "fraudulent", inquiry: false }, cause);
}

function confirm(ctx: Ctx): ReturnType<Handler> {
  const { state, params: p } = ctx;
  const pi = state.get(state.paymentIntents, ctx.path.id ?? "", "payment_intent", "intent");
  checkParams(p, CONFIRM_SPEC);
  if (!CONFIRMABLE.includes(pi.status)) {
    throw unexpectedState(
      pi.status === "succeeded"
        ? "You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed."
        : `You cannot confirm this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_action, requires_payment_method.`,
    );
  }
  checkCaptureMethod(p);
  const types = requestedTypes(ctx, p);
  const receiptEmail = nullableStr(p, "receipt_email");
  checkEmail(receiptEmail);
  checkReturnUrl(pi.automatic_payment_methods, p);
  const pm = requestedPaymentMethod(state, p);
  if (receiptEmail !== undefined) pi.receipt_email = receiptEmail;
  if (types) {
    pi.payment_method_types = types.effective;
    pi.allowed_payment_method_types = types.allowed;
  }
  confirmIntent(state, pi, pm, ctx.cause, str(p, "return_url"));
  return reply(ctx, pi);
}

function retrieve(ctx: Ctx): ReturnType<Handler> {
  checkParams(ctx.params, RETRIEVE_SPEC);
  const pi = ctx.state.get(ctx.state.paymentIntents, ctx.path.id ?? "", "payment_intent", "intent");
  const secret = str(ctx.params, "client_secret");
  if (secret !== undefined && secret !== pi.client_secret) {
    throw invalidRequest("The client_secret provided does not match the client_secret associated with the PaymentIntent.", { param: "client_secret" });
  }
  return reply(ctx, pi);
}

function update(ctx: Ctx): ReturnType<Handler> {
  const { state, params: p } = ctx;
  const pi = state.get(state.paymentIntents, ctx.path.id ?? "", "payment_intent", "intent");
  checkParams(p, UPDATE_SPEC);
  const money = [
    "amount",
    "currency",
    "payment_method",
    "payment_method_data",
    "payment_method_types",
    "allowed_payment_method_types",
    "transfer_group",
    "capture_method",
  ];
  const touched = money.filter((k) => p[k] !== undefined);
  if (touched.length > 0 && !AMOUNT_UPDATABLE.includes(pi.status)) {
    throw unexpectedState(
      `This PaymentIntent's ${touched[0]} could not be updated because it has a status of ${pi.status}. You may only update the ${touched[0]} of a PaymentIntent with one of the following statuses: ${AMOUNT_UPDATABLE.join(", ")}.`,
    );
  }
  const currency = p.currency !== undefined ? parseCurrency(str(p, "currency")) : pi.currency;
  const amount = int(p, "amount") ?? pi.amount;
  if (p.amount !== undefined || p.currency !== undefined) checkChargeAmount(amount, currency);
  const types = requestedTypes(ctx, p);
  const captureMethod = checkCaptureMethod(p);
  const receiptEmail = nullableStr(p, "receipt_email");
  checkEmail(receiptEmail);
  const metadata = applyMetadata(pi.metadata, p);
  const pm = requestedPaymentMethod(state, p);

  pi.amount = amount;
  pi.currency = currency;
  pi.metadata = metadata;
  if (captureMethod) pi.capture_method = captureMethod;
  if (types) {
    pi.payment_method_types = types.effective;
    pi.allowed_payment_method_types = types.allowed;
    pi.automatic_payment_methods = null;
  }
  const description = nullableStr(p, "description");
  if (description !== undefined) pi.description = description;
  if (receiptEmail !== undefined) pi.receipt_email = receiptEmail;
  const transferGroup = nullableStr(p, "transfer_group");
  if (transferGroup !== undefined) pi.transfer_group = transferGroup;
  const sd = nullableStr(p, "statement_descriptor");
  if (sd !== undefined) pi.statement_descriptor = sd;
  const sds = nullableStr(p, "statement_descriptor_suffix");
  if (sds !== undefined) pi.statement_descriptor_suffix = sds;
  if (pm) {
    pi.payment_method = pm.id;
    pi.status = "requires_confirmation";
  }
  return reply(ctx, pi);
}

function cancel(ctx: Ctx): ReturnType<Handler> {
  const { state, params: p } = ctx;
  const pi = state.get(state.paymentIntents, ctx.path.id ?? "", "payment_intent", "intent");
  checkParams(p, CANCEL_SPEC);
  const reason = oneOf(p, "cancellation_reason", ["duplicate", "fraudulent", "requested_by_customer", "abandoned"] as const);
  if (!CANCELABLE.includes(pi.status)) {
    throw unexpectedState(
      `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(", ")}.`,
    );
  }
  pi.status = "canceled";
  pi.canceled_at = state.now();
  pi.cancellation_reason = reason ?? null;
  state.emit("payment_intent.canceled", pi, ctx.cause);
  return reply(ctx, pi);
}

function list(ctx: Ctx): ReturnType<Handler> {
  checkParams(ctx.params, LIST_INTENTS_SPEC);
  return reply(ctx, ctx.state.list(ctx.state.paymentIntents.values(), ctx.params, "/v1/payment_intents", "payment_intent"));
}

/** Intents whose 3-D Secure challenge passed, per stand-in. */
const authenticated = new WeakMap<StripeState, Set<string>>();
function authenticatedOf(state: StripeState): Set<string> {
  let s = authenticated.get(state);
  if (!s) authenticated.set(state, (s = new Set()));
  return s;
}

/** The issuer wants 3-D Secure: the intent waits in requires_action, its next action the stand-in's challenge page. */
function requireAction(state: StripeState, pi: Stripe.PaymentIntent, pm: Stripe.PaymentMethod, cause: Cause, returnUrl: string | undefined): void {
  pi.status = "requires_action";
  pi.payment_method = pm.id;
  pi.last_payment_error = null;
  pi.next_action = {
    type: "redirect_to_url",
    redirect_to_url: { url: `${state.config.baseUrl()}/_sandbox/3ds/${pi.id}`, return_url: returnUrl ?? null },
  } as Stripe.PaymentIntent.NextAction;
  state.emit("payment_intent.requires_action", pi, cause);
}

const challengePage = (pi: Stripe.PaymentIntent) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>3D Secure test payment</title><style>body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1a1f36;background:#f6f9fc}
main{max-width:460px;margin:40px auto;padding:24px;background:#fff;border-radius:12px;box-shadow:0 2px 5px rgba(60,66,87,.12)}
.banner{background:#ffe8b3;color:#5c3c00;text-align:center;font-size:14px;padding:6px}
button{font:inherit;padding:10px 18px;border-radius:8px;border:1px solid #635bff;margin-right:8px;cursor:pointer}
.pass{background:#635bff;color:#fff}.fail{background:#fff;color:#3c2fd1}button:focus-visible{outline:3px solid #1a1f36;outline-offset:2px}</style></head>
<body><div class="banner" role="note">Stripe stand-in · test mode: no bank is asked, nothing is charged</div>
<main><h1>Confirm this payment</h1><p>Your bank asks you to confirm a payment of <strong>${formatAmount(pi.amount, pi.currency)}</strong>.</p>
<form method="post"><button class="pass" name="result" value="pass" type="submit">Complete authentication</button><button class="fail" name="result" value="fail" type="submit">Fail authentication</button></form></main></body></html>`;

function openChallenge(ctx: Ctx): ReturnType<Handler> {
  const pi = ctx.state.paymentIntents.get(ctx.path.id ?? "");
  if (!pi || pi.status !== "requires_action") return html("<!doctype html><title>No challenge</title><p>This payment needs no authentication now.</p>", 404);
  return html(challengePage(pi));
}

/** The payer passes or fails 3-D Secure; back to the return_url with Stripe's query parameters. */
function answerChallenge(ctx: Ctx): ReturnType<Handler> {
  const { state } = ctx;
  const pi = state.paymentIntents.get(ctx.path.id ?? "");
  if (!pi || pi.status !== "requires_action") return html("<!doctype html><title>No challenge</title><p>This payment needs no authentication now.</p>", 404);
  checkParams(ctx.params, { result: "string" });
  const pass = str(ctx.params, "result") === "pass";
  const returnUrl = pi.next_action?.redirect_to_url?.return_url ?? null;
  const pm = state.paymentMethods.get(String(pi.payment_method));
  if (pass && pm) {
    authenticatedOf(state).add(pi.id);
    confirmIntent(state, pi, pm, ctx.cause);
  } else {
    pi.status = "requires_payment_method";
    pi.next_action = null;
    pi.payment_method = null;
    pi.last_payment_error = {
      code: "payment_intent_authentication_failure",
      doc_url: "https://stripe.com/docs/error-codes/payment-intent-authentication-failure",
      message: "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.",
      ...(pm ? { payment_method: structuredClone(pm) } : {}),
      type: "invalid_request_error",
    };
    state.emit("payment_intent.payment_failed", pi, ctx.cause);
  }
  if (!returnUrl) return html(`<!doctype html><title>Done</title><p>Authentication ${pass ? "completed" : "failed"}. You can close this page.</p>`);
  const u = new URL(returnUrl);
  u.searchParams.set("payment_intent", pi.id);
  u.searchParams.set("payment_intent_client_secret", pi.client_secret ?? "");
  u.searchParams.set("redirect_status", pi.status === "succeeded" ? "succeeded" : "failed");
  return redirect(u.toString());
}

export const paymentIntentRoutes: RouteDef[] = [
  ["GET", "/_sandbox/3ds/:id", openChallenge],
  ["POST", "/_sandbox/3ds/:id", answerChallenge],
  ["POST", "/v1/payment_intents", createIntent],
  ["GET", "/v1/payment_intents", list],
  ["GET", "/v1/payment_intents/:id", retrieve],
  ["POST", "/v1/payment_intents/:id", update],
  ["POST", "/v1/payment_intents/:id/confirm", confirm],
  ["POST", "/v1/payment_intents/:id/cancel", cancel],
];
