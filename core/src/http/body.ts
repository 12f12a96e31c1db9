import type { Context } from "hono";
import { fieldError, ProblemError, truncate } from "./problem.ts";

/**
 * The one rule for request bodies read as text, JSON and CSV alike: the bytes are UTF-8
 * (a byte sequence that is not is refused, never stored as U+FFFD), and the text holds no
 * NUL and no lone UTF-16 surrogate (`"\ud800"` in JSON), which PostgreSQL text cannot store.
 * JSON bodies of every API route are read by `readJsonBody` (the router runs it before the
 * route's schema); the recipients CSV upload decodes with `decodeUtf8` and refuses NUL; the
 * embedded app's form posts are checked by `checkFormBody` before Remix sees them.
 */

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** The bytes as text, or undefined when they are not UTF-8 (a leading BOM is dropped). */
export function decodeUtf8(bytes: ArrayBuffer | Uint8Array): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

export type BadCharacterCode = "nul_character" | "lone_surrogate";

const MESSAGES: Record<BadCharacterCode, string> = {
  nul_character: "contains a NUL character (\\u0000), which text cannot hold",
  lone_surrogate: "contains a lone UTF-16 surrogate (e.g. \\ud800), which is not a character",
};

/** Whether a string is text PostgreSQL can store: its first bad character's kind, if any. */
export function badCharacterIn(s: string): BadCharacterCode | undefined {
  if (s.includes("\0")) return "nul_character";
  if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) return "lone_surrogate";
  return undefined;
}

const MAX_REPORTED = 50;

/** Where strings (or keys) in a parsed JSON value hold NUL or lone surrogates: at most `max`. */
export function badCharacters(value: unknown, max = MAX_REPORTED): Array<{ path: string[]; code: BadCharacterCode }> {
  const found: Array<{ path: string[]; code: BadCharacterCode }> = [];
  const walk = (v: unknown, path: string[]) => {
    if (found.length >= max) return;
    if (typeof v === "string") {
      const code = badCharacterIn(v);
      if (code) found.push({ path, code });
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length && found.length < max; i++) walk(v[i], [...path, String(i)]);
    } else if (v !== null && typeof v === "object") {
      for (const [k, child] of Object.entries(v)) {
        const code = badCharacterIn(k);
        if (code) found.push({ path: [...path, printable(k)], code });
        else walk(child, [...path, k]);
      }
    }
  };
  walk(value, []);
  return found;
}

/** A key shown in a field path: its bad characters escaped, so the problem body is valid JSON text. */
function printable(s: string): string {
  return truncate(s.replace(/\0/g, "\\u0000").replace(/[\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`), 100);
}

/** 422 naming each place of a bad character, e.g. `errors: [{ path: "name", code: "lone_surrogate" }]`. */
export function badCharactersProblem(found: Array<{ path: string[]; code: BadCharacterCode }>): ProblemError {
  return new ProblemError(422, "invalid_characters", {
    detail: "The request body contains characters text cannot hold (NUL or lone UTF-16 surrogates); see errors.",
    errors: found.map((f) => fieldError(f.path, f.code, MESSAGES[f.code])),
  });
}

export function notUtf8Problem(): ProblemError {
  return new ProblemError(400, "invalid_utf8", { detail: "The request body is not valid UTF-8 text." });
}

/** Escapes through which JSON text can carry NUL or a surrogate: without one, no string holds either. */
const RISKY_ESCAPE = /\\u(?:0000|[dD][89abcdefABCDEF])/;

/** Parses JSON text under the rule above (400 malformed JSON, 422 bad characters). */
export function parseJsonText(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ProblemError(400, "malformed_json", { detail: "The request body is not valid JSON." });
  }
  if (RISKY_ESCAPE.test(text)) {
    const found = badCharacters(value);
    if (found.length) throw badCharactersProblem(found);
  }
  return value;
}

/** `application/json`, `application/problem+json`, `application/vnd.x+json`, with parameters. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  return /^application\/([\w.-]+\+)?json$/i.test(contentType.split(";")[0]!.trim());
}

/**
 * Reads the request's JSON body under the rule above and hands the value to the route's
 * validator: Hono's JSON validator calls `c.req.json()`, which on this request returns the
 * value read here, so the body is decoded strictly and parsed once.
 */
export async function readJsonBody(c: Context): Promise<void> {
  const text = decodeUtf8(await c.req.arrayBuffer());
  if (text === undefined) throw notUtf8Problem();
  const value = Promise.resolve(parseJsonText(text));
  (c.req as unknown as { json: () => Promise<unknown> }).json = () => value;
}

const FORM_URLENCODED = "application/x-www-form-urlencoded";
const MULTIPART = "multipart/form-data";

/** Whether the request carries an HTML form (URL-encoded or multipart). */
export function isFormMediaType(contentType: string | undefined): boolean {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  return type === FORM_URLENCODED || type === MULTIPART;
}

/**
 * Checks a form body under the rule above and returns its bytes (read once; the caller
 * hands them on): URL-encoded forms must be UTF-8 and percent-decode to UTF-8 (400
 * `invalid_form_encoding` otherwise, instead of a silent U+FFFD), and no field name or text
 * value of any form may hold NUL (422 `invalid_characters`, naming the fields). Files in a
 * multipart form are data and are not checked.
 */
export async function checkFormBody(c: Context): Promise<ArrayBuffer> {
  const bytes = await c.req.arrayBuffer();
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const found: Array<{ path: string[]; code: BadCharacterCode }> = [];
  const check = (name: string, value: string) => {
    const code = badCharacterIn(name) ?? badCharacterIn(value);
    if (code && found.length < MAX_REPORTED) found.push({ path: [printable(name)], code });
  };
  if (type === FORM_URLENCODED) {
    const text = decodeUtf8(bytes);
    if (text === undefined) throw notUtf8Problem();
    for (const pair of text.split("&")) {
      if (!pair) continue;
      const eq = pair.indexOf("=");
      const [name, value] = eq === -1 ? [pair, ""] : [pair.slice(0, eq), pair.slice(eq + 1)];
      try {
        check(decodeURIComponent(name.replace(/\+/g, " ")), decodeURIComponent(value.replace(/\+/g, " ")));
      } catch {
        throw new ProblemError(400, "invalid_form_encoding", {
          detail: "The form has malformed percent-encoding (a % not followed by two hex digits, or bytes that are not UTF-8).",
        });
      }
    }
  } else if (type === MULTIPART) {
    let form: FormData;
    try {
      form = await new Response(bytes, { headers: { "content-type": c.req.header("content-type")! } }).formData();
    } catch {
      throw new ProblemError(400, "malformed_body", { detail: "The request body is not a well-formed multipart form." });
    }
    form.forEach((value, name) => check(name, typeof value === "string" ? value : ""));
  }
  if (found.length) throw badCharactersProblem(found);
  return bytes;
}
