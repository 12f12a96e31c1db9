import { invalidRequest, resourceMissing } from "./errors.ts";
import { reply, type Handler, type RouteDef } from "./handler.ts";
import { applyMetadata, checkParams, LIST_SPEC, str, strings } from "./params.ts";
import { createCardPaymentMethod, PAYMENT_METHOD_DATA_SPEC } from "./payment-methods.ts";
import { PLATFORM } from "./state.ts";

// The read side of the objects payments create (charges, payment methods) and the event log:
// Stripe's `GET /v1/events` is how an integration catches up on webhooks it missed, so it lists
// the same events the webhooks carried, newest first. Charges and events are scoped to the
// account the request acts as: a connected account (`Stripe-Account`) sees the payments
// transfers made to it and the Connect events about it; the platform sees its own.

const expandOnly = { expand: "strings" } as const;

const getCharge: Handler = (ctx) => {
  checkParams(ctx.params, expandOnly);
  return reply(ctx, ctx.state.getOwned(ctx.state.charges, ctx.path.id ?? "", ctx.account, "charge", "charge"));
};

const updateCharge: Handler = (ctx) => {
  checkParams(ctx.params, { metadata: "metadata", description: "string", expand: "strings", receipt_email: "string", shipping: "any", fraud_details: "any" });
  const charge = ctx.state.getOwned(ctx.state.charges, ctx.path.id ?? "", PLATFORM, "charge", "charge");
  charge.metadata = applyMetadata(charge.metadata, ctx.params);
  const description = str(ctx.params, "description");
  if (description !== undefined) charge.description = description === "" ? null : description;
  return reply(ctx, charge);
};

const listCharges: Handler = (ctx) => {
  checkParams(ctx.params, { ...LIST_SPEC, payment_intent: "string", transfer_group: "string", customer: "any" });
  const pi = str(ctx.params, "payment_intent");
  const group = str(ctx.params, "transfer_group");
  const items = [...ctx.state.charges.values()].filter(
    (c) => ctx.state.ownerOf(c.id) === ctx.account && (!pi || c.payment_intent === pi) && (!group || c.transfer_group === group),
  );
  return reply(ctx, ctx.state.list(items, ctx.params, "/v1/charges", "charge"));
};

const getPaymentMethod: Handler = (ctx) => {
  checkParams(ctx.params, expandOnly);
  return reply(ctx, ctx.state.get(ctx.state.paymentMethods, ctx.path.id ?? "", "PaymentMethod", "payment_method"));
};

const createPaymentMethod: Handler = (ctx) => {
  checkParams(ctx.params, { ...PAYMENT_METHOD_DATA_SPEC, expand: "strings", customer: "unsupported", payment_method: "unsupported" });
  return reply(ctx, createCardPaymentMethod(ctx.state, ctx.params, ""));
};

/** Connect events belong to the connected account they carry; the platform's own events carry none. */
function eventOwner(e: { account?: string }): string {
  return e.account ?? PLATFORM;
}

const getEvent: Handler = (ctx) => {
  checkParams(ctx.params, expandOnly);
  const event = ctx.state.events.get(ctx.path.id ?? "");
  if (!event || eventOwner(event) !== ctx.account) throw resourceMissing("event", ctx.path.id ?? "", "id");
  return reply(ctx, event);
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
      eventOwner(e) === ctx.account &&
      (matchers.length === 0 || matchers.some((m) => m(e.type))) &&
      (delivered === undefined || (delivered === "true") === (e.pending_webhooks === 0)),
  );
  return reply(ctx, ctx.state.list(items, ctx.params, "/v1/events", "event"));
};

export const readRoutes: RouteDef[] = [
  ["GET", "/v1/charges", listCharges, { connect: true }],
  ["GET", "/v1/charges/:id", getCharge, { connect: true }],
  ["POST", "/v1/charges/:id", updateCharge],
  ["POST", "/v1/payment_methods", createPaymentMethod],
  ["GET", "/v1/payment_methods/:id", getPaymentMethod],
  ["GET", "/v1/events", listEvents, { connect: true }],
  ["GET", "/v1/events/:id", getEvent, { connect: true }],
];
