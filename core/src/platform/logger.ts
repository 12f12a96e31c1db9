import { pino, type Logger, type DestinationStream } from "pino";

export type { Logger };

/** Keys whose values never reach a log line, wherever pino finds them. */
const SECRET_KEYS = ["password", "secret", "token", "accessToken", "refreshToken", "idToken", "apiKey", "authorization", "cookie", "signature"];
const REDACT = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "headers.cookie",
  'headers["stripe-signature"]',
  'headers["x-shopify-hmac-sha256"]',
];

export const REDACTED = "[redacted]";

/** Crockford base32 without I, L, O, U: the redemption code alphabet (codes.ts). */
const CODE_CHAR = "[0-9A-HJKMNP-TV-Z]";

/**
 * Bearer secrets as they can appear inside any text of a log line (a request path, a URL in
 * an error message, a stack, a value some library logs), each with what replaces it. Keys
 * named like secrets are redacted by `REDACT` above; these catch the secret wherever else
 * it turns up. Every pattern matches text as JSON writes it (these secrets are ASCII
 * without quotes or backslashes, which JSON leaves as they are). Each pattern runs only when
 * a cheap test finds what it needs in the line: most lines (a request line, a job line) hold
 * none of it, and a line costs a few string searches.
 */
const GIFT_PATH = /(\/g\/)[^\s"'?#/\\<>]+/g;
const QUERY_SECRET =
  /([?&;](?:code|token|id_token|access_token|refresh_token|session|state|key|api_key|apikey|secret|client_secret|password|sig|signature|hmac|x-amz-signature|x-amz-credential|x-amz-security-token)=)[^&\s"'#<>]*/gi;
const AUTH_WORD = /Bearer|Basic|Token/;
const AUTH_VALUE = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]+/g;
const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;
/** API keys and secrets by their prefixes: ours, Stripe's (and its client secrets), Shopify's. */
const KEY = /\b(?:gl_sk|sk_live|sk_test|rk_live|rk_test|whsec|shpat|shpss|shpca|shppa|shpua)_[A-Za-z0-9_-]+/g;
const CLIENT_SECRET = /\b((?:pi|seti)_[A-Za-z0-9]+_secret_)[A-Za-z0-9]+/g;
/** A recipient token: <unit id>.<expiry>.<signature>; the signature is the secret. */
const RECIPIENT_TOKEN = /\b([0-9a-f-]{36}\.\d{1,12}\.)[A-Za-z0-9_-]{43}\b/g;
/** A redemption code: three groups of five (as shown, any case), or fifteen in a row. */
const FORMATTED_CODE = new RegExp(`\\b${CODE_CHAR}{5}-${CODE_CHAR}{5}-${CODE_CHAR}{5}\\b`, "gi");
const COMPACT_CODE = new RegExp(`\\b${CODE_CHAR}{15}\\b`, "g");

/**
 * Whether the line has something shaped like a code or a recipient token: a run of 15
 * letters and digits (a compact code), three runs of 5 joined by single hyphens (a grouped
 * one), or a run of 12 followed by "." (the end of a unit id starting a token). A hand-written
 * scan: a regular expression with counted character classes costs tens of microseconds a line.
 */
function hasCodeOrTokenShape(line: string): boolean {
  let run = 0;
  let groups = 0; // consecutive runs of 5, each after a single hyphen
  let afterHyphen = false;
  for (let i = 0; i <= line.length; i++) {
    const c = i < line.length ? line.charCodeAt(i) : 0;
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
      run++;
      continue;
    }
    if (run === 15 || (run === 12 && c === 46)) return true;
    groups = run === 5 ? (afterHyphen ? groups + 1 : 1) : 0;
    if (groups === 3) return true;
    afterHyphen = c === 45 && run > 0;
    run = 0;
  }
  return false;
}

/** The line with every bearer secret the patterns know replaced by `[redacted]`. */
export function scrubSecrets(line: string): string {
  let out = line;
  if (out.includes("/g/")) out = out.replace(GIFT_PATH, `$1${REDACTED}`);
  if (out.includes("=")) out = out.replace(QUERY_SECRET, `$1${REDACTED}`);
  if (AUTH_WORD.test(out)) out = out.replace(AUTH_VALUE, `$1 ${REDACTED}`);
  if (out.includes("eyJ")) out = out.replace(JWT, REDACTED);
  if (out.includes("_")) {
    out = out.replace(KEY, REDACTED);
    if (out.includes("_secret_")) out = out.replace(CLIENT_SECRET, `$1${REDACTED}`);
  }
  if (hasCodeOrTokenShape(out)) {
    out = out.replace(RECIPIENT_TOKEN, `$1${REDACTED}`).replace(FORMATTED_CODE, REDACTED).replace(COMPACT_CODE, REDACTED);
  }
  return out;
}

/**
 * Structured JSON logs, one object per line. Secrets never reach a line: values under
 * secret-named keys are redacted, and every finished line passes `scrubSecrets` before it
 * is written (paths, query strings, error messages and stacks included).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT, censor: REDACTED },
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: scrubSecrets },
    },
    destination,
  );
}
