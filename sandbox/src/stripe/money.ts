import { invalidRequest } from "./errors.ts";

// Amounts are integers in the currency's minor unit, as at Stripe. Stripe also refuses charges
// below a per-currency minimum (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts),
// so a sandbox that accepted 1-cent payments would hide a production failure.

const ZERO_DECIMAL = new Set(["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"]);

const MINIMUM_CHARGE: Record<string, number> = {
  usd: 50, aud: 50, brl: 50, cad: 50, chf: 50, eur: 50, inr: 50, jpy: 50, nzd: 50, sgd: 50,
  gbp: 30, bgn: 100, aed: 200, myr: 200, pln: 200, ron: 200, dkk: 250, nok: 300, sek: 300,
  hkd: 400, mxn: 1000, thb: 1000, czk: 1500, huf: 17500,
};

/** Stripe's maximum for a single charge is 99,999,999 minor units (e.g. $999,999.99). */
export const MAXIMUM_CHARGE = 99_999_999;

export function isZeroDecimal(currency: string): boolean {
  return ZERO_DECIMAL.has(currency);
}

/** "$20.00", "€0.50", "¥50": how Stripe's error messages show an amount. */
export function formatAmount(amount: number, currency: string): string {
  const major = isZeroDecimal(currency) ? amount : amount / 100;
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(major);
  } catch {
    return `${major.toFixed(isZeroDecimal(currency) ? 0 : 2)} ${currency}`;
  }
}

export function parseCurrency(raw: string | undefined, param = "currency"): string {
  if (raw === undefined || raw === "") throw invalidRequest(`Missing required param: ${param}.`, { code: "parameter_missing", param });
  const c = raw.toLowerCase();
  if (!/^[a-z]{3}$/.test(c)) throw invalidRequest(`Invalid currency: ${raw}.`, { param });
  return c;
}

export function checkChargeAmount(amount: number, currency: string, param = "amount"): void {
  const min = MINIMUM_CHARGE[currency] ?? 1;
  if (amount < min) {
    throw invalidRequest(`Amount must be at least ${formatAmount(min, currency)} ${currency}`, { code: "amount_too_small", param });
  }
  if (amount > MAXIMUM_CHARGE) {
    throw invalidRequest(`Amount must be no more than ${formatAmount(MAXIMUM_CHARGE, currency)}`, { code: "amount_too_large", param });
  }
}

/** An illustrative card fee (2.9% + 30 minor units), so that `net` differs from `amount` as it does at Stripe. */
export function cardFee(amount: number, currency: string): number {
  return Math.round(amount * 0.029) + (isZeroDecimal(currency) ? 0 : 30);
}

/** Stripe's dispute fee, charged when a chargeback withdraws the funds. */
export function disputeFee(currency: string): number {
  return isZeroDecimal(currency) ? 2000 : 1500;
}
