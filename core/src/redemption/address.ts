import { z } from "zod";

/**
 * A shipping address as a recipient types it, checked for what carriers need: required
 * fields per country (a region where the country has them, a postal code where it uses
 * one, in its format where the format is well known).
 */
const POSTAL: Record<string, RegExp> = {
  US: /^\d{5}(-\d{4})?$/,
  CA: /^[A-Za-z]\d[A-Za-z][ -]?\d[A-Za-z]\d$/,
  GB: /^[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}$/,
  DE: /^\d{5}$/,
  FR: /^\d{5}$/,
  ES: /^\d{5}$/,
  IT: /^\d{5}$/,
  NL: /^\d{4} ?[A-Za-z]{2}$/,
  AU: /^\d{4}$/,
  JP: /^\d{3}-?\d{4}$/,
};
/** Countries whose addresses need a state/province/prefecture. */
const REGION_REQUIRED = new Set(["US", "CA", "AU", "MX", "BR", "JP", "IN", "CN"]);
/** Countries without postal codes (a few common ones). */
const NO_POSTAL = new Set(["AE", "HK", "IE", "QA"]);

export const addressSchema = z
  .object({
    name: z.string().trim().min(1, "is required").max(200),
    company: z.string().trim().max(200).optional(),
    line1: z.string().trim().min(1, "is required").max(200),
    line2: z.string().trim().max(200).optional(),
    city: z.string().trim().min(1, "is required").max(100),
    region: z.string().trim().max(100).optional(),
    postalCode: z.string().trim().max(20).optional(),
    country: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, "must be a two-letter ISO country code"),
    phone: z.string().trim().regex(/^\+?[0-9 ().-]{6,20}$/, "is not a phone number").optional(),
  })
  .superRefine((a, ctx) => {
    if (REGION_REQUIRED.has(a.country) && !a.region) {
      ctx.addIssue({ code: "custom", path: ["region"], message: `is required for addresses in ${a.country}` });
    }
    if (!NO_POSTAL.has(a.country)) {
      if (!a.postalCode) ctx.addIssue({ code: "custom", path: ["postalCode"], message: `is required for addresses in ${a.country}` });
      else if (POSTAL[a.country] && !POSTAL[a.country]!.test(a.postalCode)) {
        ctx.addIssue({ code: "custom", path: ["postalCode"], message: `is not a valid postal code for ${a.country}` });
      }
    }
  });

export type Address = z.output<typeof addressSchema>;
