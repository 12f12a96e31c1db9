/**
 * What a shipping address needs, per country: the one copy of these rules, read by the
 * api's address check (address.ts) and by the recipient page's form (storefront), so that
 * the form asks for and accepts exactly what the server does. Plain data, no imports: the
 * browser bundle takes it as it is.
 */

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
