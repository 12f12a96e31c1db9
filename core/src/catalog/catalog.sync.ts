import { z } from "zod";
import { BulkOperationError, getBulkOperation, runBulkQuery, streamBulkResult } from "../integrations/shopify/bulk.ts";
import { defineJob, PermanentJobError } from "../jobs/registry.ts";
import type { Deps } from "../platform/deps.ts";
import { refuse, type Outcome, type VendorContext } from "../platform/use-case.ts";
import { importBulkLines, type ImportError } from "./catalog.import.ts";
import { accessRefusal, markConnectionBroken } from "../vendors/connection-state.ts";

/**
 * A full catalog sync of one vendor: a Shopify bulk query for every product with its
 * variants, options, images and stock, then an import of the JSONL result into the mirror.
 *
 *   startCatalogSync        CatalogSync row (pending) + job catalog.run_bulk_sync, one transaction
 *   catalog.run_bulk_sync   starts the bulk operation, stores its id (running), schedules a poll
 *   bulk_operations/finish  (webhook) -> catalog.import_bulk_sync
 *   catalog.poll_bulk_sync  fallback when the webhook does not come: polls, backing off
 *   catalog.import_bulk_sync streams the result into the mirror; products missing from a
 *                           completed full sync are soft-deleted; the row ends completed/failed
 */

/** Products + variants + options + images + stock, in Shopify's bulk query form. */
export const CATALOG_BULK_QUERY = /* GraphQL */ `
{
  products {
    edges {
      node {
        id
        title
        handle
        descriptionHtml
        productType
        vendor
        status
        tags
        updatedAt
        options { name position values }
        media {
          edges { node { ... on MediaImage { id alt image { url altText width height } } } }
        }
        variants {
          edges {
            node {
              id
              title
              sku
              price
              updatedAt
              inventoryQuantity
              selectedOptions { name value }
              image { url }
              inventoryItem { id tracked }
            }
          }
        }
      }
    }
  }
}`;

const DEFAULT_POLL_MS = 15_000;
const MAX_POLL_MS = 5 * 60_000;

export interface CatalogSyncRow {
  id: string;
  vendorId: string;
  status: "pending" | "running" | "completed" | "failed";
  bulkOperationId: string | null;
  objectCount: number;
  productsSynced: number;
  variantsSynced: number;
  errors: ImportError[];
  errorMessage: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

export type CatalogSyncRefusal = "vendor_not_found" | "vendor_uninstalled" | "connection_broken";

/**
 * Starts a full sync for the brand (or answers the one already pending or running), refused
 * while the app is uninstalled or Shopify refuses its token (`connection_broken`: the
 * reconnect starts it). `pollAfterMs`: when to check the bulk operation if no finish webhook
 * arrived.
 */
export async function startCatalogSync(
  ctx: VendorContext,
  deps: Pick<Deps, "jobs">,
  opts: { pollAfterMs?: number } = {},
): Promise<Outcome<{ syncId: string; created: boolean }, CatalogSyncRefusal>> {
  const { vendorId } = ctx.tenant;
  return ctx.db.prisma.$transaction(async (tx) => {
    const vendor = await tx.vendor.findUnique({ where: { id: vendorId }, select: { id: true, uninstalledAt: true, connectionBrokenAt: true } });
    if (!vendor) return refuse("vendor_not_found", `vendor ${vendorId} not found`);
    if (vendor.uninstalledAt) return refuse("vendor_uninstalled", `vendor ${vendorId} uninstalled the app`);
    if (vendor.connectionBrokenAt) return refuse("connection_broken", "Shopify refuses the app's access token: reconnect from the app first");
    // One sync at a time per vendor (Shopify runs one bulk query per shop and app anyway).
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext('catalog_sync:' || $1))`, vendorId);
    const open = await tx.catalogSync.findFirst({ where: { vendorId, status: { in: ["pending", "running"] } }, orderBy: { startedAt: "desc" } });
    if (open) return { ok: true, syncId: open.id, created: false };
    const sync = await tx.catalogSync.create({ data: { vendorId } });
    await deps.jobs.enqueue(tx, runBulkSyncJob, { syncId: sync.id, pollAfterMs: opts.pollAfterMs ?? DEFAULT_POLL_MS }, { key: `catalog.run_bulk_sync:${sync.id}` });
    return { ok: true, syncId: sync.id, created: true };
  });
}

async function loadSync(deps: Pick<Deps, "db">, syncId: string) {
  const sync = await deps.db.prisma.catalogSync.findUnique({
    where: { id: syncId },
    include: { vendor: { select: { shopDomain: true, currency: true, status: true, connectionBrokenAt: true, connectionError: true } } },
  });
  if (!sync) throw new PermanentJobError(`catalog sync ${syncId} not found`);
  return sync;
}

/** How a sync that stopped on a broken Shopify connection is marked (and found again to resume it). */
export const CONNECTION_BROKEN = "Shopify connection broken";

const STOPPED = Symbol("sync stopped");

/**
 * Runs a step's Shopify calls. A vendor that uninstalled or whose connection is broken is
 * not called; a refused access token (401/403) marks the connection broken and stops the
 * sync with the reason, instead of retrying what cannot succeed.
 */
async function withShopify<T>(deps: Pick<Deps, "db" | "log">, sync: Awaited<ReturnType<typeof loadSync>>, fn: () => Promise<T>): Promise<T | typeof STOPPED> {
  if (sync.vendor.status !== "active") {
    await failSync(deps, sync.id, "the app was uninstalled");
    return STOPPED;
  }
  if (sync.vendor.connectionBrokenAt) {
    await failSync(deps, sync.id, `${CONNECTION_BROKEN}: ${sync.vendor.connectionError ?? "Shopify refused the access token"}`);
    return STOPPED;
  }
  try {
    return await fn();
  } catch (err) {
    const reason = accessRefusal(err);
    if (!reason) throw err;
    await markConnectionBroken(deps, sync.vendorId, reason);
    await failSync(deps, sync.id, `${CONNECTION_BROKEN}: ${reason}`);
    return STOPPED;
  }
}

/**
 * After the connection is mended: starts a sync again when the last one stopped on the
 * broken connection (or none ever ran). Returns the sync started, if any.
 */
export async function resumeCatalogSync(ctx: VendorContext, deps: Pick<Deps, "jobs">): Promise<string | null> {
  const last = await ctx.db.prisma.catalogSync.findFirst({ where: { vendorId: ctx.tenant.vendorId }, orderBy: { startedAt: "desc" }, select: { status: true, errorMessage: true } });
  if (last && !(last.status === "failed" && last.errorMessage?.startsWith(CONNECTION_BROKEN))) return null;
  const started = await startCatalogSync(ctx, deps);
  return started.ok && started.created ? started.syncId : null;
}

async function failSync(deps: Pick<Deps, "db">, syncId: string, message: string): Promise<void> {
  await deps.db.prisma.catalogSync.updateMany({ where: { id: syncId, status: { in: ["pending", "running"] } }, data: { status: "failed", errorMessage: message, finishedAt: new Date() } });
}

export const runBulkSyncJob = defineJob({
  type: "catalog.run_bulk_sync",
  schema: z.object({ syncId: z.uuid(), pollAfterMs: z.number().int().positive().optional() }),
  maxAttempts: 10,
  backoff: { baseMs: 2_000, maxMs: 5 * 60_000 },
  async handler({ syncId, pollAfterMs }, ctx) {
    const sync = await loadSync(ctx.deps, syncId);
    if (sync.status !== "pending" && sync.status !== "running") return;
    let bulkId = sync.bulkOperationId;
    if (!bulkId) {
      const started = await withShopify(ctx.deps, sync, async () => {
        const admin = await ctx.deps.shopify.admin(sync.vendor.shopDomain);
        try {
          return (await runBulkQuery(admin, CATALOG_BULK_QUERY)).id;
        } catch (err) {
          // OPERATION_IN_PROGRESS: another bulk query of this app runs on the shop; retry later.
          if (err instanceof BulkOperationError && err.code !== "OPERATION_IN_PROGRESS") {
            await failSync(ctx.deps, syncId, err.message);
            return STOPPED;
          }
          throw err;
        }
      });
      if (started === STOPPED) return;
      bulkId = started;
      await ctx.deps.db.prisma.catalogSync.update({ where: { id: syncId }, data: { bulkOperationId: bulkId, status: "running" } });
    }
    const wait = pollAfterMs ?? DEFAULT_POLL_MS;
    await ctx.deps.jobs.enqueue(ctx.deps.db.prisma, pollBulkSyncJob, { syncId, round: 1, waitMs: wait }, { key: `catalog.poll_bulk_sync:${syncId}:1`, runAt: new Date(Date.now() + wait) });
  },
});

export const pollBulkSyncJob = defineJob({
  type: "catalog.poll_bulk_sync",
  schema: z.object({ syncId: z.uuid(), round: z.number().int().positive(), waitMs: z.number().int().positive() }),
  maxAttempts: 10,
  async handler({ syncId, round, waitMs }, ctx) {
    const sync = await loadSync(ctx.deps, syncId);
    if (sync.status !== "running" || !sync.bulkOperationId) return; // finished through the webhook
    const bulkId = sync.bulkOperationId;
    const op = await withShopify(ctx.deps, sync, async () => getBulkOperation(await ctx.deps.shopify.admin(sync.vendor.shopDomain), bulkId));
    if (op === STOPPED) return;
    if (!op || ["FAILED", "CANCELED", "EXPIRED"].includes(op.status)) {
      await failSync(ctx.deps, syncId, `bulk operation ${op?.status.toLowerCase() ?? "not found"}${op?.errorCode ? ` (${op.errorCode})` : ""}`);
      return;
    }
    if (op.status === "COMPLETED") {
      ctx.log.info({ syncId }, "bulk operation completed without a finish webhook; importing from the poll");
      await enqueueImport(ctx.deps, syncId);
      return;
    }
    const next = Math.min(MAX_POLL_MS, waitMs * 2);
    await ctx.deps.jobs.enqueue(ctx.deps.db.prisma, pollBulkSyncJob, { syncId, round: round + 1, waitMs: next }, { key: `catalog.poll_bulk_sync:${syncId}:${round + 1}`, runAt: new Date(Date.now() + next) });
  },
});

export async function enqueueImport(deps: Pick<Deps, "db" | "jobs">, syncId: string): Promise<void> {
  await deps.jobs.enqueue(deps.db.prisma, importBulkSyncJob, { syncId }, { key: `catalog.import_bulk_sync:${syncId}` });
}

export const importBulkSyncJob = defineJob({
  type: "catalog.import_bulk_sync",
  schema: z.object({ syncId: z.uuid() }),
  maxAttempts: 5,
  backoff: { baseMs: 5_000, maxMs: 5 * 60_000 },
  async handler({ syncId }, ctx) {
    const sync = await loadSync(ctx.deps, syncId);
    if (sync.status !== "running" || !sync.bulkOperationId) return;
    const bulkId = sync.bulkOperationId;
    const op = await withShopify(ctx.deps, sync, async () => getBulkOperation(await ctx.deps.shopify.admin(sync.vendor.shopDomain), bulkId));
    if (op === STOPPED) return;
    if (!op || op.status !== "COMPLETED") {
      await failSync(ctx.deps, syncId, `bulk operation ${op?.status.toLowerCase() ?? "not found"}${op?.errorCode ? ` (${op.errorCode})` : ""}`);
      return;
    }
    await ctx.deps.db.prisma.catalogSync.update({ where: { id: syncId }, data: { objectCount: op.objectCount } });
    await importCompletedBulk(ctx.deps, { syncId, vendorId: sync.vendorId, currency: sync.vendor.currency, startedAt: sync.startedAt, url: op.url, signal: ctx.signal });
  },
});

/** Streams the result at `url` (null: an empty catalog) into the mirror and completes the sync. */
export async function importCompletedBulk(
  deps: Pick<Deps, "db">,
  args: { syncId: string; vendorId: string; currency: string; startedAt: Date; url: string | null; signal?: AbortSignal },
): Promise<void> {
  const lines = args.url ? streamBulkResult(args.url, args.signal ? { signal: args.signal } : {}) : emptyLines();
  const r = await importBulkLines(deps, { vendorId: args.vendorId, currency: args.currency, syncId: args.syncId }, lines);
  const errors = [...r.errors];
  await deps.db.transaction(async (tx) => {
    if (r.unidentified > 0) {
      errors.push({ line: 0, reason: `${r.unidentified} unreadable line(s) could not be identified: products missing from this sync were kept` });
    } else {
      // Products (and variants) Shopify no longer has. Rows changed by a webhook after the
      // sync started are newer than the snapshot and are kept.
      await tx.execute(
        `UPDATE product SET deleted_at = now(), updated_at = now()
         WHERE vendor_id = $1 AND deleted_at IS NULL AND NOT (shopify_id = ANY($2::text[]))
           AND (shopify_updated_at IS NULL OR shopify_updated_at < $3)`,
        [args.vendorId, [...r.seenProducts], args.startedAt],
      );
      await tx.execute(
        `UPDATE variant SET deleted_at = now(), updated_at = now()
         WHERE vendor_id = $1 AND deleted_at IS NULL AND NOT (shopify_id = ANY($2::text[]))
           AND (shopify_updated_at IS NULL OR shopify_updated_at < $3)`,
        [args.vendorId, [...r.seenVariants], args.startedAt],
      );
    }
    await tx.execute(
      `UPDATE catalog_sync SET status = 'completed', products_synced = $2, variants_synced = $3, errors = $4::jsonb, finished_at = now() WHERE id = $1`,
      [args.syncId, r.products, r.variants, JSON.stringify(errors)],
    );
  });
}

async function* emptyLines(): AsyncGenerator<{ line: number; text: string }> {}

/** The bulk_operations/finish webhook: hands the sync that ran this operation to the import. */
export async function onBulkOperationFinished(deps: Pick<Deps, "db" | "jobs">, shop: string, payload: { admin_graphql_api_id?: string; status?: string; error_code?: string | null }): Promise<void> {
  const id = payload.admin_graphql_api_id;
  if (!id) return;
  const sync = await deps.db.prisma.catalogSync.findFirst({ where: { bulkOperationId: id, vendor: { shopDomain: shop } } });
  if (!sync) {
    // The operation may have finished before catalog.run_bulk_sync stored its id: retry later.
    const starting = await deps.db.prisma.catalogSync.count({ where: { vendor: { shopDomain: shop }, status: { in: ["pending", "running"] }, bulkOperationId: null } });
    if (starting > 0) throw new Error(`bulk operation ${id} finished before its sync recorded it; retrying`);
    return; // not ours (another flow of the app)
  }
  if (sync.status !== "running") return; // done already
  if (payload.status !== "completed") {
    await failSync(deps, sync.id, `bulk operation ${payload.status ?? "ended"}${payload.error_code ? ` (${payload.error_code})` : ""}`);
    return;
  }
  await enqueueImport(deps, sync.id);
}
