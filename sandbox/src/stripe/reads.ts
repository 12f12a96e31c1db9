import { invalidRequest } from "./errors.ts";
import { reply, type Handler } from "./handler.ts";
import { applyMetadata, checkParams, LIST_SPEC, str, strings } from "./params.ts";
import { createCardPaymentMethod, PAYMENT_METHOD_DATA_SPEC } from "./payment-methods.ts";

// The read side of the objects payments create (charges, balance transactions, payment methods)
// and the event log: Stripe's `GET /v1/events` is how an integration catches up on webhooks it
// missed, so it lists the same events the webhooks carried, newest first.

const expandOnly = { expand: "strings" } as const;

const getCharge: Handler = (ctx) => {
  checkParams(ctx.params, expandOnly);
  return reply(ctx, ctx.state.get(ctx.state.charges, ctx.path.id ?? "", "charge", "charge"));
};

const updateCharge: Handler = (ctx) => {
  checkParams(ctx.params, { metadata: "metadata", description: "string", expand: "strings", receipt_email: "string", shipping: "any", fraud_details: "any" });
  const charge = ctx.state.get(ctx.state.charges, ctx.path.id ?? "", "charge", "charge");
  charge.metadata = applyMetadata(charge.metadata, ctx.params);
  const description = str(ctx.params, "description");
  if (description !== undefined) charge.description = description === "" ? null : description;
  return reply(ctx, charge);
};

const listCharges: Handler = (ctx) => {
  checkParams(ctx.params, { ...LIST_SPEC, payment_intent: "string", transfer_group: "string", customer: "any" });
  const pi = str(ctx.params, "payment_intent");
  const group = str(ctx.params, "transfer_group");
  const items = [...ctx.state.charges.values()].filter((c) => (!pi || c.payment_intent === pi) && (!group || c.transfer_group === group));
  return reply(ctx, ctx.state.list(items, ctx.params, "/v1/charges", "charge"));
};

const getBalanceTransaction: Handler = (ctx) => {
  checkParams(ctx.params, expandOnly);
  return reply(ctx, ctx.state.get(ctx.state.balanceTransactions, ctx.path.id ?? "", "balance transaction", "id"));
};

const listBalanceTransactions: Handler = (ctx) => {
  checkParams(ctx.params, { ...LIST_SPEC, source: "string", type: "string", currency: "string", payout: "unsupported" });
  const source = str(ctx.params, "source");
  const type = str(ctx.params, "type");
  const currency = str(ctx.params, "currency");
  const items = [...ctx.state.balanceTransactions.values()].filter(
    (t) => (!source || t.source === source) && (!type || t.type === type) && (!currency || t.currency === currency),
  );
  return reply(ctx, ctx.state.list(items, ctx.params, "/v1/balance_transactions", "balance_transaction"));
};

const getPaymentMethod: Handler = (ctx) => {
  checkParams(ctx.params, expandOnly);
  return reply(ctx, ctx.state.get(ctx.state.paymentMethods, ctx.path.id ?? "", "PaymentMethod", "payment_method"));
};

const createPaymentMethod: Handler = (ctx) => {
  checkParams(ctx.params, { ...PAYMENT_METHOD_DATA_SPEC, expand: "strings", customer: "unsupported", payment_method: "unsupported" });
  return reply(ctx, createCardPaymentMethod(ctx.state, ctx.params, ""));
};

const getEvent: Handler = (ctx) => {
  checkParams(ctx.params, expandOnly);
  return reply(ctx, ctx.state.get(ctx.state.events, ctx.path.id ?? "", "event", "id"));
};

/** `type` may end in `.*` (e.g. `charge.dispute.*`), as at Stripe; `types[]` lists several. */
function typeMatcher(pattern: string): (type: string) => boolean {
  if (pattern.endsWith(".*")) {
    const prefix = pattern.slice(0, -1);
    return (t) => t.startsWith(prefix);
  }
  return (t) => t === pattern;
}

const listEvents: Handler = (ctx) => {
  checkParams(ctx.params, { ...LIST_SPEC, type: "string", types: "strings", delivery_success: "bool" });
  const type = str(ctx.params, "type");
  const types = strings(ctx.params, "types");
  if (type !== undefined && types !== undefined) {
    throw invalidRequest("You may only specify one of these parameters: type, types.", { code: "parameters_exclusive" });
  }
  const matchers = (types ?? (type !== undefined ? [type] : [])).map(typeMatcher);
  const delivered = str(ctx.params, "delivery_success");
  const items = [...ctx.state.events.values()].filter(
    (e) =>
      (matchers.length === 0 || matchers.some((m) => m(e.type))) &&
      (delivered === undefined || (delivered === "true") === (e.pending_webhooks === 0)),
  );
  return reply(ctx, ctx.state.list(items, ctx.params, "/v1/events", "event"));
};

export const readRoutes: Array<[string, string, Handler]> = [
  ["GET", "/v1/charges", listCharges],
  ["GET", "/v1/charges/:id", getCharge],
  ["POST", "/v1/charges/:id", updateCharge],
  ["GET", "/v1/balance_transactions", listBalanceTransactions],
  ["GET", "/v1/balance_transactions/:id", getBalanceTransaction],
  ["POST", "/v1/payment_methods", createPaymentMethod],
  ["GET", "/v1/payment_methods/:id", getPaymentMethod],
  ["GET", "/v1/events", listEvents],
  ["GET", "/v1/events/:id", getEvent],
];
