import { invalidRequest } from "./errors.ts";

// Stripe's request encoding: `application/x-www-form-urlencoded` with bracketed keys for nesting,
// `metadata[order_id]=42`, `payment_method_types[0]=card` (the SDK's indexed arrays) or
// `expand[]=latest_charge` (curl style). The same encoding is used for GET query strings.
// Values are always strings; the endpoint decides whether "42" is an integer or "true" a boolean,
// exactly as Stripe does, so type errors surface here the way they would against the real API.

export type Param = string | Param[] | ParamMap;
export interface ParamMap {
  [key: string]: Param;
}

const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

function splitKey(raw: string): string[] {
  const first = raw.indexOf("[");
  if (first <= 0) return [raw];
  const segments = [raw.slice(0, first)];
  let pos = first;
  while (pos < raw.length) {
    const close = raw.indexOf("]", pos);
    if (raw[pos] !== "[" || close === -1) throw invalidRequest(`Invalid parameter name: ${raw}`, { param: raw });
    segments.push(raw.slice(pos + 1, close));
    pos = close + 1;
  }
  return segments;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    throw invalidRequest(`Invalid URL encoding: ${s}`);
  }
}

/** Parses a form body or query string into nested maps; index-keyed maps become arrays. */
export function parseStripeForm(input: string): ParamMap {
  // Build with maps whose keys may be numeric, then turn all-numeric maps into arrays.
  const root: ParamMap = {};
  if (!input) return root;
  for (const pair of input.split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const rawKey = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? "" : decode(pair.slice(eq + 1));
    const segments = splitKey(rawKey);
    let node: ParamMap = root;
    for (let i = 0; i < segments.length; i++) {
      let seg = segments[i] ?? "";
      if (FORBIDDEN.has(seg)) throw invalidRequest(`Invalid parameter name: ${rawKey}`, { param: rawKey });
      // `a[]=x` appends: give it the next free index.
      if (seg === "" && i > 0) seg = String(Object.keys(node).length);
      const last = i === segments.length - 1;
      const existing = node[seg];
      if (last) {
        if (existing !== undefined && typeof existing !== "string") {
          throw invalidRequest(`Invalid hash: ${rawKey} is given both as a value and as a hash`, { param: rawKey });
        }
        node[seg] = value;
      } else {
        if (existing === undefined) {
          const child: ParamMap = {};
          node[seg] = child;
          node = child;
        } else if (typeof existing === "string" || Array.isArray(existing)) {
          // An empty string for a hash (`metadata=`) means "unset it"; it cannot also have children.
          throw invalidRequest(`Invalid hash: ${rawKey} is given both as a value and as a hash`, { param: rawKey });
        } else {
          node = existing;
        }
      }
    }
  }
  return arrayify(root) as ParamMap;
}

function arrayify(p: Param): Param {
  if (typeof p === "string" || Array.isArray(p)) return p;
  const keys = Object.keys(p);
  for (const k of keys) p[k] = arrayify(p[k] as Param);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => p[String(k)] as Param);
  }
  return p;
}

/** A stable rendering of parsed params, used to compare requests that share an idempotency key. */
export function canonicalParams(p: Param): string {
  if (typeof p === "string") return JSON.stringify(p);
  if (Array.isArray(p)) return `[${p.map(canonicalParams).join(",")}]`;
  return `{${Object.keys(p)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalParams(p[k] as Param)}`)
    .join(",")}}`;
}
