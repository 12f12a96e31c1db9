/**
 * The classes of bad input every route must answer with a 4xx (never a 5xx, never a partial
 * write), shared by the API's fuzz test (core/src/http/fuzz.test.ts, every operation in the
 * OpenAPI document) and the embedded app's (shopify-app/server/fuzz.test.ts, every Remix route).
 */

/** Path segments whose percent-encoding does not decode, or decodes to something odd. */
export const MALFORMED_PATH_SEGMENTS = [
  "%ff%fe", // bytes that are not UTF-8
  "%c0%ae", // an overlong "."
  "%E2%82", // a cut 3-byte sequence
  "%ED%A0%80", // a UTF-16 surrogate encoded as UTF-8 (CESU-8)
  "%F4%90%80%80", // beyond U+10FFFF
  "%", // a lone percent
  "%zz", // not hex
  "a%2", // cut escape
  "%%41",
  "%25s", // decodes once to "%s": must not be decoded twice
  "%2525ff",
  "%00", // NUL
  "..%2f..%2fetc",
];

/** Strings that text cannot hold (PostgreSQL refuses them): each must give a 4xx, not a 500. */
export const BAD_TEXT: Record<string, string> = {
  loneHighSurrogate: "\ud800",
  loneLowSurrogate: "x\udfff",
  reversedSurrogates: "\udc00\ud800",
  nul: "a\u0000b",
};

/** Byte sequences that are not UTF-8. */
export const INVALID_UTF8: Record<string, number[]> = {
  ff: [0xff],
  continuationAlone: [0x80],
  overlongSlash: [0xc0, 0xaf],
  cesuSurrogate: [0xed, 0xa0, 0x80],
  cutSequence: [0xe2, 0x82],
  beyondUnicode: [0xf4, 0x90, 0x80, 0x80],
};

/** Numbers at and beyond the edges of whatever range a value has, and of the database's types. */
export function boundaryNumbers(range: { minimum?: number; maximum?: number } = {}): number[] {
  const edges = [0, -1, 1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, 0.5, 1e-9];
  if (range.minimum !== undefined) edges.push(range.minimum - 1, range.minimum);
  if (range.maximum !== undefined) edges.push(range.maximum, range.maximum + 1);
  return [...new Set(edges)];
}

/** The same as query-string text, plus spellings a number parser may or may not take. */
export function boundaryNumberTexts(range: { minimum?: number; maximum?: number } = {}): string[] {
  return [...boundaryNumbers(range).map(String), "", "NaN", "Infinity", "-Infinity", "1e3", "0x10", "1_000", " 1", "99999999999999999999999"];
}

/** Dates at and beyond the edges of JavaScript's, PostgreSQL's and the API's ranges, and impossible ones. */
export const BOUNDARY_DATES = [
  "0000-01-01T00:00:00Z",
  "0001-01-01T00:00:00Z",
  "1969-12-31T23:59:59Z",
  "1970-01-01T00:00:00Z",
  "9999-12-31T23:59:59Z",
  "9999-12-31T23:59:59-14:00",
  "10000-01-01T00:00:00Z",
  "+275760-09-13T00:00:00Z",
  "-000001-01-01T00:00:00Z",
  "2026-02-30T00:00:00Z",
  "2026-13-01T00:00:00Z",
  "2026-12-01T24:00:00Z",
  "0000-01-01",
  "9999-12-31",
  "1900-01-01",
];
