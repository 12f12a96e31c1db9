import { randomBytes } from "node:crypto";

// Stripe ids are a type prefix plus ~24 base62 characters (e.g. `pi_3PgafyB7WZ01zgkWSjxsAJo3`).
// Code that parses ids by prefix (as Stripe's own libraries and dashboards do) must see the
// same prefixes from the stand-in, so every object kind gets its real prefix.
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomToken(24)}`;
}

/** Stripe timestamps are unix seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
