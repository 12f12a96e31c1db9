import { invalidRequest } from "./errors.ts";

// Stripe's `expand[]`: replace an id field with the object it names, along a dotted path
// (`latest_charge.balance_transaction`; on lists, `data.latest_charge`). Anything that is not an
// expandable id is refused with Stripe's own message, so a wrong expand fails here too.

const MAX_DEPTH = 4;

export function render<T>(obj: T, expand: string[] | undefined, find: (id: string) => object | undefined): T {
  const copy = structuredClone(obj);
  for (const path of expand ?? []) {
    const segments = path.split(".");
    if (segments.length > MAX_DEPTH) {
      throw invalidRequest(`You cannot expand more than ${MAX_DEPTH} levels of a property. Property: ${path}`, { param: "expand" });
    }
    apply(copy, segments, path, find);
  }
  return copy;
}

function apply(node: unknown, segments: string[], path: string, find: (id: string) => object | undefined): void {
  if (node === null || typeof node !== "object") return;
  const [head, ...rest] = segments;
  if (head === undefined) return;
  const record = node as Record<string, unknown>;
  if (record.object === "list" && head === "data" && Array.isArray(record.data)) {
    for (const item of record.data) apply(item, rest, path, find);
    return;
  }
  if (!(head in record)) throw invalidRequest(`This property cannot be expanded (${path}).`, { param: "expand" });
  const value = record[head];
  if (typeof value === "string") {
    const target = find(value);
    if (!target) throw invalidRequest(`This property cannot be expanded (${path}).`, { param: "expand" });
    record[head] = structuredClone(target);
  }
  if (rest.length > 0) apply(record[head], rest, path, find);
}
