/**
 * Money is integer minor units plus an ISO 4217 currency. This module is the one place that
 * knows how many decimals a currency's minor unit has, and converts to and from decimals.
 */

const digitsCache = new Map<string, number>();

/** Decimal places of a currency's minor unit: 2 for USD, 0 for JPY, 3 for KWD (2 if unknown). */
export function minorDigits(currency: string): number {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      d = 2;
    }
    digitsCache.set(currency, d);
  }
  return d;
}

/** Integer minor units as a person reads them, e.g. 3800 USD -> "$38.00", 500 JPY -> "¥500". */
export function formatMoney(amount: number, currency: string, locale = "en"): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount / 10 ** minorDigits(currency));
}

/** Minor units as an exact decimal string, e.g. 3805 USD -> "38.05", -5 USD -> "-0.05", 500 JPY -> "500". */
export function minorToDecimal(amount: number, currency: string): string {
  const d = minorDigits(currency);
  const sign = amount < 0 ? "-" : "";
  const abs = Math.abs(amount);
  if (d === 0) return `${sign}${abs}`;
  const s = String(abs).padStart(d + 1, "0");
  return `${sign}${s.slice(0, -d)}.${s.slice(-d)}`;
}

/** Minor units from a decimal string such as Shopify's prices ("38.05" USD -> 3805); throws on excess decimals. */
export function decimalToMinor(amount: string, currency: string): number {
  const digits = minorDigits(currency);
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(amount).trim());
  if (!m) throw new Error(`not a decimal amount: ${JSON.stringify(amount)}`);
  const frac = (m[3] ?? "").padEnd(digits, "0");
  if (frac.length > digits && /[1-9]/.test(frac.slice(digits))) throw new Error(`${amount} has more decimals than ${currency} allows`);
  const minor = Number(m[2]) * 10 ** digits + Number(frac.slice(0, digits) || "0");
  if (!Number.isSafeInteger(minor) || minor > 2_147_483_647) throw new Error(`amount ${amount} is out of range`);
  return m[1] ? -minor : minor;
}
