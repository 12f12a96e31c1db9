import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

/**
 * Secrets of passwordless web sign-in: the link token and the session token are 256-bit
 * random strings (stored as SHA-256: a high-entropy secret needs no slow hash); the code a
 * person can paste instead of opening the link is 8 characters of an unambiguous alphabet
 * (about 40 bits), bound to one email and burned after a few wrong tries.
 */
export const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const CODE_LENGTH = 8;

export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

export function sha256(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

export function newCode(): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** A code as people type or paste it: spaces, dashes and case do not matter. */
export function normalizeCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, "");
}

/** `ABCD-EFGH`, easier to read in an email. */
export function displayCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** Emails compare case-insensitively and without surrounding spaces. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The code's stored hash, bound to the email it was sent to. */
export function codeHash(email: string, code: string): string {
  return sha256(`web-login-code\0${normalizeEmail(email)}\0${normalizeCode(code)}`);
}

/**
 * The CSRF token of a session, derived from its secret: the page reads it from the session
 * answer and sends it back in `X-CSRF-Token`; another site can neither read nor compute it.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac("sha256", sessionToken).update("csrf").digest("base64url");
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
