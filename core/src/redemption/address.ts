import { z } from "@hono/zod-openapi";
import { isCountryCode } from "../platform/countries.ts";
import { PHONE, postalCodeFits, postalCodeInRegion, postalCodeRequired, regionName, regionOfPostalCode, regionRequired } from "./address-rules.ts";

/**
 * A shipping address as a recipient types it, checked for what carriers need: required
 * fields per country (a region where the country has them, a postal code where it uses
 * one, in its format where the format is well known, and in the region given where the
 * country's postal codes follow its regions: address-rules.ts). Every problem is reported at
 * once, each on its field with a code a form can word for itself (`required`,
 * `invalid_postal_code`, `postal_code_not_in_region`, `invalid_phone`, `invalid_country`);
 * blank optional fields are left out of the stored address.
 */
const REQUIRED: Record<string, string> = {
  name: "Enter the recipient's name.",
  line1: "Enter the street address.",
  city: "Enter the city.",
  country: "Choose a country.",
  region: "Enter the state, province or region: addresses in this country need one.",
  postalCode: "Enter the postal code: addresses in this country need one.",
};

// Each field on its own: a missing or non-text value is the field's problem, not the
// whole address's, so the checks below still run and every problem is reported at once.
const text = (max: number) => z.string({ error: "Must be text." }).trim().max(max).optional();
const REQUIRED_FIELDS = ["name", "line1", "city", "country"] as const;

export const addressSchema = z
  .object({
    name: text(200),
    company: text(200),
    line1: text(200),
    line2: text(200),
    city: text(100),
    region: text(100).describe("Required where the country has states or provinces (US, CA, AU, JP, MX, BR, IN, CN)."),
    postalCode: text(20).describe("Required unless the country has no postal codes; checked against the country's format where it is well known."),
    country: text(100).describe("Two-letter ISO 3166-1 code, e.g. US."),
    phone: text(20).describe("For the carrier: digits, spaces and + ( ) . -"),
  })
  .strict()
  .superRefine(
    (a, ctx) => {
      const issue = (path: string, code: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message, params: { code } });
      // Not given, or blank once trimmed; a value that is not text at all has its own issue already.
      const blank = (v: unknown) => v === undefined || v === "";
      const filled = (v: unknown): v is string => typeof v === "string" && v !== "";
      for (const f of REQUIRED_FIELDS) if (blank(a[f])) issue(f, "required", REQUIRED[f]!);
      const country = filled(a.country) ? a.country.toUpperCase() : undefined;
      const known = country !== undefined && isCountryCode(country);
      if (country !== undefined && !known) issue("country", "invalid_country", "Use a two-letter ISO country code, such as US or GB.");
      if (filled(a.phone) && !PHONE.test(a.phone)) {
        issue("phone", "invalid_phone", "Use digits, spaces and + ( ) . - only, e.g. +1 555 010 0100.");
      }
      if (!known) return;
      if (regionRequired(country) && blank(a.region)) issue("region", "required", REQUIRED.region!);
      if (postalCodeRequired(country)) {
        if (blank(a.postalCode)) issue("postalCode", "required", REQUIRED.postalCode!);
        else if (filled(a.postalCode) && !postalCodeFits(country, a.postalCode)) {
          issue("postalCode", "invalid_postal_code", "This is not a valid postal code for the country.");
        } else if (filled(a.postalCode) && filled(a.region) && !postalCodeInRegion(country, a.region, a.postalCode)) {
          const actual = regionOfPostalCode(country, a.postalCode);
          issue(
            "postalCode",
            "postal_code_not_in_region",
            `This postal code is not in ${regionName(country, a.region)}${actual ? `: it belongs to ${actual.name}` : ""}. Check the postal code and the region.`,
          );
        }
      }
    },
    // Run even when a field failed its own check (so that one submit shows every problem),
    // as long as there is an object to check.
    { when: (payload: { value: unknown }) => typeof payload.value === "object" && payload.value !== null } as never,
  )
  .transform((a): Address => {
    // Blank optional fields are left out; the country is stored upper-case.
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(a)) if (typeof v === "string" && v !== "") out[k] = k === "country" ? v.toUpperCase() : v;
    return out as unknown as Address;
  })
  // Each field is optional to the parser only so that every problem is reported at once.
  .openapi({ required: [...REQUIRED_FIELDS] });

export interface Address {
  name: string;
  company?: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode?: string;
  country: string;
  phone?: string;
}
