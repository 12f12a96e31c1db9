/**
 * Xero's wire formats for dates and amounts.
 *
 * Dates go out as Microsoft JSON dates, `/Date(1518652800000+0000)/`, with an ISO twin
 * (`DateString`, `2018-02-15T00:00:00`) on documents; they come in as `2018-02-15`,
 * `2018-02-15T00:00:00` or the Microsoft form. Amounts are decimals with 2 places (unit
 * amounts up to 4 with `unitdp=4`); the stand-in keeps them as integers of cents (or of
 * 1/10,000 for unit amounts) so totals add up exactly.
 */

/** `/Date(ms+0000)/` */
export function msDate(ms: number): string {
  return `/Date(${ms}+0000)/`;
}

/** A calendar day (YYYY-MM-DD) as Xero's midnight-UTC Microsoft date. */
export function msDay(day: string): string {
  return msDate(Date.parse(`${day}T00:00:00Z`));
}

/** `2018-02-15T00:00:00` */
export function dayString(day: string): string {
  return `${day}T00:00:00`;
}

/** Parses a request date into a calendar day, or null when it is not one Xero reads. */
export function parseDay(value: unknown): string | null {
  if (typeof value !== "string" || value.trim() === "") return null;
  const ms = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(value.trim());
  if (ms) return new Date(Number(ms[1])).toISOString().slice(0, 10);
  const iso = /^(\d{4})-(\d{2})-(\d{2})(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.exec(value.trim());
  if (!iso) return null;
  const day = `${iso[1]}-${iso[2]}-${iso[3]}`;
  const check = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== day ? null : day;
}

export function today(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10);
}

/** Decimal amount -> integer cents (half away from zero, as Xero rounds). */
export function toCents(amount: number): number {
  return roundHalfAway(amount * 100);
}

/** Integer cents -> decimal amount. */
export function fromCents(cents: number): number {
  return cents / 100;
}

/** Half away from zero, tolerant of binary noise (1.005 * 100 = 100.49999...). */
export function roundHalfAway(x: number): number {
  const n = Number(x.toFixed(6));
  return Math.sign(n) * Math.round(Math.abs(n));
}

/** Rounds a decimal to `dp` places, half away from zero. */
export function roundTo(x: number, dp: number): number {
  const f = 10 ** dp;
  return roundHalfAway(x * f) / f;
}

/** Number of decimal places of a JSON number as written. */
export function decimals(x: number): number {
  const s = String(x);
  if (s.includes("e-")) return Number(s.split("e-")[1]);
  const dot = s.indexOf(".");
  return dot < 0 ? 0 : s.length - dot - 1;
}
