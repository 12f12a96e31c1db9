import { invalidRequest } from "./errors.ts";
import type { Param, ParamMap } from "./form.ts";

// Each endpoint declares the parameters Stripe accepts for it. Anything else is rejected with
// Stripe's own "Received unknown parameter" error, so a typo or a parameter the real API would
// refuse fails in tests instead of in production. Parameters marked "any" are accepted the way
// Stripe accepts them but have no effect in the stand-in. Real Stripe parameters whose effect the
// stand-in does not model and that change money movement (Connect destinations, customers...)
// are "unsupported": refused with a message saying so, rather than silently ignored.

export type Spec = "string" | "int" | "bool" | "metadata" | "strings" | "any" | "unsupported" | SpecMap;
export interface SpecMap {
  [key: string]: Spec;
}

function pathOf(prefix: string, key: string): string {
  return prefix ? `${prefix}[${key}]` : key;
}

export function checkParams(params: ParamMap, spec: SpecMap, prefix = ""): void {
  for (const [key, value] of Object.entries(params)) {
    const path = pathOf(prefix, key);
    const s = spec[key];
    if (s === undefined) {
      throw invalidRequest(`Received unknown parameter: ${path}`, { param: path, code: "parameter_unknown" });
    }
    checkValue(value, s, path);
  }
}

function checkValue(value: Param, s: Spec, path: string): void {
  if (s === "any") return;
  if (s === "unsupported") {
    throw invalidRequest(`The Stripe stand-in does not model the parameter ${path}; the real Stripe API accepts it.`, { param: path });
  }
  if (s === "string") {
    if (typeof value !== "string") throw invalidRequest(`Invalid string: ${path} must be a string`, { param: path });
    return;
  }
  if (s === "int") {
    if (typeof value !== "string" || !/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
      throw invalidRequest(`Invalid integer: ${typeof value === "string" ? value : "(hash)"}`, {
        param: path,
        code: "parameter_invalid_integer",
      });
    }
    return;
  }
  if (s === "bool") {
    if (value !== "true" && value !== "false") {
      throw invalidRequest(`Invalid boolean: ${typeof value === "string" ? value : "(hash)"}`, { param: path });
    }
    return;
  }
  if (s === "strings") {
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
      throw invalidRequest(`Invalid array: ${path} must be an array of strings`, { param: path });
    }
    return;
  }
  if (s === "metadata") {
    if (value === "") return; // `metadata=` unsets all keys
    if (typeof value === "string" || Array.isArray(value)) throw invalidRequest(`Invalid hash`, { param: path });
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== "string") throw invalidRequest(`Invalid value for metadata key ${k}: must be a string`, { param: `${path}[${k}]` });
      if (k.length > 40) throw invalidRequest(`Metadata keys can have a maximum length of 40 characters.`, { param: `${path}[${k}]` });
      if (v.length > 500) throw invalidRequest(`Metadata values can have a maximum length of 500 characters.`, { param: `${path}[${k}]` });
    }
    return;
  }
  // Nested hash. An empty string is Stripe's way to unset an optional hash.
  if (value === "") return;
  if (typeof value === "string" || Array.isArray(value)) throw invalidRequest(`Invalid hash`, { param: path });
  checkParams(value, s, path);
}

// Readers: called after checkParams, so the shapes are known to be right.

export function str(p: ParamMap, key: string): string | undefined {
  const v = p[key];
  return typeof v === "string" ? v : undefined;
}

/** A string where "" means "set to null" (Stripe's way to clear a nullable string). */
export function nullableStr(p: ParamMap, key: string): string | null | undefined {
  const v = str(p, key);
  return v === "" ? null : v;
}

export function int(p: ParamMap, key: string): number | undefined {
  const v = str(p, key);
  return v === undefined ? undefined : Number(v);
}

export function bool(p: ParamMap, key: string): boolean | undefined {
  const v = str(p, key);
  return v === undefined ? undefined : v === "true";
}

export function strings(p: ParamMap, key: string): string[] | undefined {
  const v = p[key];
  return Array.isArray(v) ? (v as string[]) : undefined;
}

export function sub(p: ParamMap, key: string): ParamMap | undefined {
  const v = p[key];
  return v !== undefined && typeof v !== "string" && !Array.isArray(v) ? v : undefined;
}

export function oneOf<T extends string>(p: ParamMap, key: string, values: readonly T[], path = key): T | undefined {
  const v = str(p, key);
  if (v === undefined) return undefined;
  if (!(values as readonly string[]).includes(v)) {
    const list = values.length > 1 ? `${values.slice(0, -1).join(", ")}, or ${values[values.length - 1]}` : values[0];
    throw invalidRequest(`Invalid ${path}: must be one of ${list}`, { param: path });
  }
  return v as T;
}

/** Applies Stripe's metadata update rules: keys merge, "" deletes a key, `metadata=` clears all. */
export function applyMetadata(current: Record<string, string>, p: ParamMap, key = "metadata"): Record<string, string> {
  const v = p[key];
  if (v === undefined) return current;
  if (v === "") return {};
  const next = { ...current };
  for (const [k, val] of Object.entries(v as ParamMap)) {
    if (val === "") delete next[k];
    else next[k] = val as string;
  }
  if (Object.keys(next).length > 50) {
    throw invalidRequest("Metadata can have a maximum of 50 keys.", { param: key });
  }
  return next;
}

export const LIST_SPEC: SpecMap = {
  limit: "int",
  starting_after: "string",
  ending_before: "string",
  created: "any",
  expand: "strings",
};
