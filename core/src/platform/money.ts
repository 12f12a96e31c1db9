/** Integer minor units as a person reads them, e.g. 3800 USD -> "$38.00", 500 JPY -> "¥500". */
export function formatMoney(amount: number, currency: string, locale = "en"): string {
  const f = new Intl.NumberFormat(locale, { style: "currency", currency });
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(amount / 10 ** digits);
}
