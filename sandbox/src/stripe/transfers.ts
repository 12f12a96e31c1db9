import type Stripe from "stripe";
import { makeDestinationPayment, makeTransfer, makeTransferReversal } from "./connect-objects.ts";
import { balanceInsufficient, invalidRequest, missingParam, resourceMissing } from "./errors.ts";
import { reply, type Ctx, type Handler, type RouteDef } from "./handler.ts";
import { newId } from "./ids.ts";
import { formatAmount, parseCurrency } from "./money.ts";
import { makeList, makeRefund } from "./objects.ts";
import { applyMetadata, checkParams, int, LIST_SPEC, nullableStr, str } from "./params.ts";
import { PLATFORM, type StripeState } from "./state.ts";

// Transfers from the platform to connected accounts ("separate charges and transfers") and their
// reversals. Where the money comes from follows Stripe:
//   - without `source_transaction`, the platform's *available* balance must cover the transfer
//     (else `balance_insufficient`), and the connected account can use the funds at once;
//   - with `source_transaction` = a succeeded charge of the platform, the transfer may take up to
//     what is left of that charge (not yet transferred or refunded) whatever the available
//     balance, and the funds become available to the connected account when the charge's would.
// The destination must have the `transfers` capability active and settle in the transfer's
// currency. Each transfer creates a payment (`py_...`) on the connected account with its balance
// transaction; a reversal refunds that payment (`pyr_...`), moving the funds back on the date
// they became (or become) available, and is refused when the connected account's balance
// (available and pending) cannot cover it. Transfers are the platform's objects: `transfer.created`,
// `transfer.updated` and `transfer.reversed` go to the platform's endpoints, as at Stripe.

const INSUFFICIENT_PLATFORM_FUNDS =
  "You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Charges using the 4000000000000077 test card. See: https://stripe.com/docs/testing#available-balance";

const NO_TRANSFERS_CAPABILITY =
  "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments";

const CREATE_SPEC = {
  amount: "int",
  currency: "string",
  destination: "string",
  source_transaction: "string",
  transfer_group: "string",
  description: "string",
  metadata: "metadata",
  expand: "strings",
  source_type: "string",
} as const;

function destinationOf(state: StripeState, id: string | undefined): Stripe.Account {
  if (id === undefined) throw missingParam("destination");
  const account = state.accounts.get(id);
  if (!account || state.deauthorized.has(id)) throw invalidRequest(`No such destination: '${id}'`, { code: "resource_missing", param: "destination" });
  if (account.capabilities?.transfers !== "active") {
    throw invalidRequest(NO_TRANSFERS_CAPABILITY, { code: "insufficient_capabilities_for_transfer", param: "destination" });
  }
  return account;
}

/** The currencies an account settles in: its default currency and its bank accounts'. */
function receivableCurrencies(account: Stripe.Account): string[] {
  const banks = (account.external_accounts?.data ?? []).map((b) => b.currency ?? "");
  return [...new Set([account.default_currency ?? "", ...banks].filter(Boolean))];
}

/** When funds taken from `charge` become available, and checks that enough of it is left. */
function fromSourceCharge(state: StripeState, chargeId: string, amount: number, currency: string): number {
  const charge = state.getOwned(state.charges, chargeId, PLATFORM, "charge", "source_transaction");
  if (charge.status !== "succeeded") {
    throw invalidRequest(`The source_transaction ${charge.id} has not succeeded; only a succeeded charge can fund a transfer.`, { param: "source_transaction" });
  }
  if (charge.currency !== currency) {
    throw invalidRequest(`The currency of source_transaction's balance transaction (${charge.currency}) must be the same as the transfer currency (${currency}).`, { param: "currency" });
  }
  const left = charge.amount_captured - charge.amount_refunded - (state.transferredFrom.get(charge.id) ?? 0);
  if (amount > left) {
    throw balanceInsufficient(
      `The transfer amount (${formatAmount(amount, currency)}) is more than what is left of the source_transaction ${charge.id} (${formatAmount(Math.max(0, left), currency)}).`,
      "amount",
    );
  }
  const txnId = typeof charge.balance_transaction === "string" ? charge.balance_transaction : charge.balance_transaction?.id;
  return (txnId ? state.balanceTransactions.get(txnId)?.available_on : undefined) ?? state.now();
}

const create: Handler = (ctx) => {
  const { state, params: p } = ctx;
  checkParams(p, CREATE_SPEC);
  const amount = int(p, "amount");
  if (amount === undefined) throw missingParam("amount");
  if (amount < 1) throw invalidRequest("This value must be greater than or equal to 1.", { param: "amount" });
  const currency = parseCurrency(str(p, "currency"));
  const sourceType = str(p, "source_type");
  if (sourceType !== undefined && sourceType !== "card") {
    throw invalidRequest(`The Stripe stand-in only models the card balance (source_type=card), not ${sourceType}.`, { param: "source_type" });
  }
  const destination = destinationOf(state, str(p, "destination"));
  const receivable = receivableCurrencies(destination);
  if (!receivable.includes(currency)) {
    throw invalidRequest(
      `The destination account ${destination.id} cannot receive ${currency.toUpperCase()} transfers; it settles in ${receivable.map((c) => c.toUpperCase()).join(", ")}.`,
      { param: "currency" },
    );
  }
  const sourceId = str(p, "source_transaction");
  let availableOn = state.now();
  if (sourceId !== undefined) availableOn = fromSourceCharge(state, sourceId, amount, currency);
  else if (state.ledger.available(PLATFORM, currency) < amount) throw balanceInsufficient(INSUFFICIENT_PLATFORM_FUNDS);

  const transferId = newId("tr");
  const transferGroup = nullableStr(p, "transfer_group") ?? null;
  const platformTxn = state.ledger.post(PLATFORM, { amount: -amount, currency, fee: 0, type: "transfer", reportingCategory: "transfer", source: transferId, description: null, availableOn });
  const payment = makeDestinationPayment({ amount, currency, transfer: transferId, transferGroup, balanceTransaction: "", created: state.now() });
  const paymentTxn = state.ledger.post(destination.id, { amount, currency, fee: 0, type: "payment", reportingCategory: "charge", source: payment.id, description: null, availableOn });
  payment.balance_transaction = paymentTxn.id;
  state.add(state.charges, payment, destination.id);
  const transfer = makeTransfer({
    id: transferId,
    amount,
    currency,
    destination: destination.id,
    destinationPayment: payment.id,
    balanceTransaction: platformTxn.id,
    sourceTransaction: sourceId ?? null,
    transferGroup,
    description: nullableStr(p, "description") ?? null,
    metadata: applyMetadata({}, p),
    created: state.now(),
  });
  state.add(state.transfers, transfer);
  if (transferGroup) state.transfersByGroup.set(transferGroup, [...(state.transfersByGroup.get(transferGroup) ?? []), transfer]);
  if (sourceId) state.transferredFrom.set(sourceId, (state.transferredFrom.get(sourceId) ?? 0) + amount);
  state.emit("transfer.created", transfer, ctx.cause);
  return reply(ctx, transfer);
};

function transfer(ctx: Ctx): Stripe.Transfer {
  return ctx.state.getOwned(ctx.state.transfers, ctx.path.id ?? "", PLATFORM, "transfer", "id");
}

const retrieve: Handler = (ctx) => {
  checkParams(ctx.params, { expand: "strings" });
  return reply(ctx, transfer(ctx));
};

const update: Handler = (ctx) => {
  checkParams(ctx.params, { metadata: "metadata", description: "string", expand: "strings" });
  const t = transfer(ctx);
  const previous: Record<string, unknown> = {};
  const metadata = applyMetadata(t.metadata, ctx.params);
  if (JSON.stringify(metadata) !== JSON.stringify(t.metadata)) previous.metadata = t.metadata;
  const description = nullableStr(ctx.params, "description");
  if (description !== undefined && description !== t.description) previous.description = t.description;
  t.metadata = metadata;
  if (description !== undefined) t.description = description;
  if (Object.keys(previous).length > 0) ctx.state.emit("transfer.updated", t, ctx.cause, previous);
  return reply(ctx, t);
};

const list: Handler = (ctx) => {
  checkParams(ctx.params, { ...LIST_SPEC, destination: "string", transfer_group: "string" });
  const destination = str(ctx.params, "destination");
  const group = str(ctx.params, "transfer_group");
  const pool = group !== undefined ? (ctx.state.transfersByGroup.get(group) ?? []) : ctx.state.transfers.values();
  const items = [...pool].filter((t) => destination === undefined || t.destination === destination);
  return reply(ctx, ctx.state.list(items, ctx.params, "/v1/transfers", "transfer"));
};

/** Keeps a transfer's embedded `reversals` (newest first, first page of 10) and the reversed flags in step. */
function syncReversals(state: StripeState, t: Stripe.Transfer): void {
  const all = [...state.transferReversals.values()].filter((r) => r.transfer === t.id).reverse();
  t.reversals = makeList(structuredClone(all.slice(0, 10)), all.length > 10, `/v1/transfers/${t.id}/reversals`);
  t.amount_reversed = all.reduce((sum, r) => sum + r.amount, 0);
  t.reversed = t.amount_reversed === t.amount;
}

/** When the funds a transfer moved are (or were) available: a reversal moves them back on the same date. */
function fundsDate(state: StripeState, t: Stripe.Transfer): number {
  const txnId = typeof t.balance_transaction === "string" ? t.balance_transaction : t.balance_transaction?.id;
  return (txnId ? state.balanceTransactions.get(txnId)?.available_on : undefined) ?? state.now();
}

/** The refund of the transfer's payment on the connected account that a reversal makes. */
function refundDestinationPayment(state: StripeState, t: Stripe.Transfer, amount: number): Stripe.Refund {
  const destination = t.destination as string;
  const payment = state.charges.get(t.destination_payment as string);
  if (!payment) throw new Error(`transfer ${t.id} has no destination payment`);
  const refund = makeRefund({ amount, charge: payment, reason: null, metadata: {}, balanceTransaction: "", created: state.now(), prefix: "pyr" });
  refund.status = "succeeded";
  // A refund of a transfer's payment goes back to the platform's Stripe balance, not to a card.
  delete refund.destination_details;
  const txn = state.ledger.post(destination, {
    amount: -amount,
    currency: t.currency,
    fee: 0,
    type: "payment_refund",
    reportingCategory: "refund",
    source: refund.id,
    description: null,
    availableOn: fundsDate(state, t),
  });
  refund.balance_transaction = txn.id;
  state.add(state.refunds, refund, destination);
  payment.amount_refunded += amount;
  payment.refunded = payment.amount_refunded === payment.amount;
  const refunds = [...state.refunds.values()].filter((r) => r.charge === payment.id).reverse();
  payment.refunds = makeList(structuredClone(refunds.slice(0, 10)), refunds.length > 10, `/v1/charges/${payment.id}/refunds`);
  return refund;
}

const createReversal: Handler = (ctx) => {
  const { state, params: p } = ctx;
  const t = transfer(ctx);
  checkParams(p, { amount: "int", description: "string", metadata: "metadata", refund_application_fee: "bool", expand: "strings" });
  const left = t.amount - t.amount_reversed;
  if (left <= 0) throw invalidRequest(`Transfer ${t.id} has already been fully reversed.`, { param: "amount" });
  const amount = int(p, "amount") ?? left;
  if (amount < 1) throw invalidRequest("This value must be greater than or equal to 1.", { param: "amount" });
  if (amount > left) {
    throw invalidRequest(`The reversal amount (${formatAmount(amount, t.currency)}) is more than what is left to reverse on transfer ${t.id} (${formatAmount(left, t.currency)}).`, { param: "amount" });
  }
  const destination = t.destination as string;
  const balance = state.ledger.total(destination, t.currency);
  if (balance < amount) {
    throw balanceInsufficient(
      `The destination account ${destination} has insufficient funds to cover this reversal: its ${t.currency.toUpperCase()} balance is ${formatAmount(balance, t.currency)}, the reversal is ${formatAmount(amount, t.currency)}.`,
      "amount",
    );
  }
  const reversalId = newId("trr");
  const refund = refundDestinationPayment(state, t, amount);
  const txn = state.ledger.post(PLATFORM, {
    amount,
    currency: t.currency,
    fee: 0,
    type: "transfer_refund",
    reportingCategory: "transfer_reversal",
    source: reversalId,
    description: null,
    availableOn: fundsDate(state, t),
  });
  const reversal = makeTransferReversal({
    id: reversalId,
    amount,
    currency: t.currency,
    transfer: t.id,
    balanceTransaction: txn.id,
    destinationPaymentRefund: refund.id,
    metadata: applyMetadata({}, p),
    created: state.now(),
  });
  state.add(state.transferReversals, reversal);
  const previous = { amount_reversed: t.amount_reversed, reversed: t.reversed, reversals: structuredClone(t.reversals) };
  syncReversals(state, t);
  state.emit("transfer.reversed", t, ctx.cause, previous);
  return reply(ctx, reversal);
};

function reversalOf(ctx: Ctx): Stripe.TransferReversal {
  const t = transfer(ctx);
  const r = ctx.state.transferReversals.get(ctx.path.reversal ?? "");
  if (!r || r.transfer !== t.id) throw resourceMissing("transfer_reversal", ctx.path.reversal ?? "", "id");
  return r;
}

const listReversals: Handler = (ctx) => {
  checkParams(ctx.params, LIST_SPEC);
  const t = transfer(ctx);
  const items = [...ctx.state.transferReversals.values()].filter((r) => r.transfer === t.id);
  return reply(ctx, ctx.state.list(items, ctx.params, `/v1/transfers/${t.id}/reversals`, "transfer_reversal"));
};

const retrieveReversal: Handler = (ctx) => {
  checkParams(ctx.params, { expand: "strings" });
  return reply(ctx, reversalOf(ctx));
};

const updateReversal: Handler = (ctx) => {
  checkParams(ctx.params, { metadata: "metadata", expand: "strings" });
  const r = reversalOf(ctx);
  r.metadata = applyMetadata(r.metadata ?? {}, ctx.params);
  return reply(ctx, r);
};

export const transferRoutes: RouteDef[] = [
  ["POST", "/v1/transfers", create],
  ["GET", "/v1/transfers", list],
  ["GET", "/v1/transfers/:id", retrieve],
  ["POST", "/v1/transfers/:id", update],
  ["POST", "/v1/transfers/:id/reversals", createReversal],
  ["GET", "/v1/transfers/:id/reversals", listReversals],
  ["GET", "/v1/transfers/:id/reversals/:reversal", retrieveReversal],
  ["POST", "/v1/transfers/:id/reversals/:reversal", updateReversal],
];
