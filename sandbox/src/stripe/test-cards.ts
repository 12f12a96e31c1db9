// Stripe's published test cards (https://docs.stripe.com/testing) and the `pm_card_*` test
// payment methods that stand for them. The stand-in decides a payment's outcome exactly the way
// Stripe's test mode does: by the card number, so the same test data works against both.

export type CardBrand = "visa" | "mastercard" | "amex" | "discover";

export type CardOutcome =
  | { kind: "succeed" }
  /** The charge succeeds and its funds are available at once, bypassing pending (Stripe: 4000000000000077). */
  | { kind: "succeed_available" }
  /** The charge succeeds, and later refunds of it fail (Stripe: 4000000000005126). */
  | { kind: "succeed_refund_fails" }
  /** The charge succeeds and is immediately disputed as fraudulent (Stripe: 4000000000000259). */
  | { kind: "succeed_then_dispute" }
  /** The issuer asks for 3-D Secure: confirm leaves the intent in requires_action until the challenge page passes or fails (Stripe: 4000000000003220, 4000002760003184). */
  | { kind: "authenticate" }
  | { kind: "decline"; code: string; declineCode: string | null; message: string };

export interface TestCard {
  number: string;
  brand: CardBrand;
  funding: "credit" | "debit";
  country: string;
  outcome: CardOutcome;
}

const DECLINED = "Your card was declined.";

function decline(code: string, declineCode: string | null, message = DECLINED): CardOutcome {
  return { kind: "decline", code, declineCode, message };
}

const CARDS: TestCard[] = [
  { number: "4242424242424242", brand: "visa", funding: "credit", country: "US", outcome: { kind: "succeed" } },
  { number: "4000056655665556", brand: "visa", funding: "debit", country: "US", outcome: { kind: "succeed" } },
  { number: "5555555555554444", brand: "mastercard", funding: "credit", country: "US", outcome: { kind: "succeed" } },
  { number: "378282246310005", brand: "amex", funding: "credit", country: "US", outcome: { kind: "succeed" } },
  { number: "6011111111111117", brand: "discover", funding: "credit", country: "US", outcome: { kind: "succeed" } },
  { number: "4000000000000077", brand: "visa", funding: "credit", country: "US", outcome: { kind: "succeed_available" } },
  { number: "4000000000005126", brand: "visa", funding: "credit", country: "US", outcome: { kind: "succeed_refund_fails" } },
  { number: "4000000000000259", brand: "visa", funding: "credit", country: "US", outcome: { kind: "succeed_then_dispute" } },
  { number: "4000000000003220", brand: "visa", funding: "credit", country: "US", outcome: { kind: "authenticate" } },
  { number: "4000002760003184", brand: "visa", funding: "credit", country: "US", outcome: { kind: "authenticate" } },
  { number: "4000000000000002", brand: "visa", funding: "credit", country: "US", outcome: decline("card_declined", "generic_decline") },
  {
    number: "4000000000009995",
    brand: "visa",
    funding: "credit",
    country: "US",
    outcome: decline("card_declined", "insufficient_funds", "Your card has insufficient funds."),
  },
  { number: "4000000000009987", brand: "visa", funding: "credit", country: "US", outcome: decline("card_declined", "lost_card") },
  { number: "4000000000009979", brand: "visa", funding: "credit", country: "US", outcome: decline("card_declined", "stolen_card") },
  {
    number: "4000000000000069",
    brand: "visa",
    funding: "credit",
    country: "US",
    outcome: decline("expired_card", "expired_card", "Your card has expired."),
  },
  {
    number: "4000000000000127",
    brand: "visa",
    funding: "credit",
    country: "US",
    outcome: decline("incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."),
  },
  {
    number: "4000000000000119",
    brand: "visa",
    funding: "credit",
    country: "US",
    outcome: decline("processing_error", "processing_error", "An error occurred while processing your card. Try again in a little bit."),
  },
  {
    number: "4100000000000019",
    brand: "visa",
    funding: "credit",
    country: "US",
    outcome: decline("card_declined", "fraudulent"),
  },
];

const BY_NUMBER = new Map(CARDS.map((c) => [c.number, c]));

/** Stripe's test PaymentMethod ids, each standing for one test card. */
export const TEST_PAYMENT_METHODS: Record<string, string> = {
  pm_card_visa: "4242424242424242",
  pm_card_visa_debit: "4000056655665556",
  pm_card_mastercard: "5555555555554444",
  pm_card_amex: "378282246310005",
  pm_card_discover: "6011111111111117",
  pm_card_bypassPending: "4000000000000077",
  pm_card_refundFail: "4000000000005126",
  pm_card_createDispute: "4000000000000259",
  pm_card_threeDSecure2Required: "4000000000003220",
  pm_card_authenticationRequired: "4000002760003184",
  pm_card_chargeDeclined: "4000000000000002",
  pm_card_visa_chargeDeclined: "4000000000000002",
  pm_card_chargeDeclinedInsufficientFunds: "4000000000009995",
  pm_card_visa_chargeDeclinedInsufficientFunds: "4000000000009995",
  pm_card_chargeDeclinedLostCard: "4000000000009987",
  pm_card_visa_chargeDeclinedLostCard: "4000000000009987",
  pm_card_chargeDeclinedStolenCard: "4000000000009979",
  pm_card_visa_chargeDeclinedStolenCard: "4000000000009979",
  pm_card_chargeDeclinedExpiredCard: "4000000000000069",
  pm_card_visa_chargeDeclinedExpiredCard: "4000000000000069",
  pm_card_chargeDeclinedIncorrectCvc: "4000000000000127",
  pm_card_visa_chargeDeclinedIncorrectCvc: "4000000000000127",
  pm_card_chargeDeclinedProcessingError: "4000000000000119",
  pm_card_visa_chargeDeclinedProcessingError: "4000000000000119",
  pm_card_chargeDeclinedFraudulent: "4100000000000019",
  pm_card_visa_chargeDeclinedFraudulent: "4100000000000019",
};

function luhnValid(number: string): boolean {
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let d = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function brandOf(number: string): CardBrand {
  if (number.startsWith("4")) return "visa";
  if (/^(5[1-5]|2[2-7])/.test(number)) return "mastercard";
  if (/^3[47]/.test(number)) return "amex";
  return "discover";
}

export type CardLookup = { ok: true; card: TestCard } | { ok: false; code: "incorrect_number" | "card_declined"; declineCode: string | null; message: string };

/**
 * What Stripe's test mode does with a card number: known test cards behave as documented; a
 * malformed number is `incorrect_number`; any other well-formed number is a real card, which
 * test mode declines (`test_mode_live_card`).
 */
export function lookupCard(rawNumber: string): CardLookup {
  const number = rawNumber.replace(/[\s-]/g, "");
  const known = BY_NUMBER.get(number);
  if (known) return { ok: true, card: known };
  if (!/^\d{12,19}$/.test(number) || !luhnValid(number)) {
    return { ok: false, code: "incorrect_number", declineCode: null, message: "Your card number is incorrect." };
  }
  return {
    ok: false,
    code: "card_declined",
    declineCode: "test_mode_live_card",
    message: `Your card was declined. Your request was in test mode, but used a non test (live) card (${brandOf(number)}). For a list of valid test cards, visit: https://stripe.com/docs/testing.`,
  };
}
