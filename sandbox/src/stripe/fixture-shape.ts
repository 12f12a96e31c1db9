import { readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

// Comparing a stand-in object with Stripe's published example object of the same type
// (`resources.<type>` in stripe/openapi's fixtures3.json). The rule, applied recursively to
// nested hashes: every key of the fixture is present; where the fixture's value is non-null ours
// has the same JSON type or is null (reported, so the nulls stay visible); where the fixture has
// an expanded object (`{ id, object, ... }`) an id string is also right, since that is what the
// API returns unless asked to expand. `metadata` is the user's own key/value data: it must be a
// hash, but the example's keys are not expected.

export type JsonType = "null" | "string" | "number" | "boolean" | "array" | "object";

export function jsonType(v: unknown): JsonType {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  const t = typeof v;
  if (t === "string" || t === "number" || t === "boolean") return t;
  if (t === "object") return "object";
  throw new Error(`not a JSON value: ${t}`);
}

export interface ShapeReport {
  /** Problems: missing keys, wrong types. Must be empty. */
  mismatches: string[];
  /** Paths where the fixture has a value and ours is null. */
  nulls: string[];
}

function isExpandedObject(v: unknown): boolean {
  return jsonType(v) === "object" && typeof (v as Record<string, unknown>).id === "string" && "object" in (v as object);
}

export function compareShape(fixture: unknown, actual: unknown, path = "$", report: ShapeReport = { mismatches: [], nulls: [] }): ShapeReport {
  const ft = jsonType(fixture);
  const at = jsonType(actual);
  if (ft === "null") return report;
  if (at === "null") {
    report.nulls.push(path);
    return report;
  }
  if (ft !== at) {
    if (!(at === "string" && isExpandedObject(fixture))) report.mismatches.push(`${path}: fixture has ${ft}, stand-in has ${at}`);
    return report;
  }
  if (ft === "object") {
    const f = fixture as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    for (const key of Object.keys(f)) {
      if (!(key in a)) report.mismatches.push(`${path}.${key}: missing`);
      else if (key === "metadata" && jsonType(a[key]) === "object") continue; // keys are the user's data
      else compareShape(f[key], a[key], `${path}.${key}`, report);
    }
  } else if (ft === "array") {
    const [sample] = fixture as unknown[];
    if (sample !== undefined) (actual as unknown[]).forEach((item, i) => compareShape(sample, item, `${path}[${i}]`, report));
  }
  return report;
}

/** Stripe's fixtures, from the shared specs folder beside the repository (override: STRIPE_FIXTURES3). */
export function loadStripeFixtures(): Record<string, unknown> {
  const path = process.env.STRIPE_FIXTURES3 ?? fileURLToPath(new URL("../../../../shared/specs/stripe-fixtures3.json", import.meta.url));
  if (!existsSync(path)) throw new Error(`Stripe fixtures not found at ${path} (set STRIPE_FIXTURES3 to their location)`);
  const parsed = JSON.parse(readFileSync(path, "utf8")) as { resources: Record<string, unknown> };
  return parsed.resources;
}
