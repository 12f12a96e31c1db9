import { Kind, parse, type DocumentNode, type FieldNode, type OperationDefinitionNode } from "graphql";

/**
 * Shopify's bulk query result format: one JSON object per line. Every node of a connection
 * becomes its own line; a node inside a nested connection carries `__parentId`, the id of the
 * node whose connection it came from, and appears after its parent. Objects that are not in a
 * connection (a variant's `inventoryItem`, a product's `options` list) stay inline.
 */
export function flattenBulkResult(data: Record<string, unknown>): { lines: string[]; rootObjectCount: number } {
  const lines: string[] = [];
  let rootObjectCount = 0;
  for (const value of Object.values(data)) {
    const nodes = connectionNodes(value);
    if (!nodes) continue;
    for (const node of nodes) {
      rootObjectCount++;
      emit(node as Record<string, unknown>, undefined, lines);
    }
  }
  return { lines, rootObjectCount };
}

function connectionNodes(value: unknown): unknown[] | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const v = value as { edges?: unknown; nodes?: unknown };
  if (Array.isArray(v.nodes)) return v.nodes;
  if (Array.isArray(v.edges)) return v.edges.map((e) => (e as { node: unknown }).node);
  return undefined;
}

function emit(node: Record<string, unknown>, parentId: string | undefined, lines: string[]): void {
  const children: Array<Record<string, unknown>> = [];
  const own = strip(node, children);
  const id = typeof node.id === "string" ? node.id : parentId;
  if (parentId !== undefined) own.__parentId = parentId;
  lines.push(JSON.stringify(own));
  for (const c of children) emit(c, id, lines);
}

/** A copy of `obj` without its connections; their nodes are pushed to `children`. */
function strip(obj: Record<string, unknown>, children: Array<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const nodes = connectionNodes(v);
    if (nodes) {
      for (const n of nodes) children.push(n as Record<string, unknown>);
      continue;
    }
    if (v && typeof v === "object" && !Array.isArray(v)) out[k] = strip(v as Record<string, unknown>, children);
    else out[k] = v;
  }
  return out;
}

/**
 * Checks a bulk query as Shopify does before accepting it: it parses, it is a query (not a
 * mutation), it has a connection at the top, and it nests connections at most two levels deep.
 * Returns a user-error message, or undefined when it is acceptable.
 */
export function checkBulkQuery(query: string): { message?: string; doc?: DocumentNode } {
  let doc: DocumentNode;
  try {
    doc = parse(query);
  } catch (e) {
    return { message: `Invalid bulk query: ${(e as Error).message}` };
  }
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (ops.length !== 1 || ops[0]!.operation !== "query") return { message: "Invalid bulk query: expected exactly one query operation" };
  const depth = (field: FieldNode, level: number): number => {
    let max = level;
    for (const s of field.selectionSet?.selections ?? []) {
      if (s.kind !== Kind.FIELD) continue;
      const isConn = s.selectionSet?.selections.some((x) => x.kind === Kind.FIELD && (x.name.value === "edges" || x.name.value === "nodes"));
      max = Math.max(max, depth(s, isConn ? level + 1 : level));
    }
    return max;
  };
  const roots = ops[0]!.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
  if (!roots.some((r) => r.selectionSet?.selections.some((x) => x.kind === Kind.FIELD && (x.name.value === "edges" || x.name.value === "nodes")))) {
    return { message: "Bulk queries must contain at least one connection." };
  }
  if (roots.some((r) => depth(r, 1) > 3)) return { message: "Bulk queries cannot contain connections with a nesting depth greater than 2." };
  return { doc };
}
