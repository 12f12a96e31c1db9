// Sandbox controls served as routes beside the API (no auth, not part of Stripe's API): reset,
// webhook deliveries and endpoint, paying an intent as the buyer's browser would, faults, and
// the receipt page a charge links to. Disputes, onboarding, payouts and the clock have their
// controls in their own modules.
import { resetStandIn, type StripeStandInContext } from "./context.ts";
import { invalidRequest } from "./errors.ts";
import { faultsFromParams } from "./faults.ts";
import type { Handler, RouteDef } from "./handler.ts";
import { bool, checkParams, str } from "./params.ts";
import { paymentIntentRoutes } from "./payment-intents.ts";

/** POST /_sandbox/payment_intents/:id/pay: confirms with the given test card (default pm_card_visa), without an API key. */
const payIntent: Handler = (ctx) => {
  checkParams(ctx.params, { payment_method: "string" });
  const confirm = paymentIntentRoutes.find(([m, p]) => m === "POST" && p === "/v1/payment_intents/:id/confirm")![2];
  return confirm({ ...ctx, params: { payment_method: str(ctx.params, "payment_method") || "pm_card_visa" } });
};

/** GET /receipts/payment/:token: the receipt a charge's receipt_url opens. */
function receiptPage(standIn: StripeStandInContext): Handler {
  return (ctx) => {
    const charge = [...standIn.state.charges.values()].find((c) => c.receipt_url?.endsWith(`/${ctx.path.token}`));
    if (!charge) throw invalidRequest("No such receipt.", { status: 404 });
    return { body: { receipt: true, charge: charge.id, amount: charge.amount, currency: charge.currency, status: charge.status } };
  };
}

/** POST /_sandbox/webhook_endpoint: sets (or with an empty url, stops) the platform's or the Connect endpoint. */
function setWebhookEndpoint(standIn: StripeStandInContext): Handler {
  return (ctx) => {
    checkParams(ctx.params, { url: "string", connect: "bool" });
    const endpoint = bool(ctx.params, "connect") ? standIn.connectEndpoint : standIn.platformEndpoint;
    endpoint.url = str(ctx.params, "url") ?? "";
    return { body: { url: endpoint.url || null, secret: endpoint.secret, connect: endpoint.connect } };
  };
}

export function sandboxControlRoutes(standIn: StripeStandInContext): RouteDef[] {
  return [
    [
      "POST",
      "/_sandbox/reset",
      (ctx) => {
        checkParams(ctx.params, {});
        resetStandIn(standIn);
        return { body: { reset: true } };
      },
    ],
    ["GET", "/_sandbox/deliveries", () => ({ body: { deliveries: standIn.sender.deliveries } })],
    ["POST", "/_sandbox/payment_intents/:id/pay", payIntent],
    ["POST", "/_sandbox/webhook_endpoint", setWebhookEndpoint(standIn)],
    [
      "POST",
      "/_sandbox/faults",
      (ctx) => {
        standIn.faults.set(faultsFromParams(ctx.params));
        const { random: _random, ...config } = standIn.faults.config;
        return { body: { faults: config, counts: standIn.faults.counts } };
      },
    ],
    ["GET", "/receipts/payment/:token", receiptPage(standIn)],
  ];
}
