import { randomBytes } from "node:crypto";

// Stripe ids are a type prefix plus ~24 base62 characters (e.g. `pi_3PgafyB7WZ01zgkWSjxsAJo3`).
// Code that parses ids by prefix (as Stripe's own libraries and dashboards do) must see the
// same prefixes from the stand-in, so every object kind gets its real prefix.
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// Random bytes are drawn from a pool refilled 8 KiB at a time: one system call per few hundred
// ids instead of one per id (a payout run creates thousands of objects).
let pool = Buffer.alloc(0);
let offset = 0;

export function randomToken(length: number): string {
  if (offset + length > pool.length) {
    pool = randomBytes(Math.max(8_192, length));
    offset = 0;
  }
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[(pool[offset + i] ?? 0) % ALPHABET.length];
  offset += length;
  return out;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomToken(24)}`;
}

/** Stripe timestamps are unix seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
