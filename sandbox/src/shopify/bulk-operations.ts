// Bulk operations (bulkOperationRunQuery, bulkOperationCancel): one at a time per shop, run a
// moment after they are created, their result a JSONL file served under /_bulk/, and a
// bulk_operations/finish webhook when they end.
import { randomBytes } from "node:crypto";
import { checkBulkQuery, flattenBulkResult } from "./bulk.ts";
import { publish, type StandInContext } from "./context.ts";
import { prepare, run, type GqlContext } from "./graphql.ts";
import { bulkFinishPayload } from "./payloads.ts";
import type { BulkOperation, ShopState } from "./state.ts";

/** The GraphQL context a bulk query of this shop runs with. */
export type BulkQueryContext = (shop: ShopState) => GqlContext;

/** bulkOperationRunQuery: creates the operation and schedules its run, or answers userErrors. */
export function startBulkQuery(ctx: StandInContext, shop: ShopState, query: string, contextFor: BulkQueryContext): ReturnType<GqlContext["runBulkQuery"]> {
  const running = [...shop.bulkOps.values()].find((o) => o.status === "CREATED" || o.status === "RUNNING" || o.status === "CANCELING");
  if (running) {
    return {
      userErrors: [
        { field: ["query"], message: `A bulk query operation for this app and shop is already in progress: gid://shopify/BulkOperation/${running.id}.`, code: "OPERATION_IN_PROGRESS" },
      ],
    };
  }
  const checked = checkBulkQuery(query);
  if (checked.message) return { userErrors: [{ field: ["query"], message: checked.message, code: "INVALID" }] };
  const op: BulkOperation = {
    id: 4_000_000 + ctx.seq++,
    status: "CREATED",
    errorCode: null,
    query,
    createdAt: new Date(),
    completedAt: null,
    objectCount: 0,
    rootObjectCount: 0,
    fileSize: 0,
    token: randomBytes(16).toString("hex"),
    file: null,
  };
  shop.bulkOps.set(op.id, op);
  const corrupt = shop.corruptNextBulk;
  shop.corruptNextBulk = [];
  setTimeout(() => void executeBulk(ctx, shop, op, corrupt, contextFor), ctx.bulkDelayMs);
  return { op, userErrors: [] };
}

/** bulkOperationCancel: a created operation is canceled at once, a running one when its run ends. */
export function cancelBulk(shop: ShopState, id: number): BulkOperation | undefined {
  const op = shop.bulkOps.get(id);
  if (op && (op.status === "CREATED" || op.status === "RUNNING")) op.status = op.status === "CREATED" ? "CANCELED" : "CANCELING";
  return op;
}

/** The URL of a completed operation's result file. */
export function bulkUrl(ctx: StandInContext, op: BulkOperation): string | null {
  return op.file ? `${ctx.baseUrl}/_bulk/${op.token}.jsonl` : null;
}

/** Writes the result as JSONL, breaking the 1-based `corrupt` lines (tests of a broken file). */
function complete(ctx: StandInContext, op: BulkOperation, data: Record<string, unknown>, corrupt: number[]): void {
  const { lines, rootObjectCount } = flattenBulkResult(data);
  for (const n of corrupt) if (lines[n - 1] !== undefined) lines[n - 1] = lines[n - 1]!.slice(0, Math.max(1, Math.floor(lines[n - 1]!.length / 2)));
  op.file = Buffer.from(lines.length ? `${lines.join("\n")}\n` : "");
  op.fileSize = op.file.length;
  op.objectCount = lines.length;
  op.rootObjectCount = rootObjectCount;
  op.status = "COMPLETED";
  ctx.bulkFiles.set(op.token, op);
}

async function executeBulk(ctx: StandInContext, shop: ShopState, op: BulkOperation, corrupt: number[], contextFor: BulkQueryContext): Promise<void> {
  if (op.status !== "CREATED") return;
  op.status = "RUNNING";
  try {
    const prepared = prepare(op.query, {}, undefined);
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.errors));
    const result = await run(prepared.prepared, contextFor(shop));
    if (result.errors?.length || !result.data) throw new Error(JSON.stringify(result.errors));
    if ((op.status as string) === "CANCELING") op.status = "CANCELED";
    else complete(ctx, op, result.data as Record<string, unknown>, corrupt);
  } catch (e) {
    ctx.log(`shopify stand-in: bulk operation ${op.id} failed: ${String(e)}`);
    op.status = "FAILED";
    op.errorCode = "INTERNAL_SERVER_ERROR";
  }
  op.completedAt = new Date();
  publish(ctx, shop, "bulk_operations/finish", bulkFinishPayload(op));
}
