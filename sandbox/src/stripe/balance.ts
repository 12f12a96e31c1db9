import { invalidRequest, resourceMissing } from "./errors.ts";
import { reply, type Ctx, type Handler, type RouteDef } from "./handler.ts";
import { checkParams, LIST_SPEC, str } from "./params.ts";
import { PLATFORM } from "./state.ts";

// Balances and balance transactions, for the platform or (with `Stripe-Account`) for a connected
// account, each seeing only its own. Availability follows the stand-in's clock (ledger.ts).
// `POST /_sandbox/payouts` stands for Stripe's automatic payout of an account's available
// balance to its bank, so that `?payout=po_...` filters and a connected account's balance
// running short (reversal refusals) can be reproduced.

/** The platform settles in USD; a connected account in its default currency. */
function defaultCurrency(ctx: Ctx): string {
  return ctx.account === PLATFORM ? "usd" : (ctx.state.accounts.get(ctx.account)?.default_currency ?? "usd");
}

const getBalance: Handler = (ctx) => {
  checkParams(ctx.params, { expand: "strings" });
  return reply(ctx, ctx.state.ledger.balance(ctx.account, defaultCurrency(ctx)));
};

const getBalanceTransaction: Handler = (ctx) => {
  checkParams(ctx.params, { expand: "strings" });
  ctx.state.ledger.refresh();
  return reply(ctx, ctx.state.getOwned(ctx.state.balanceTransactions, ctx.path.id ?? "", ctx.account, "balance transaction", "id"));
};

const listBalanceTransactions: Handler = (ctx) => {
  const { state, params } = ctx;
  checkParams(params, { ...LIST_SPEC, source: "string", type: "string", currency: "string", payout: "string" });
  state.ledger.refresh();
  const source = str(params, "source");
  const type = str(params, "type");
  const currency = str(params, "currency")?.toLowerCase();
  const payout = str(params, "payout");
  if (payout !== undefined) {
    const p = state.ledger.payouts.get(payout);
    if (!p || p.owner !== ctx.account) throw resourceMissing("payout", payout, "payout");
  }
  const items = [...state.balanceTransactions.values()].filter(
    (t) =>
      state.ownerOf(t.id) === ctx.account &&
      (source === undefined || t.source === source) &&
      (type === undefined || t.type === type) &&
      (currency === undefined || t.currency === currency) &&
      (payout === undefined || state.ledger.paidOutIn(t.id) === payout),
  );
  return reply(ctx, state.list(items, params, "/v1/balance_transactions", "balance_transaction"));
};

/** Sandbox control: pay out the available balance of the platform or of `account` (all currencies). */
const sandboxPayout: Handler = (ctx) => {
  checkParams(ctx.params, { account: "string" });
  const account = str(ctx.params, "account") ?? PLATFORM;
  if (account !== PLATFORM && !ctx.state.accounts.has(account)) throw resourceMissing("account", account, "account");
  const payouts = ctx.state.ledger.payOut(account);
  return { body: { payouts } };
};

/** Sandbox control: move the clock forward (`seconds` and/or `days`). */
const advanceClock: Handler = (ctx) => {
  checkParams(ctx.params, { seconds: "int", days: "int" });
  const seconds = Number(str(ctx.params, "seconds") ?? 0) + Number(str(ctx.params, "days") ?? 0) * 86_400;
  if (seconds < 0) throw invalidRequest("The clock only moves forward.", { param: "seconds" });
  ctx.state.clock.advance(seconds);
  ctx.state.ledger.refresh();
  return { body: clockBody(ctx) };
};

function clockBody(ctx: Ctx) {
  return { now: ctx.state.now(), offset_seconds: ctx.state.clock.offset };
}

export const balanceRoutes: RouteDef[] = [
  ["GET", "/v1/balance", getBalance, { connect: true }],
  ["GET", "/v1/balance_transactions", listBalanceTransactions, { connect: true }],
  ["GET", "/v1/balance_transactions/:id", getBalanceTransaction, { connect: true }],
  ["POST", "/_sandbox/payouts", sandboxPayout],
  ["POST", "/_sandbox/clock/advance", advanceClock],
  ["GET", "/_sandbox/clock", (ctx) => ({ body: clockBody(ctx) })],
];
