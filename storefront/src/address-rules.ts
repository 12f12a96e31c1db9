import { countryName, REGIONS } from "./countries.ts";
import type { AddressDraft } from "./gift-types.ts";
// The api's own rules (one copy: the form asks for and accepts what the server does).
import { PHONE, POSTAL_FORMATS, postalCodeFits, postalCodeInRegion, postalCodeRequired, regionName, regionOfPostalCode, regionRequired } from "@giftloop/core/redemption/address-rules";

/**
 * What a shipping address needs, per country, as the core checks it (core/src/redemption/
 * address.ts). The form checks the same before sending, so a recipient sees every missing
 * field at once; the server stays the authority and its answer is shown the same way.
 */
export const ADDRESS_FIELDS = ["name", "company", "country", "line1", "line2", "city", "region", "postalCode", "phone"] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];

/** Longest values the core accepts (the inputs' maxLength). */
export const MAX_LENGTH: Record<AddressField, number> = {
  name: 200, company: 200, country: 2, line1: 200, line2: 200, city: 100, region: 100, postalCode: 20, phone: 20,
};

export { regionRequired };
export const postalRequired = (country: string) => country !== "" && postalCodeRequired(country);
export const isRequired = (field: AddressField, country: string): boolean =>
  field === "name" || field === "line1" || field === "city" || field === "country" ||
  (field === "region" && regionRequired(country)) || (field === "postalCode" && postalRequired(country));

export const regionLabel = (country: string): string =>
  ({ US: "State", CA: "Province", AU: "State / territory", JP: "Prefecture", IE: "County", GB: "County" })[country] ?? "Region";
export const postalLabel = (country: string): string =>
  ({ US: "ZIP code", GB: "Postcode", AU: "Postcode", IE: "Eircode", CA: "Postal code" })[country] ?? "Postal code";

/** Each field's label on the form (region and postal code depend on the country). */
export function fieldLabel(field: AddressField, country: string): string {
  switch (field) {
    case "name": return "Full name";
    case "company": return "Company";
    case "country": return "Country";
    case "line1": return "Address";
    case "line2": return "Apartment, suite, etc.";
    case "city": return "City";
    case "region": return regionLabel(country);
    case "postalCode": return postalLabel(country);
    case "phone": return "Phone, for the carrier";
  }
}

/** The field as a message names it: "Enter your ZIP code", "Enter a valid postcode". */
function noun(field: AddressField, country: string): string {
  const special: Partial<Record<AddressField, string>> = { name: "full name", company: "company name", line1: "street address", phone: "phone number" };
  const label = special[field] ?? fieldLabel(field, country);
  // Lower-case a leading capital unless it starts an acronym (ZIP).
  return /^[A-Z][a-z]/.test(label) ? label[0]!.toLowerCase() + label.slice(1) : label;
}

export interface FieldError {
  code: string;
  /** The server's own words, used when the code is not one this page words itself. */
  message?: string;
  /** The postal code and region the form checked (`postal_code_not_in_region`), for naming both. */
  draft?: { postalCode: string; region: string };
}

/** "62701 is a ZIP code in Illinois, not Indiana": the code, where it belongs, and the region chosen. */
function regionMismatchMessage(draft: FieldError["draft"], country: string): string | undefined {
  if (!draft) return undefined;
  const actual = regionOfPostalCode(country, draft.postalCode);
  const chosen = regionName(country, draft.region);
  const noun_ = noun("postalCode", country);
  const article = /^[aeiou]/i.test(noun_) ? "an" : "a";
  return actual
    ? `${draft.postalCode.trim()} is ${article} ${noun_} in ${actual.name}, not ${chosen}. Check your ${noun_} and ${noun("region", country)}`
    : `${draft.postalCode.trim()} is not ${article} ${noun_} in ${chosen}. Check your ${noun_} and ${noun("region", country)}`;
}

/** The recipient-facing message for a field's problem, keyed on its code. */
/** `onlyCountry`: the gift may ship to this one country (the one its shipping was paid for). */
export function fieldMessage(field: AddressField, error: FieldError, country: string, opts: { onlyCountry?: boolean } = {}): string {
  const label = fieldLabel(field, country);
  switch (error.code) {
    case "required":
      if (field === "country") return "Choose a country";
      return `${REGIONS[country] && field === "region" ? "Choose" : "Enter"} your ${noun(field, country)}`;
    case "invalid_postal_code": {
      const example = POSTAL_FORMATS[country]?.example;
      return `Enter a valid ${noun(field, country)}${example ? `, e.g. ${example}` : ""}`;
    }
    case "postal_code_not_in_region":
      return regionMismatchMessage(error.draft, country) ?? `Check your ${noun(field, country)}: it is not in the ${noun("region", country)} you chose`;
    case "invalid_phone":
      return "Enter a phone number with digits only, e.g. +1 555 010 0100";
    case "invalid_country":
      return "Choose a country from the list";
    case "country_not_shipped":
      if (opts.onlyCountry && country) {
        return `This gift ships only to ${countryName(country)}, and the brand can’t ship there at the moment. Please reach out to the sender.`;
      }
      return country ? `This gift can’t be shipped to ${countryName(country)}. Choose another country.` : "This gift can’t be shipped there. Choose another country.";
    case "too_big":
      return `${label} is too long (at most ${MAX_LENGTH[field]} characters)`;
    default: {
      const m = error.message?.trim();
      if (!m) return `Check your ${noun(field, country)}`;
      // The core's older messages are fragments ("is required"): put the label in front.
      return /^[a-z]/.test(m) ? `${label} ${m}` : m;
    }
  }
}

/** Every problem the form can see itself, all at once (none: an empty object). */
export function validateAddress(a: AddressDraft): Partial<Record<AddressField, FieldError>> {
  const errors: Partial<Record<AddressField, FieldError>> = {};
  const value = (f: AddressField) => a[f].trim();
  for (const f of ADDRESS_FIELDS) {
    if (isRequired(f, a.country) && value(f) === "") errors[f] = { code: "required" };
    else if (value(f).length > MAX_LENGTH[f]) errors[f] = { code: "too_big" };
  }
  if (!errors.postalCode && value("postalCode") !== "" && !postalCodeFits(a.country, value("postalCode"))) {
    errors.postalCode = { code: "invalid_postal_code" };
  }
  const mismatch = postalRegionError(a);
  if (!errors.postalCode && !errors.region && mismatch) errors.postalCode = mismatch;
  if (!errors.phone && value("phone") !== "" && !PHONE.test(value("phone"))) errors.phone = { code: "invalid_phone" };
  return errors;
}

/**
 * The postal code's problem with the region, if any (the same rule as the server's): what the
 * form shows on the field as soon as both are filled in, before the recipient submits.
 */
export function postalRegionError(a: AddressDraft): FieldError | undefined {
  const postalCode = a.postalCode.trim();
  const region = a.region.trim();
  if (!postalCode || !region || !a.country || !postalCodeFits(a.country, postalCode)) return undefined;
  return postalCodeInRegion(a.country, region, postalCode) ? undefined : { code: "postal_code_not_in_region", draft: { postalCode, region } };
}

/**
 * The server's field errors (`errors[].path` = `address.<field>`), by field; entries for
 * anything else are returned apart, to be shown above the form.
 */
export function serverFieldErrors(errors: Array<{ path: string; code: string; message?: string }>): {
  fields: Partial<Record<AddressField, FieldError>>;
  other: string[];
} {
  const fields: Partial<Record<AddressField, FieldError>> = {};
  const other: string[] = [];
  for (const e of errors) {
    const f = e.path.replace(/^address\./, "") as AddressField;
    if (ADDRESS_FIELDS.includes(f)) fields[f] ??= { code: e.code, ...(e.message ? { message: e.message } : {}) };
    else if (e.message) other.push(e.message);
  }
  return { fields, other };
}
