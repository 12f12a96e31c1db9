import { createHmac, randomBytes } from "node:crypto";
import type { SecretBox } from "../../platform/secrets/secrets.ts";

/**
 * Redemption codes: the secret a recipient types (or scans) to claim a gift.
 *
 * Shape: 15 characters from Crockford's base32 alphabet without I, L, O and U,
 * shown as three groups of five: `7KQ2M-XW9FD-HT4R8`.
 * - 14 random characters = 70 bits from the CSPRNG (DESIGN §6 asks for at least 60). With
 *   ten million live codes, a guess hits one with probability about 2^-47.
 * - 1 check character. It is not a secret and adds no security (an attacker computes it
 *   too); it is there for people: the look-alikes that survive the alphabet (8/B, 5/S, 2/Z,
 *   6/G) and swapped neighbours are caught as "that looks like a typo" before any lookup,
 *   so a mistyped code neither costs a database query nor counts as a failed attempt
 *   against the recipient's rate limit. The check is a weighted sum over GF(32)
 *   (x^5 + x^2 + 1, weights powers of x), which detects every single-character error and
 *   every transposition of adjacent or once-removed characters.
 *
 * Storage (DESIGN §6): never in clear. `codeLookupHash` (HMAC-SHA256 under a dedicated
 * key) is the unique lookup column; `sealCode` keeps an encrypted copy, bound to its
 * unit, for authorised re-display.
 */
export const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const CODE_RANDOM_CHARS = 14;
export const CODE_LENGTH = CODE_RANDOM_CHARS + 1;
export const CODE_ENTROPY_BITS = CODE_RANDOM_CHARS * 5;
export const CODE_GROUP_SIZE = 5;

/** Encryption-context purpose for sealed codes (the unit id is the other half). */
export const CODE_SEAL_PURPOSE = "redemption-code";

/** A code's own shape, without separators: what the functions below return and store. */
const CODE_RE = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);
/** Nothing longer is worth normalising (a few separators and spaces around 15 characters). */
const MAX_INPUT_LENGTH = 64;
/** Separators people type or paste: spaces of every kind, hyphens and dashes, dots, underscores. */
const SEPARATORS = /[\s\u00AD\u2010-\u2015\u2212._-]+/g;
/** Crockford's decoding of the letters left out of the alphabet. */
const LOOK_ALIKES: Record<string, string> = { O: "0", I: "1", L: "1", U: "V" };

const VALUE = new Map([...CODE_ALPHABET].map((c, i) => [c, i]));

/** Multiplication by x in GF(2^5) modulo x^5 + x^2 + 1. */
function timesX(v: number): number {
  const shifted = v << 1;
  return shifted & 0b100000 ? shifted ^ 0b100101 : shifted;
}

/** Horner evaluation of the characters as a polynomial over GF(32). */
function checkState(chars: string): number {
  let state = 0;
  for (const c of chars) state = timesX(state) ^ (VALUE.get(c) ?? 0);
  return state;
}

function checkCharacter(body: string): string {
  // Chosen so that the state over body + check is 0.
  return CODE_ALPHABET[timesX(checkState(body))]!;
}

/** A new random code, compact (no separators). Show it with `formatCode`. */
export function generateCode(): string {
  const bytes = randomBytes(Math.ceil(CODE_ENTROPY_BITS / 8));
  let body = "";
  let buffer = 0;
  let bits = 0;
  let next = 0;
  for (let i = 0; i < CODE_RANDOM_CHARS; i++) {
    while (bits < 5) {
      buffer = (buffer << 8) | bytes[next++]!;
      bits += 8;
    }
    bits -= 5;
    body += CODE_ALPHABET[(buffer >> bits) & 31];
    buffer &= (1 << bits) - 1;
  }
  return body + checkCharacter(body);
}

export type ParsedCode =
  | { ok: true; code: string }
  /** `length`/`characters`: not a code at all; `checksum`: a code with a typo in it. */
  | { ok: false; reason: "length" | "characters" | "checksum" };

/**
 * Reads what a person typed: case-insensitive, separators ignored, Crockford look-alikes
 * mapped (O→0, I/L→1, U→V), full-width forms folded. Expected failures are values, so the
 * API can tell "not a code" from "a typo" without an exception.
 */
export function parseCode(input: unknown): ParsedCode {
  if (typeof input !== "string" || input.length > MAX_INPUT_LENGTH) return { ok: false, reason: "length" };
  const compact = input
    .normalize("NFKC")
    .replace(SEPARATORS, "")
    .toUpperCase()
    .replace(/[OILU]/g, (c) => LOOK_ALIKES[c]!);
  if (compact.length !== CODE_LENGTH) return { ok: false, reason: "length" };
  if (!CODE_RE.test(compact)) return { ok: false, reason: "characters" };
  if (checkState(compact) !== 0) return { ok: false, reason: "checksum" };
  return { ok: true, code: compact };
}

/** The compact code for any way of writing it, or undefined when it cannot be a code. */
export function normalizeCode(input: unknown): string | undefined {
  const parsed = parseCode(input);
  return parsed.ok ? parsed.code : undefined;
}

function requireCode(code: string): string {
  const normalized = normalizeCode(code);
  if (!normalized) throw new TypeError("not a valid redemption code");
  return normalized;
}

/** Groups of five for people to read and type: `7KQ2M-XW9FD-HT4R8`. Throws for a non-code. */
export function formatCode(code: string): string {
  const c = requireCode(code);
  const groups: string[] = [];
  for (let i = 0; i < c.length; i += CODE_GROUP_SIZE) groups.push(c.slice(i, i + CODE_GROUP_SIZE));
  return groups.join("-");
}

/**
 * The lookup value for the unique database column: HMAC-SHA256 (hex) of the compact code
 * under a dedicated key (CODE_HMAC_KEY), so a database leak does not give the codes away
 * and cannot be brute-forced offline without the key. Any way of writing a code gives the
 * same hash. Rotating the key means re-hashing from the sealed copies.
 */
export function codeLookupHash(code: string, key: Buffer): string {
  if (!Buffer.isBuffer(key) || key.length < 32) throw new TypeError("the code HMAC key must be at least 32 bytes");
  return createHmac("sha256", key).update(requireCode(code), "utf8").digest("hex");
}

function sealContext(unitId: string): Record<string, string> {
  if (typeof unitId !== "string" || unitId === "") throw new TypeError("unitId is required");
  return { purpose: CODE_SEAL_PURPOSE, unitId };
}

/** The code encrypted for re-display; it only opens with the same unit id. */
export async function sealCode(box: SecretBox, code: string, unitId: string): Promise<string> {
  return box.seal(requireCode(code), sealContext(unitId));
}

/**
 * Seals the codes of one order's units under one data key (one KMS call for 10,000 units);
 * each is still bound to its unit and opens with `openCode`.
 */
export async function sealCodes(box: SecretBox, orderId: string, items: Array<{ code: string; unitId: string }>): Promise<string[]> {
  return box.sealMany(
    items.map((i) => ({ plaintext: requireCode(i.code), context: sealContext(i.unitId) })),
    { purpose: `${CODE_SEAL_PURPOSE}-batch`, order: orderId },
  );
}

/** Decrypts a sealed code (throws SecretDecryptError for another unit's or altered data). */
export async function openCode(box: SecretBox, sealed: string, unitId: string): Promise<string> {
  return box.open(sealed, sealContext(unitId));
}

/**
 * The recipient's link: `<base>/g/<compact code>`. The code is a bearer secret in this
 * URL, so the page behind `/g/` should answer with `Referrer-Policy: no-referrer`, and
 * request logs should redact that path.
 */
export function giftLinkUrl(baseUrl: string, code: string): string {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new TypeError(`not a URL: ${JSON.stringify(baseUrl)}`);
  }
  if (base.protocol !== "https:" && base.protocol !== "http:") throw new TypeError("the gift link base must be an http(s) URL");
  if (base.search || base.hash) throw new TypeError("the gift link base must not have a query or fragment");
  return `${base.origin}${base.pathname.replace(/\/+$/, "")}/g/${requireCode(code)}`;
}
