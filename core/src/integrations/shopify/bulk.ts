import type { ShopifyAdmin } from "./shopify.ts";

/**
 * Bulk operations: start a bulk query, read its status, and stream its JSONL result line by
 * line (the file can be hundreds of megabytes; it is never held in memory whole).
 */

export interface BulkOperationInfo {
  id: string;
  status: "CREATED" | "RUNNING" | "COMPLETED" | "CANCELING" | "CANCELED" | "FAILED" | "EXPIRED";
  errorCode: string | null;
  objectCount: number;
  rootObjectCount: number;
  url: string | null;
  partialDataUrl: string | null;
  completedAt: string | null;
}

export class BulkOperationError extends Error {
  override name = "BulkOperationError";
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

const RUN = /* GraphQL */ `
  mutation RunBulkQuery($query: String!) {
    bulkOperationRunQuery(query: $query) {
      bulkOperation { id status }
      userErrors { field message code }
    }
  }
`;

const FIELDS = "id status errorCode objectCount rootObjectCount url partialDataUrl completedAt";
const BY_ID = /* GraphQL */ `
  query BulkOperationById($id: ID!) {
    node(id: $id) { ... on BulkOperation { ${FIELDS} } }
  }
`;

/** Starts a bulk query; throws BulkOperationError (code OPERATION_IN_PROGRESS when one runs). */
export async function runBulkQuery(admin: ShopifyAdmin, query: string): Promise<{ id: string; status: string }> {
  const { data } = await admin.request<{
    bulkOperationRunQuery: { bulkOperation: { id: string; status: string } | null; userErrors: Array<{ message: string; code: string | null }> };
  }>(RUN, { query });
  const r = data.bulkOperationRunQuery;
  if (!r.bulkOperation) {
    const e = r.userErrors[0];
    throw new BulkOperationError(e?.message ?? "bulk operation was not started", e?.code ?? null);
  }
  return r.bulkOperation;
}

export async function getBulkOperation(admin: ShopifyAdmin, id: string): Promise<BulkOperationInfo | undefined> {
  const { data } = await admin.request<{ node: (Omit<BulkOperationInfo, "objectCount" | "rootObjectCount"> & { objectCount: string; rootObjectCount: string }) | null }>(
    BY_ID,
    { id },
  );
  const n = data.node;
  if (!n) return undefined;
  return { ...n, objectCount: Number(n.objectCount), rootObjectCount: Number(n.rootObjectCount) };
}

/** Polls until the operation is no longer CREATED/RUNNING/CANCELING. */
export async function waitForBulkOperation(
  admin: ShopifyAdmin,
  id: string,
  opts: { intervalMs?: number; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<BulkOperationInfo> {
  const end = Date.now() + (opts.timeoutMs ?? 10 * 60_000);
  for (;;) {
    const op = await getBulkOperation(admin, id);
    if (!op) throw new BulkOperationError(`bulk operation ${id} not found`, null);
    if (!["CREATED", "RUNNING", "CANCELING"].includes(op.status)) return op;
    if (Date.now() > end) throw new BulkOperationError(`bulk operation ${id} still ${op.status} after waiting`, "TIMEOUT");
    opts.signal?.throwIfAborted();
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 1000));
  }
}

/**
 * The lines of a bulk result file, streamed: yields `{ line, text }` (1-based line numbers),
 * skipping blank lines. The file is read from Shopify's signed URL (no credentials needed).
 */
export async function* streamBulkResult(url: string, opts: { signal?: AbortSignal } = {}): AsyncGenerator<{ line: number; text: string }> {
  const res = await fetch(url, opts.signal ? { signal: opts.signal } : {});
  if (!res.ok || !res.body) throw new BulkOperationError(`bulk result download failed: HTTP ${res.status}`, null);
  const decoder = new TextDecoder("utf-8");
  let buffered = "";
  let line = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl: number;
    let start = 0;
    while ((nl = buffered.indexOf("\n", start)) >= 0) {
      line++;
      const text = buffered.slice(start, nl);
      start = nl + 1;
      if (text.trim()) yield { line, text };
    }
    buffered = buffered.slice(start);
  }
  buffered += decoder.decode();
  if (buffered.trim()) yield { line: line + 1, text: buffered };
}
