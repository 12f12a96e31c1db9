import type Stripe from "stripe";
import { invalidRequest } from "./errors.ts";
import { reply, type Ctx, type Handler, type RouteDef } from "./handler.ts";
import { disputeFee } from "./money.ts";
import { makeDispute } from "./objects.ts";
import { applyMetadata, bool, checkParams, int, LIST_SPEC, oneOf, str, type SpecMap } from "./params.ts";
import { PLATFORM, type Cause, type StripeState } from "./state.ts";

// Disputes. Stripe's test mode creates one when a charge is paid with 4000000000000259; the
// sandbox control `POST /_sandbox/charges/:id/dispute` opens one on any succeeded charge, and
// `POST /_sandbox/disputes/:id/resolve` (status=won|lost) plays the card network's verdict.
// The real API's retrieve, list, update (metadata) and close (accept the loss) are served too.

export const DISPUTE_REASONS = [
  "fraudulent",
  "product_not_received",
  "product_unacceptable",
  "duplicate",
  "subscription_canceled",
  "credit_not_processed",
  "general",
] as const;

const OPEN: Stripe.Dispute.Status[] = ["warning_needs_response", "warning_under_review", "needs_response", "under_review"];

export function createDispute(
  state: StripeState,
  charge: Stripe.Charge,
  opts: { reason: string; inquiry: boolean; amount?: number },
  cause: Cause,
): Stripe.Dispute {
  if (charge.status !== "succeeded") throw invalidRequest(`Charge ${charge.id} did not succeed and cannot be disputed.`, { param: "charge" });
  if (charge.disputed) throw invalidRequest(`Charge ${charge.id} has already been disputed.`, { param: "charge" });
  const amount = opts.amount ?? charge.amount_captured;
  if (amount < 1 || amount > charge.amount_captured) {
    throw invalidRequest(`The dispute amount must be between 1 and ${charge.amount_captured}.`, { param: "amount" });
  }
  const withdrawals: Stripe.BalanceTransaction[] = [];
  // A chargeback (not an inquiry) withdraws the disputed amount plus the dispute fee at once.
  const dispute = makeDispute({ charge, amount, reason: opts.reason, inquiry: opts.inquiry, balanceTransactions: withdrawals, created: state.now() });
  if (!opts.inquiry) {
    const txn = state.ledger.post(PLATFORM, {
      amount: -amount,
      currency: charge.currency,
      fee: disputeFee(charge.currency),
      feeDescription: "Dispute fee",
      type: "adjustment",
      reportingCategory: "dispute",
      source: dispute.id,
      description: `Chargeback withdrawal for ${charge.id}`,
    });
    dispute.balance_transactions.push(structuredClone(txn));
  }
  state.add(state.disputes, dispute);
  charge.disputed = true;
  state.emit("charge.dispute.created", dispute, cause);
  if (!opts.inquiry) state.emit("charge.dispute.funds_withdrawn", dispute, cause);
  return dispute;
}

function closeDispute(state: StripeState, dispute: Stripe.Dispute, won: boolean, cause: Cause): void {
  if (!OPEN.includes(dispute.status)) throw invalidRequest(`This dispute is already closed (status: ${dispute.status}).`);
  const previous = { status: dispute.status };
  const inquiry = dispute.status.startsWith("warning_");
  dispute.status = inquiry ? "warning_closed" : won ? "won" : "lost";
  dispute.is_charge_refundable = false;
  if (won && !inquiry) {
    const txn = state.ledger.post(PLATFORM, {
      amount: dispute.amount,
      currency: dispute.currency,
      fee: -disputeFee(dispute.currency),
      feeDescription: "Dispute fee refund",
      type: "adjustment",
      reportingCategory: "dispute_reversal",
      source: dispute.id,
      description: `Chargeback reversal for ${typeof dispute.charge === "string" ? dispute.charge : dispute.charge.id}`,
    });
    dispute.balance_transactions.push(structuredClone(txn));
    state.emit("charge.dispute.funds_reinstated", dispute, cause);
  }
  state.emit("charge.dispute.closed", dispute, cause, previous);
}

function dispute(ctx: Ctx): Stripe.Dispute {
  return ctx.state.get(ctx.state.disputes, ctx.path.id ?? "", "dispute", "dispute");
}

const sandboxCreate: Handler = (ctx) => {
  checkParams(ctx.params, { reason: "string", amount: "int", inquiry: "bool" });
  const charge = ctx.state.getOwned(ctx.state.charges, ctx.path.id ?? "", PLATFORM, "charge", "charge");
  const reason = oneOf(ctx.params, "reason", DISPUTE_REASONS) ?? "fraudulent";
  const amount = int(ctx.params, "amount");
  const created = createDispute(
    ctx.state,
    charge,
    { reason, inquiry: bool(ctx.params, "inquiry") ?? false, ...(amount !== undefined ? { amount } : {}) },
    ctx.cause,
  );
  return reply(ctx, created);
};

const sandboxResolve: Handler = (ctx) => {
  checkParams(ctx.params, { status: "string" });
  const d = dispute(ctx);
  const status = oneOf(ctx.params, "status", ["won", "lost"] as const);
  if (!status) throw invalidRequest("Missing required param: status.", { code: "parameter_missing", param: "status" });
  closeDispute(ctx.state, d, status === "won", ctx.cause);
  return reply(ctx, d);
};

const retrieve: Handler = (ctx) => {
  checkParams(ctx.params, { expand: "strings" });
  return reply(ctx, dispute(ctx));
};

const update: Handler = (ctx) => {
  const d = dispute(ctx);
  const spec: SpecMap = { metadata: "metadata", expand: "strings", evidence: "unsupported", submit: "unsupported", intended_submission_method: "any" };
  checkParams(ctx.params, spec);
  const previous = { metadata: d.metadata };
  d.metadata = applyMetadata(d.metadata, ctx.params);
  ctx.state.emit("charge.dispute.updated", d, ctx.cause, previous);
  return reply(ctx, d);
};

const close: Handler = (ctx) => {
  checkParams(ctx.params, { expand: "strings" });
  const d = dispute(ctx);
  closeDispute(ctx.state, d, false, ctx.cause);
  return reply(ctx, d);
};

const list: Handler = (ctx) => {
  checkParams(ctx.params, { ...LIST_SPEC, charge: "string", payment_intent: "string" });
  const charge = str(ctx.params, "charge");
  const pi = str(ctx.params, "payment_intent");
  const items = [...ctx.state.disputes.values()].filter((d) => (!charge || d.charge === charge) && (!pi || d.payment_intent === pi));
  return reply(ctx, ctx.state.list(items, ctx.params, "/v1/disputes", "dispute"));
};

export const disputeRoutes: RouteDef[] = [
  ["GET", "/v1/disputes", list],
  ["GET", "/v1/disputes/:id", retrieve],
  ["POST", "/v1/disputes/:id", update],
  ["POST", "/v1/disputes/:id/close", close],
  ["POST", "/_sandbox/charges/:id/dispute", sandboxCreate],
  ["POST", "/_sandbox/disputes/:id/resolve", sandboxResolve],
];
