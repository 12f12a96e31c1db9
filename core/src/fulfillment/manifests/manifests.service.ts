import { randomUUID } from "node:crypto";
import { z } from "zod";
import { defineJob, PermanentJobError } from "../../jobs/registry.ts";
import type { Config } from "../../platform/config.ts";
import type { Deps } from "../../platform/deps.ts";
import { vendorContext, type VendorContext } from "../../platform/use-case.ts";
import { renderManifestPdf, type ManifestAddress, type ManifestUnit } from "./manifest-pdf.ts";

/**
 * Packing manifests: a brand asks for one (Orders page, `POST /v1/vendor/manifests`), a job
 * renders the PDF of every gift waiting to be packed (redeemed or pushed to Shopify, not yet
 * shipped), stores it, and the brand downloads it through an expiring link.
 *
 * Record (no table): each manifest is two files in storage, `manifests/<vendor>/<id>.pdf` and
 * its sidecar `manifests/<vendor>/<id>.json` (status, filter, counts, the unit ids it lists),
 * plus one audit_log entry (`manifest.requested`) written in the same transaction as the job.
 * The vendor id is part of every key, so one brand cannot name another's manifest. The
 * sidecar is written before the job is enqueued, and only the job marks it ready, so the two
 * cannot race. Storage offers no listing, so the audit entries are the index (shop/redact and
 * customers/redact find manifests through them).
 */
export const MANIFEST_STATUSES = ["redeemed", "pushed"] as const;
export const MAX_MANIFEST_UNITS = 1000;
export const MANIFEST_ACTION = "manifest.requested";

export const ManifestFilter = z
  .object({
    orderId: z.uuid().optional().describe("Only this gift order's units."),
    statuses: z
      .array(z.enum(MANIFEST_STATUSES))
      .min(1)
      .optional()
      .describe("Which waiting units: `redeemed` (not yet in Shopify), `pushed` (in Shopify, not shipped). Default both."),
  })
  .strict();
export type ManifestFilter = z.infer<typeof ManifestFilter>;

export interface ManifestRecord {
  id: string;
  vendorId: string;
  status: "pending" | "ready" | "failed" | "deleted";
  filter: ManifestFilter;
  requestedAt: string;
  requestedBy: string;
  generatedAt?: string;
  units?: number;
  pages?: number;
  truncated?: boolean;
  unitIds?: string[];
  error?: string;
}

export const manifestKeys = (vendorId: string, id: string) => ({
  pdf: `manifests/${vendorId}/${id}.pdf`,
  sidecar: `manifests/${vendorId}/${id}.json`,
});

async function readRecord(deps: Pick<Deps, "storage">, vendorId: string, id: string): Promise<ManifestRecord | undefined> {
  const f = await deps.storage.get(manifestKeys(vendorId, id).sidecar);
  return f ? (JSON.parse(f.body.toString("utf8")) as ManifestRecord) : undefined;
}
async function writeRecord(deps: Pick<Deps, "storage">, r: ManifestRecord): Promise<void> {
  await deps.storage.put(manifestKeys(r.vendorId, r.id).sidecar, JSON.stringify(r), { contentType: "application/json" });
}

/** Where the QR code of a unit leads: the unit's page in the embedded app (the app's auth sends a browser outside the admin into it). */
export function unitAppUrl(config: Pick<Config, "shopifyAppUrl">, shop: string, unitId: string): string {
  return `${config.shopifyAppUrl.replace(/\/+$/, "")}/app/units/${unitId}?shop=${encodeURIComponent(shop)}`;
}

/** Asks for a packing manifest of the brand's gifts matching `filter` (built by a job); answers its record, pending. */
export async function requestManifest(ctx: VendorContext, deps: Pick<Deps, "storage" | "jobs">, filter: ManifestFilter): Promise<ManifestRecord> {
  const { vendorId } = ctx.tenant;
  const by = { actor: ctx.actor, requestId: ctx.requestId };
  const parsed = ManifestFilter.parse(filter);
  const id = randomUUID();
  const record: ManifestRecord = { id, vendorId, status: "pending", filter: parsed, requestedAt: new Date().toISOString(), requestedBy: by.actor };
  await writeRecord(deps, record);
  const keys = manifestKeys(vendorId, id);
  await ctx.db.prisma.$transaction(async (tx) => {
    await tx.auditLog.create({
      data: { vendorId, actor: by.actor, action: MANIFEST_ACTION, entity: "packing_manifest", entityId: id, requestId: by.requestId ?? null, data: { fileKey: keys.pdf, sidecarKey: keys.sidecar, filter: parsed } },
    });
    await deps.jobs.enqueue(tx, buildManifestJob, { vendorId, manifestId: id }, { key: `manifest:${id}` });
  });
  return record;
}

/** One of the brand's manifests, or undefined (its key holds the brand: another brand's id is not found). */
export async function getManifest(ctx: VendorContext, deps: Pick<Deps, "storage">, id: string): Promise<ManifestRecord | undefined> {
  return readRecord(deps, ctx.tenant.vendorId, id);
}

export async function manifestDownloadUrl(deps: Pick<Deps, "storage">, r: ManifestRecord, expiresInSeconds: number): Promise<string | null> {
  if (r.status !== "ready") return null;
  const key = manifestKeys(r.vendorId, r.id).pdf;
  if (!(await deps.storage.exists(key))) return null;
  return deps.storage.downloadUrl(key, { expiresInSeconds, filename: `packing-manifest-${(r.generatedAt ?? r.requestedAt).slice(0, 10)}-${r.id.slice(0, 8)}.pdf` });
}

/** The brand's gifts to pack, oldest redemption first. */
export async function unitsToPack(ctx: VendorContext, deps: Pick<Deps, "config">, shop: string, filter: ManifestFilter, limit = MAX_MANIFEST_UNITS + 1): Promise<ManifestUnit[]> {
  const statuses = filter.statuses ?? [...MANIFEST_STATUSES];
  const rows = await ctx.db.sql.query<{
    id: string;
    orderId: string;
    status: string;
    recipientName: string;
    recipientPhone: string | null;
    message: string | null;
    shippingAddress: ManifestAddress | string | null;
    shopifyOrderId: string | null;
    variantTitle: string | null;
    sku: string | null;
    productTitle: string | null;
  }>(
    `SELECT u.id::text AS id, u.order_id::text AS "orderId", u.status::text AS status, u.recipient_name AS "recipientName",
            u.recipient_phone AS "recipientPhone", u.message, u.shipping_address AS "shippingAddress", u.shopify_order_id AS "shopifyOrderId",
            v.title AS "variantTitle", v.sku, p.title AS "productTitle"
       FROM fulfillment_unit u
       LEFT JOIN variant v ON v.id = u.chosen_variant_id AND v.vendor_id = u.vendor_id
       LEFT JOIN product p ON p.id = v.product_id
      WHERE u.vendor_id = $1::uuid AND u.status::text = ANY($2::text[]) AND u.shipped_at IS NULL
        AND ($3::uuid IS NULL OR u.order_id = $3::uuid)
      ORDER BY u.redeemed_at NULLS LAST, u.id
      LIMIT $4`,
    // The bound handle admits only the brand's rows; naming the brand too keeps the (vendor_id, status) index in use.
    [ctx.tenant.vendorId, statuses, filter.orderId ?? null, limit],
  );
  return rows.map((r) => ({
    unitId: r.id,
    orderId: r.orderId,
    status: r.status,
    recipientName: r.recipientName,
    recipientPhone: r.recipientPhone,
    address: typeof r.shippingAddress === "string" ? (JSON.parse(r.shippingAddress) as ManifestAddress) : r.shippingAddress,
    items: r.productTitle != null ? [{ product: r.productTitle, variant: r.variantTitle ?? "", sku: r.sku, quantity: 1 }] : [],
    message: r.message,
    shopifyOrderName: r.shopifyOrderId ? (r.shopifyOrderId.split("/").pop() ?? null) : null,
    link: unitAppUrl(deps.config, shop, r.id),
  }));
}

export const buildManifestJob = defineJob({
  type: "fulfillment.build_manifest",
  schema: z.object({ vendorId: z.uuid(), manifestId: z.uuid() }),
  maxAttempts: 5,
  backoff: { baseMs: 2_000, maxMs: 60_000 },
  async handler({ vendorId, manifestId }, ctx) {
    const deps = ctx.deps;
    const record = await readRecord(deps, vendorId, manifestId);
    if (!record) throw new PermanentJobError(`manifest ${manifestId} has no record (erased?)`);
    if (record.status !== "pending") return; // built already, or erased since
    const brand = vendorContext({ db: deps.db, vendorId, actor: `job:${ctx.job.type}`, log: ctx.log });
    const vendor = await brand.db.prisma.vendor.findFirst({ select: { name: true, shopDomain: true } });
    if (!vendor) throw new PermanentJobError(`vendor ${vendorId} is gone`);
    const all = await unitsToPack(brand, deps, vendor.shopDomain, record.filter);
    const units = all.slice(0, MAX_MANIFEST_UNITS);
    const generatedAt = new Date();
    let rendered: { pdf: Buffer; pages: number };
    try {
      rendered = await renderManifestPdf({ brand: vendor.name, generatedAt, units });
      await deps.storage.put(manifestKeys(vendorId, manifestId).pdf, rendered.pdf, { contentType: "application/pdf" });
    } catch (err) {
      // The last attempt tells the brand (the Orders page stops waiting); earlier ones retry.
      if (ctx.job.attempt >= ctx.job.maxAttempts) {
        await writeRecord(deps, { ...record, status: "failed", error: err instanceof Error ? err.message.slice(0, 500) : "manifest could not be built" });
      }
      throw err;
    }
    const { pages } = rendered;
    await writeRecord(deps, {
      ...record,
      status: "ready",
      generatedAt: generatedAt.toISOString(),
      units: units.length,
      pages,
      truncated: all.length > units.length,
      unitIds: units.map((u) => u.unitId),
    });
    ctx.log.info({ vendorId, manifestId, units: units.length, pages }, "packing manifest built");
  },
});

/**
 * After a customer's data was erased: manifests that list any of these units lose their PDF
 * (it printed the person's name and address); the record stays, marked `deleted`.
 */
export async function forgetUnitsInManifests(deps: Pick<Deps, "db" | "storage">, vendorId: string, unitIds: string[]): Promise<number> {
  if (!unitIds.length) return 0;
  const wanted = new Set(unitIds);
  const rows = await deps.db.sql.query<{ id: string }>(
    "SELECT entity_id AS id FROM audit_log WHERE vendor_id = $1::uuid AND action = $2 AND entity = 'packing_manifest'",
    [vendorId, MANIFEST_ACTION],
  );
  let n = 0;
  for (const { id } of rows) {
    const r = await readRecord(deps, vendorId, id);
    // A pending manifest is built from the already-erased rows; only finished ones can hold the data.
    if (r?.status !== "ready" || !(r.unitIds ?? []).some((u) => wanted.has(u))) continue;
    await deps.storage.delete(manifestKeys(vendorId, id).pdf);
    await writeRecord(deps, { ...r, status: "deleted", unitIds: [], error: "erased on a customer's privacy request" });
    n++;
  }
  return n;
}
