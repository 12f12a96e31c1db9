import type Stripe from "stripe";
import { cardError, invalidRequest, missingParam, resourceMissing } from "./errors.ts";
import type { ParamMap } from "./form.ts";
import { makeCardPaymentMethod, type BillingDetailsInput } from "./objects.ts";
import { applyMetadata, int, str, sub, type SpecMap } from "./params.ts";
import type { StripeState } from "./state.ts";
import { lookupCard, TEST_PAYMENT_METHODS } from "./test-cards.ts";

// Turning what a request says about the card into a stored PaymentMethod: a `pm_card_*` test
// id (Stripe makes a fresh `pm_...` from it), a PaymentMethod created earlier, or raw card data
// (`payment_method_data[card][number]`, or `[card][token]=tok_visa`).

const ADDRESS_SPEC: SpecMap = { city: "string", country: "string", line1: "string", line2: "string", postal_code: "string", state: "string" };

export const BILLING_DETAILS_SPEC: SpecMap = { name: "string", email: "string", phone: "string", address: ADDRESS_SPEC, tax_id: "string" };

export const CARD_SPEC: SpecMap = { number: "string", exp_month: "int", exp_year: "int", cvc: "string", token: "string", networks: "any" };

export const PAYMENT_METHOD_DATA_SPEC: SpecMap = {
  type: "string",
  card: CARD_SPEC,
  billing_details: BILLING_DETAILS_SPEC,
  metadata: "metadata",
  allow_redisplay: "string",
};

function billingFrom(p: ParamMap | undefined): BillingDetailsInput | undefined {
  if (!p) return undefined;
  const address = sub(p, "address");
  return {
    name: str(p, "name") ?? null,
    email: str(p, "email") ?? null,
    phone: str(p, "phone") ?? null,
    ...(address ? { address: Object.fromEntries(Object.entries(address).map(([k, v]) => [k, typeof v === "string" ? v : null])) } : {}),
  };
}

function fromTestId(state: StripeState, testId: string, billing?: BillingDetailsInput): Stripe.PaymentMethod {
  const number = TEST_PAYMENT_METHODS[testId];
  if (!number) throw new Error(`unknown test payment method ${testId}`);
  const found = lookupCard(number);
  if (!found.ok) throw new Error(`test payment method ${testId} maps to an unknown card`);
  const pm = makeCardPaymentMethod({
    card: found.card,
    expMonth: 12,
    expYear: new Date().getFullYear() + 3,
    created: state.now(),
    ...(billing ? { billing } : {}),
  });
  state.add(state.paymentMethods, pm);
  state.cardOf.set(pm.id, found.card);
  return pm;
}

/** Creates a card PaymentMethod from `type` + `card[...]` params (payment_method_data or POST /v1/payment_methods). */
export function createCardPaymentMethod(state: StripeState, p: ParamMap, prefix: string): Stripe.PaymentMethod {
  const type = str(p, "type");
  if (type === undefined) throw missingParam(`${prefix}type`);
  if (type !== "card") {
    throw invalidRequest(`The Stripe stand-in only supports payment methods of type "card", not "${type}".`, { param: `${prefix}type` });
  }
  const card = sub(p, "card");
  if (!card) throw missingParam(`${prefix}card`);
  const billing = billingFrom(sub(p, "billing_details"));
  const token = str(card, "token");
  if (token !== undefined) {
    // Stripe's test tokens mirror the test payment methods: tok_visa ↔ pm_card_visa.
    const testId = `pm_card_${token.replace(/^tok_/, "")}`;
    if (!token.startsWith("tok_") || !TEST_PAYMENT_METHODS[testId]) throw resourceMissing("token", token, `${prefix}card[token]`);
    const pm = fromTestId(state, testId, billing);
    pm.metadata = applyMetadata({}, p);
    return pm;
  }
  const number = str(card, "number");
  if (number === undefined) throw missingParam(`${prefix}card[number]`);
  const expMonth = int(card, "exp_month");
  const expYear = int(card, "exp_year");
  if (expMonth === undefined) throw missingParam(`${prefix}card[exp_month]`);
  if (expYear === undefined) throw missingParam(`${prefix}card[exp_year]`);
  if (expMonth < 1 || expMonth > 12) {
    throw cardError({ code: "invalid_expiry_month", message: "Your card's expiration month is invalid.", param: `${prefix}card[exp_month]` });
  }
  const now = new Date();
  const year = expYear < 100 ? 2000 + expYear : expYear;
  if (year < now.getFullYear() || (year === now.getFullYear() && expMonth < now.getMonth() + 1)) {
    throw cardError({ code: "invalid_expiry_year", message: "Your card's expiration year is invalid.", param: `${prefix}card[exp_year]` });
  }
  const found = lookupCard(number);
  if (!found.ok) {
    throw cardError({
      code: found.code,
      message: found.message,
      param: `${prefix}card[number]`,
      ...(found.declineCode ? { decline_code: found.declineCode } : {}),
    });
  }
  const pm = makeCardPaymentMethod({
    card: found.card,
    expMonth,
    expYear: year,
    metadata: applyMetadata({}, p),
    created: state.now(),
    ...(billing ? { billing } : {}),
  });
  state.add(state.paymentMethods, pm);
  state.cardOf.set(pm.id, found.card);
  return pm;
}

/** The PaymentMethod named by a `payment_method` param: a test id or one created before. */
export function paymentMethodById(state: StripeState, id: string, param = "payment_method"): Stripe.PaymentMethod {
  if (TEST_PAYMENT_METHODS[id]) return fromTestId(state, id);
  const pm = state.paymentMethods.get(id);
  if (!pm) throw resourceMissing("PaymentMethod", id, param);
  return pm;
}
