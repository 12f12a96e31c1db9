import { isLosslessNumber } from "lossless-json";

/**
 * Removing one person's data from stored JSON (webhook payloads, job payloads, audit data),
 * where the shape is not ours to know. A document "mentions" the person when some string in
 * it contains their email (case-insensitive) or their phone number (digits compared); in a
 * document that mentions them, every string containing the email or phone becomes
 * "[redacted]", and so does every value under a key that names a person or an address
 * (name, email, phone, address1, zip, note, message, ...), whatever its nesting. Ids and
 * amounts stay, so money and event records keep their meaning. Numbers too large for a
 * double (Shopify's 64-bit ids) arrive as lossless-json's `LosslessNumber` and are treated
 * as the numbers they are.
 */
export interface PersonMatch {
  /** Lower-cased email, or undefined. */
  email?: string;
  /** Digits only, at least 6 of them, or undefined. */
  phoneDigits?: string;
}

export const REDACTED = "[redacted]";

const PII_KEYS = new Set(
  [
    "name",
    "first_name",
    "last_name",
    "firstname",
    "lastname",
    "email",
    "contact_email",
    "phone",
    "address1",
    "address2",
    "line1",
    "line2",
    "city",
    "zip",
    "postalcode",
    "postal_code",
    "province",
    "region",
    "company",
    "latitude",
    "longitude",
    "note",
    "message",
    "recipientname",
    "recipientemail",
    "recipientphone",
    "shippingaddress",
    "shipping_address",
    "billing_address",
    "default_address",
    "addresses",
    "browser_ip",
  ].map((k) => k.toLowerCase()),
);

export function personMatch(input: { email?: string | null; phone?: string | null }): PersonMatch {
  const email = input.email?.trim().toLowerCase() || undefined;
  const digits = (input.phone ?? "").replace(/\D/g, "");
  return { email: email && email.includes("@") ? email : undefined, phoneDigits: digits.length >= 6 ? digits : undefined };
}

export function isEmptyMatch(m: PersonMatch): boolean {
  return !m.email && !m.phoneDigits;
}

const PHONE_LIKE = /\+?\d[\d ().-]{5,}\d/g;
/** The last 10 digits: enough to tell numbers apart, and blind to how the country code was written. */
export const phoneTail = (digits: string) => digits.slice(-10);

function stringMentions(s: string, m: PersonMatch): boolean {
  if (m.email && s.toLowerCase().includes(m.email)) return true;
  if (m.phoneDigits) {
    const tail = phoneTail(m.phoneDigits);
    for (const run of s.match(PHONE_LIKE) ?? []) {
      const digits = run.replace(/\D/g, "");
      if (digits.length >= 7 && phoneTail(digits) === tail) return true;
    }
  }
  return false;
}

export function mentions(value: unknown, m: PersonMatch): boolean {
  if (isEmptyMatch(m)) return false;
  if (typeof value === "string") return stringMentions(value, m);
  if (isLosslessNumber(value)) return false;
  if (Array.isArray(value)) return value.some((v) => mentions(v, m));
  if (value && typeof value === "object") return Object.values(value).some((v) => mentions(v, m));
  return false;
}

function scrub(value: unknown, m: PersonMatch, underPiiKey: boolean): unknown {
  if (typeof value === "string") return underPiiKey || stringMentions(value, m) ? REDACTED : value;
  if (isLosslessNumber(value)) return underPiiKey ? null : value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, m, underPiiKey));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const pii = underPiiKey || PII_KEYS.has(k.toLowerCase());
      out[k] = pii && typeof v !== "string" && (v === null || typeof v !== "object") ? null : scrub(v, m, pii);
    }
    return out;
  }
  return underPiiKey ? null : value;
}

/** The document without the person's data, or undefined when it does not mention them. */
export function scrubPerson(value: unknown, m: PersonMatch): unknown {
  if (!mentions(value, m)) return undefined;
  return scrub(value, m, false);
}
