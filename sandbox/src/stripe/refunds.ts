import type Stripe from "stripe";
import { invalidRequest, missingParam, resourceMissing } from "./errors.ts";
import { reply, type Handler, type RouteDef } from "./handler.ts";
import { randomToken } from "./ids.ts";
import { formatAmount } from "./money.ts";
import { makeList, makeRefund } from "./objects.ts";
import { applyMetadata, checkParams, int, LIST_SPEC, oneOf, str, type SpecMap } from "./params.ts";
import { AUTOMATIC, PLATFORM, type StripeState } from "./state.ts";

// Refunds of a succeeded card charge, by `payment_intent` or `charge`. As at Stripe, a card
// refund starts `pending` and settles asynchronously: after `refundSettleDelayMs` it becomes
// `succeeded` (event `refund.updated`), or `failed` (events `refund.updated`, `refund.failed`;
// the amount becomes refundable again) when
//   - the charge was paid with Stripe's refund-failure test card 4000000000005126
//     (`pm_card_refundFail`), or
//   - the refund amount is FAILING_REFUND_AMOUNT (a sandbox convention, not Stripe's).
// Creating a refund emits `charge.refunded` then `refund.created`.

/** A refund of exactly this many minor units (e.g. $13.13) fails when it settles. */
export const FAILING_REFUND_AMOUNT = 1313;

const CREATE_SPEC: SpecMap = {
  payment_intent: "string",
  charge: "string",
  amount: "int",
  reason: "string",
  metadata: "metadata",
  expand: "strings",
  instructions_email: "any",
  refund_application_fee: "unsupported",
  reverse_transfer: "unsupported",
  origin: "unsupported",
  customer: "unsupported",
  currency: "unsupported",
};

function chargeToRefund(state: StripeState, piId: string | undefined, chargeId: string | undefined): Stripe.Charge {
  if (piId === undefined && chargeId === undefined) {
    throw invalidRequest("One of the following params should be provided for this request: payment_intent or charge.", { code: "parameter_missing" });
  }
  let charge: Stripe.Charge | undefined;
  if (piId !== undefined) {
    const pi = state.get(state.paymentIntents, piId, "payment_intent", "payment_intent");
    const latest = typeof pi.latest_charge === "string" ? state.charges.get(pi.latest_charge) : undefined;
    if (pi.status !== "succeeded" || !latest) {
      throw invalidRequest(`This PaymentIntent (${pi.id}) does not have a successful charge to refund.`, { param: "payment_intent" });
    }
    charge = latest;
  }
  if (chargeId !== undefined) {
    const byId = state.getOwned(state.charges, chargeId, PLATFORM, "charge", "charge");
    if (charge && charge.id !== byId.id) {
      throw invalidRequest(`The charge ${byId.id} does not belong to the PaymentIntent ${piId}.`, { param: "charge" });
    }
    charge = byId;
  }
  if (!charge) throw missingParam("charge");
  if (charge.status !== "succeeded") throw invalidRequest(`Charge ${charge.id} has failed and cannot be refunded.`, { param: "charge" });
  return charge;
}

/** Keeps the charge's embedded `refunds` list (newest first, first page of 10) in step. */
function syncChargeRefunds(state: StripeState, charge: Stripe.Charge): void {
  const all = [...state.refunds.values()].filter((r) => r.charge === charge.id).reverse();
  charge.refunds = makeList(structuredClone(all.slice(0, 10)), all.length > 10, `/v1/charges/${charge.id}/refunds`);
  charge.refunded = charge.amount_refunded === charge.amount_captured;
}

const create: Handler = (ctx) => {
  const { state, params: p } = ctx;
  checkParams(p, CREATE_SPEC);
  const charge = chargeToRefund(state, str(p, "payment_intent"), str(p, "charge"));
  const reason = oneOf(p, "reason", ["duplicate", "fraudulent", "requested_by_customer"] as const) ?? null;
  const chargeback = [...state.disputes.values()].find((d) => d.charge === charge.id && !d.status.startsWith("warning_"));
  if (chargeback) {
    throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, { code: "charge_disputed", param: "charge" });
  }
  const remaining = charge.amount_captured - charge.amount_refunded;
  if (remaining <= 0) throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: "charge_already_refunded", param: "charge" });
  const amount = int(p, "amount") ?? remaining;
  if (amount < 1) throw invalidRequest("This value must be greater than or equal to 1.", { param: "amount" });
  if (amount > remaining) {
    throw invalidRequest(
      `Refund amount (${formatAmount(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatAmount(remaining, charge.currency)})`,
      { code: "amount_too_large", param: "amount" },
    );
  }
  const metadata = applyMetadata({}, p);

  const refund = makeRefund({ amount, charge, reason, metadata, balanceTransaction: "", created: state.now() });
  const txn = state.ledger.post(PLATFORM, {
    amount: -amount,
    currency: charge.currency,
    fee: 0,
    type: "refund",
    reportingCategory: "refund",
    source: refund.id,
    description: "REFUND FOR CHARGE",
  });
  refund.balance_transaction = txn.id;
  state.add(state.refunds, refund);
  const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
  charge.amount_refunded += amount;
  syncChargeRefunds(state, charge);
  state.emit("charge.refunded", charge, ctx.cause, previous);
  state.emit("refund.created", refund, ctx.cause);
  state.later(state.config.refundSettleDelayMs, () => settle(state, refund.id));
  return reply(ctx, refund);
};

function settle(state: StripeState, refundId: string): void {
  const refund = state.refunds.get(refundId);
  const charge = refund && typeof refund.charge === "string" ? state.charges.get(refund.charge) : undefined;
  if (!refund || !charge || refund.status !== "pending") return;
  const testCard = typeof charge.payment_method === "string" ? state.cardOf.get(charge.payment_method) : undefined;
  const fails = refund.amount === FAILING_REFUND_AMOUNT || testCard?.outcome.kind === "succeed_refund_fails";
  const previous = { status: refund.status };
  if (!fails) {
    refund.status = "succeeded";
    const card = refund.destination_details?.card;
    if (card) {
      card.reference = randomToken(23);
      card.reference_status = "available";
    }
    syncChargeRefunds(state, charge);
    state.emit("refund.updated", refund, AUTOMATIC, previous);
    return;
  }
  const txn = state.ledger.post(PLATFORM, {
    amount: refund.amount,
    currency: refund.currency,
    fee: 0,
    type: "refund_failure",
    reportingCategory: "refund_failure",
    source: refund.id,
    description: "REFUND FAILURE",
  });
  refund.status = "failed";
  refund.failure_reason = "expired_or_canceled_card";
  refund.failure_balance_transaction = txn.id;
  charge.amount_refunded -= refund.amount;
  syncChargeRefunds(state, charge);
  state.emit("refund.updated", refund, AUTOMATIC, previous);
  state.emit("refund.failed", refund, AUTOMATIC, previous);
}

const retrieve: Handler = (ctx) => {
  checkParams(ctx.params, { expand: "strings" });
  return reply(ctx, ctx.state.getOwned(ctx.state.refunds, ctx.path.id ?? "", ctx.account, "refund", "refund"));
};

const update: Handler = (ctx) => {
  checkParams(ctx.params, { metadata: "metadata", expand: "strings" });
  const refund = ctx.state.getOwned(ctx.state.refunds, ctx.path.id ?? "", PLATFORM, "refund", "refund");
  refund.metadata = applyMetadata(refund.metadata ?? {}, ctx.params);
  return reply(ctx, refund);
};

const list: Handler = (ctx) => {
  checkParams(ctx.params, { ...LIST_SPEC, charge: "string", payment_intent: "string" });
  const charge = str(ctx.params, "charge");
  const pi = str(ctx.params, "payment_intent");
  if (charge !== undefined && (!ctx.state.charges.has(charge) || ctx.state.ownerOf(charge) !== ctx.account)) throw resourceMissing("charge", charge, "charge");
  const items = [...ctx.state.refunds.values()].filter(
    (r) => ctx.state.ownerOf(r.id) === ctx.account && (!charge || r.charge === charge) && (!pi || r.payment_intent === pi),
  );
  return reply(ctx, ctx.state.list(items, ctx.params, "/v1/refunds", "refund"));
};

export const refundRoutes: RouteDef[] = [
  ["POST", "/v1/refunds", create],
  ["GET", "/v1/refunds", list, { connect: true }],
  ["GET", "/v1/refunds/:id", retrieve, { connect: true }],
  ["POST", "/v1/refunds/:id", update],
];
