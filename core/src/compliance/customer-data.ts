import { createHash, randomUUID } from "node:crypto";
import { isSafeNumber, LosslessNumber, parse as parseLossless, stringify as stringifyLossless } from "lossless-json";
import type { SqlTx } from "../platform/db/connect.ts";
import type { Deps } from "../platform/deps.ts";
import type { VendorContext } from "../platform/use-case.ts";
import { forgetUnitsInManifests } from "../fulfillment/manifests/manifests.service.ts";
import { isEmptyMatch, personMatch, scrubPerson, REDACTED, type PersonMatch } from "./pii-scrub.ts";

/**
 * Shopify's customer privacy topics for one shop (vendor):
 * - `customers/data_request`: everything we hold about the customer (the recipient, matched
 *   by email, or phone where given) is written as a JSON file in storage and recorded in the
 *   audit log; the brand downloads it through `GET /v1/vendor/data-requests/{id}`.
 * - `customers/redact`: their personal data is erased from the brand's units and the order
 *   recipient rows, from stored webhook events, job payloads, dead letters and audit data,
 *   and earlier data-request files about them are deleted. Amounts, refunds and orders stay.
 * Both are safe to repeat, and harmless for a shop or customer we do not know.
 */

export interface CustomerRef {
  email?: string | null;
  phone?: string | null;
  /** Shopify customer id, kept for the record (not personal data on its own). */
  shopifyCustomerId?: string | null;
  /** The customer's Shopify orders named in the request (`orders_requested` / `orders_to_redact`). */
  shopifyOrderIds?: Array<string | number> | null;
}

/** Shopify order ids as the units store them (GIDs). */
export function orderGids(ids: CustomerRef["shopifyOrderIds"]): string[] {
  return (ids ?? []).map((id) => String(id).trim()).filter((id) => /^(gid:\/\/shopify\/Order\/)?\d{1,20}$/.test(id)).map((id) => (id.startsWith("gid:") ? id : `gid://shopify/Order/${id}`));
}

export const DATA_REQUEST_ACTION = "compliance.customer_data_request";
export const CUSTOMER_REDACT_ACTION = "compliance.customer_redact";
const ACTOR = "shopify:compliance";

/** Non-deliverable (RFC 2606 `.invalid`) and unique per row, so unique constraints hold. */
export const redactedEmail = (rowId: string) => `redacted+${rowId}@redacted.invalid`;
export const REDACTED_UNIT_FLAG = "recipient data redacted: cannot ship";

/** A stable reference to an email that is not the email (to find a customer's records later). */
export function emailDigest(email: string): string {
  return createHash("sha256").update(`giftloop-customer:${email.trim().toLowerCase()}`).digest("hex");
}

async function vendorIdOf(deps: Pick<Deps, "db">, shop: string): Promise<string | undefined> {
  const rows = await deps.db.sql.query<{ id: string }>("SELECT id::text AS id FROM vendor WHERE shop_domain = $1", [shop]);
  return rows[0]?.id;
}

const UNIT_MATCH = `vendor_id = $1::uuid AND (
    ($2::text IS NOT NULL AND lower(recipient_email) = $2)
 OR ($3::text IS NOT NULL AND recipient_phone IS NOT NULL AND right(regexp_replace(recipient_phone, '\\D', '', 'g'), 10) = right($3, 10))
 OR shopify_order_id = ANY($4::text[]))`;
const RECIPIENT_MATCH = `offer_id IN (SELECT id FROM gift_offer WHERE vendor_id = $1::uuid) OR id IN (SELECT recipient_id FROM fulfillment_unit WHERE vendor_id = $1::uuid)`;
const RECIPIENT_PERSON = `(($2::text IS NOT NULL AND lower(email) = $2)
 OR ($3::text IS NOT NULL AND phone IS NOT NULL AND right(regexp_replace(phone, '\\D', '', 'g'), 10) = right($3, 10))
 OR id IN (SELECT recipient_id FROM fulfillment_unit WHERE vendor_id = $1::uuid AND shopify_order_id = ANY($4::text[])))`;

export interface CustomerDataReport {
  shop: string;
  generatedAt: string;
  customer: { email: string | null; phone: string | null; shopifyCustomerId: string | null };
  gifts: Array<{
    unitId: string;
    orderId: string;
    status: string;
    recipientName: string;
    recipientEmail: string;
    recipientPhone: string | null;
    message: string | null;
    shippingAddress: unknown;
    chosenVariant: { title: string; sku: string | null; product: string } | null;
    shopifyOrderId: string | null;
    tracking: { carrier: string | null; number: string | null; url: string | null };
    sentAt: string | null;
    redeemedAt: string | null;
    shippedAt: string | null;
    deliveredAt: string | null;
  }>;
  recipientRows: Array<{ id: string; orderId: string; name: string; email: string; phone: string | null; message: string | null; country: string | null }>;
}

export interface DataRequestRecord {
  id: string;
  status: "ready";
  createdAt: string;
  shopifyDataRequestId: string | null;
  shopifyCustomerId: string | null;
  gifts: number;
  recipientRows: number;
  fileKey: string;
}

/** Gathers what the shop's vendor holds about the customer. */
export async function customerData(deps: Pick<Deps, "db">, vendorId: string, shop: string, ref: CustomerRef): Promise<CustomerDataReport> {
  const m = personMatch(ref);
  const report: CustomerDataReport = {
    shop,
    generatedAt: new Date().toISOString(),
    customer: { email: ref.email ?? null, phone: ref.phone ?? null, shopifyCustomerId: ref.shopifyCustomerId ?? null },
    gifts: [],
    recipientRows: [],
  };
  const orders = orderGids(ref.shopifyOrderIds);
  if (isEmptyMatch(m) && !orders.length) return report;
  const args = [vendorId, m.email ?? null, m.phoneDigits ?? null, orders];
  const units = await deps.db.sql.query<{
    id: string;
    orderId: string;
    status: string;
    recipientName: string;
    recipientEmail: string;
    recipientPhone: string | null;
    message: string | null;
    shippingAddress: unknown;
    thankYouNote: string | null;
    shopifyOrderId: string | null;
    trackingCarrier: string | null;
    trackingNumber: string | null;
    trackingUrl: string | null;
    sentAt: Date | null;
    redeemedAt: Date | null;
    shippedAt: Date | null;
    deliveredAt: Date | null;
    variantTitle: string | null;
    sku: string | null;
    productTitle: string | null;
  }>(
    `SELECT u.id::text AS id, u.order_id::text AS "orderId", u.status::text AS status, u.recipient_name AS "recipientName",
            u.recipient_email AS "recipientEmail", u.recipient_phone AS "recipientPhone", u.message,
            u.shipping_address AS "shippingAddress", u.thank_you_note AS "thankYouNote", u.shopify_order_id AS "shopifyOrderId",
            u.tracking_carrier AS "trackingCarrier", u.tracking_number AS "trackingNumber", u.tracking_url AS "trackingUrl",
            u.sent_at AS "sentAt", u.redeemed_at AS "redeemedAt", u.shipped_at AS "shippedAt", u.delivered_at AS "deliveredAt",
            v.title AS "variantTitle", v.sku, p.title AS "productTitle"
       FROM fulfillment_unit u
       LEFT JOIN variant v ON v.id = u.chosen_variant_id
       LEFT JOIN product p ON p.id = v.product_id
      WHERE ${UNIT_MATCH.replace(/vendor_id|recipient_email|recipient_phone/g, (c) => `u.${c}`)}
      ORDER BY u.created_at`,
    args,
  );
  const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
  report.gifts = units.map((u) => ({
    unitId: u.id,
    orderId: u.orderId,
    status: u.status,
    recipientName: u.recipientName,
    recipientEmail: u.recipientEmail,
    recipientPhone: u.recipientPhone,
    message: u.message,
    shippingAddress: u.shippingAddress ?? null,
    chosenVariant: u.variantTitle != null ? { title: u.variantTitle, sku: u.sku, product: u.productTitle ?? "" } : null,
    shopifyOrderId: u.shopifyOrderId,
    tracking: { carrier: u.trackingCarrier, number: u.trackingNumber, url: u.trackingUrl },
    sentAt: iso(u.sentAt),
    redeemedAt: iso(u.redeemedAt),
    shippedAt: iso(u.shippedAt),
    deliveredAt: iso(u.deliveredAt),
  }));
  report.recipientRows = await deps.db.sql.query(
    `SELECT id::text AS id, order_id::text AS "orderId", name, email, phone, message, country
       FROM order_recipient WHERE (${RECIPIENT_MATCH}) AND ${RECIPIENT_PERSON} ORDER BY order_id, row`,
    args,
  );
  return report;
}

/**
 * `customers/data_request`: the report as `compliance/<vendor>/data-requests/<id>.json` and an
 * audit entry holding its key (not the customer's email, only a digest of it). One Shopify
 * data request makes one record, however often and however concurrently it is delivered:
 * the entry's unique key is the data request's id, so of concurrent writers one inserts and
 * the others delete the file they wrote and return the first record.
 */
export async function handleCustomerDataRequest(
  deps: Pick<Deps, "db" | "storage">,
  shop: string,
  input: CustomerRef & { shopifyDataRequestId?: string | null },
): Promise<DataRequestRecord | undefined> {
  const vendorId = await vendorIdOf(deps, shop);
  if (!vendorId) return undefined;
  const requestKey = input.shopifyDataRequestId ? String(input.shopifyDataRequestId) : null;
  const uniqueKey = requestKey ? `shopify-data-request:${requestKey}` : null;
  const recorded = async () => {
    const rows = await deps.db.sql.query<{ id: string }>(`SELECT entity_id AS id FROM audit_log WHERE vendor_id = $1::uuid AND unique_key = $2`, [vendorId, uniqueKey]);
    return rows[0] ? dataRequestRecord(deps.db.sql, vendorId, rows[0].id) : undefined;
  };
  if (uniqueKey) {
    const existing = await recorded();
    if (existing) return existing;
  }
  const report = await customerData(deps, vendorId, shop, input);
  const id = randomUUID();
  const fileKey = `compliance/${vendorId}/data-requests/${id}.json`;
  await deps.storage.put(fileKey, JSON.stringify(report, null, 2), { contentType: "application/json" });
  const data = {
    fileKey,
    shopifyDataRequestId: requestKey,
    shopifyCustomerId: input.shopifyCustomerId ? String(input.shopifyCustomerId) : null,
    emailDigest: input.email ? emailDigest(input.email) : null,
    gifts: report.gifts.length,
    recipientRows: report.recipientRows.length,
  };
  const inserted = await deps.db.sql.query<{ id: string }>(
    `INSERT INTO audit_log (id, vendor_id, actor, action, entity, entity_id, data, unique_key)
     VALUES ($1::uuid, $2::uuid, $3, $4, 'data_request', $1, $5::jsonb, $6)
     ON CONFLICT (vendor_id, unique_key) DO NOTHING
     RETURNING entity_id AS id`,
    [id, vendorId, ACTOR, DATA_REQUEST_ACTION, JSON.stringify(data), uniqueKey],
  );
  if (!inserted[0]) {
    // A concurrent delivery of the same request recorded it first.
    await deps.storage.delete(fileKey);
    return recorded();
  }
  return dataRequestRecord(deps.db.sql, vendorId, id);
}

/** One of the brand's data requests, or undefined (another brand's id reads as unknown). */
export async function getDataRequest(ctx: VendorContext, id: string): Promise<DataRequestRecord | undefined> {
  return dataRequestRecord(ctx.db.sql, ctx.tenant.vendorId, id);
}

/** The brand's data requests, newest first (the last 100). */
export async function listDataRequests(ctx: VendorContext): Promise<DataRequestRecord[]> {
  const { vendorId } = ctx.tenant;
  return ctx.db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string }>(
      `SELECT entity_id AS id FROM audit_log WHERE vendor_id = $1::uuid AND action = $2 AND entity = 'data_request' ORDER BY at DESC LIMIT 100`,
      [vendorId, DATA_REQUEST_ACTION],
    );
    const out: DataRequestRecord[] = [];
    for (const r of rows) {
      const rec = await dataRequestRecord(tx, vendorId, r.id);
      if (rec) out.push(rec);
    }
    return out;
  });
}

/**
 * A data request's record from its audit entry. The audit log has no row-level security, so
 * the statement names the brand (`vendorId`: the brand's context's, or the compliance job's
 * shop's) whichever handle runs it.
 */
async function dataRequestRecord(db: Pick<SqlTx, "query">, vendorId: string, id: string): Promise<DataRequestRecord | undefined> {
  const rows = await db.query<{ at: Date; data: Record<string, unknown> }>(
    `SELECT at, data FROM audit_log WHERE vendor_id = $1::uuid AND action = $2 AND entity = 'data_request' AND entity_id = $3`,
    [vendorId, DATA_REQUEST_ACTION, id],
  );
  const row = rows[0];
  if (!row) return undefined;
  const d = row.data;
  return {
    id,
    status: "ready",
    createdAt: new Date(row.at).toISOString(),
    shopifyDataRequestId: (d.shopifyDataRequestId as string | null) ?? null,
    shopifyCustomerId: (d.shopifyCustomerId as string | null) ?? null,
    gifts: Number(d.gifts ?? 0),
    recipientRows: Number(d.recipientRows ?? 0),
    fileKey: String(d.fileKey),
  };
}

export interface RedactOutcome {
  known: boolean;
  units: number;
  recipientRows: number;
  webhookEvents: number;
  jobs: number;
  deadLetters: number;
  auditEntries: number;
  dataRequestFiles: number;
  manifests: number;
}

/** Numbers a double holds exactly stay numbers; others (Shopify's 64-bit ids) keep their digits. */
const losslessNumber = (digits: string) => (isSafeNumber(digits) ? Number(digits) : new LosslessNumber(digits));

/**
 * Rewrites every JSON document in `table.column` that mentions the person; returns how many.
 * Documents are read and written as JSON text with a lossless parse, so the ids the scrub
 * leaves in place keep every digit.
 */
export async function scrubJsonColumn(tx: SqlTx, table: string, column: string, m: PersonMatch, where = "TRUE", params: unknown[] = []): Promise<number> {
  const needles: string[] = [];
  if (m.email) needles.push(`%${m.email.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  // Phone numbers are written many ways; look for the last 6 digits and let the scrubber decide.
  if (m.phoneDigits) needles.push(`%${m.phoneDigits.slice(-6)}%`);
  if (!needles.length) return 0;
  const p = params.length;
  const rows = await tx.query<{ id: string; doc: string }>(
    `SELECT id::text AS id, ${column}::text AS doc FROM ${table}
      WHERE (${where}) AND (${needles.map((_, i) => `${column}::text ILIKE $${p + i + 1}`).join(" OR ")})`,
    [...params, ...needles],
  );
  let changed = 0;
  for (const row of rows) {
    const clean = scrubPerson(parseLossless(row.doc, null, losslessNumber), m);
    if (clean === undefined) continue;
    await tx.execute(`UPDATE ${table} SET ${column} = $2::jsonb WHERE id = $1::uuid`, [row.id, stringifyLossless(clean)]);
    changed++;
  }
  return changed;
}

/**
 * `customers/redact`: erases the customer's personal data held for the shop. Units keep their
 * amounts, status and Shopify order id; a redeemed unit that was not yet pushed can no longer
 * ship and is flagged for the operator. One transaction for the database; files after it.
 */
export async function redactCustomer(deps: Pick<Deps, "db" | "storage">, shop: string, ref: CustomerRef): Promise<RedactOutcome> {
  const none: RedactOutcome = { known: false, units: 0, recipientRows: 0, webhookEvents: 0, jobs: 0, deadLetters: 0, auditEntries: 0, dataRequestFiles: 0, manifests: 0 };
  const m = personMatch(ref);
  const vendorId = await vendorIdOf(deps, shop);
  const orders = orderGids(ref.shopifyOrderIds);
  if (!vendorId || (isEmptyMatch(m) && !orders.length)) return none;
  const args = [vendorId, m.email ?? null, m.phoneDigits ?? null, orders];
  const out = await deps.db.transaction(async (tx) => {
    const unitRows = await tx.query<{ id: string }>(
      `UPDATE fulfillment_unit SET recipient_name = '${REDACTED}', recipient_email = 'redacted+' || id::text || '@redacted.invalid',
              recipient_phone = NULL, message = NULL, shipping_address = NULL, thank_you_note = NULL,
              operator_flag = CASE WHEN status = 'redeemed' AND shopify_order_id IS NULL THEN '${REDACTED_UNIT_FLAG}' ELSE operator_flag END,
              updated_at = now()
        WHERE ${UNIT_MATCH} RETURNING id::text AS id`,
      args,
    );
    const recipientRows = await tx.execute(
      `UPDATE order_recipient SET name = '${REDACTED}', email = 'redacted+' || id::text || '@redacted.invalid', phone = NULL, message = NULL
        WHERE (${RECIPIENT_MATCH}) AND ${RECIPIENT_PERSON}`,
      args,
    );
    const webhookEvents = await scrubJsonColumn(tx, "webhook_event", "payload", m, "shop_domain = $1 OR shop_domain IS NULL", [shop]);
    const jobs = await scrubJsonColumn(tx, "job", "payload", m);
    const deadLetters = await scrubJsonColumn(tx, "dead_letter", "payload", m);
    const auditEntries = await scrubJsonColumn(tx, "audit_log", "data", m, "vendor_id = $1::uuid OR vendor_id IS NULL", [vendorId]);
    return { unitIds: unitRows.map((u) => u.id), recipientRows, webhookEvents, jobs, deadLetters, auditEntries };
  });
  // Earlier data-request reports about this customer hold their data too.
  let dataRequestFiles = 0;
  if (m.email) {
    const files = await deps.db.sql.query<{ key: string }>(
      `SELECT data->>'fileKey' AS key FROM audit_log WHERE vendor_id = $1::uuid AND action = $2 AND data->>'emailDigest' = $3`,
      [vendorId, DATA_REQUEST_ACTION, emailDigest(m.email)],
    );
    for (const f of files) {
      if (await deps.storage.exists(f.key)) {
        await deps.storage.delete(f.key);
        dataRequestFiles++;
      }
    }
  }
  const { unitIds, ...counts } = out;
  // Packing manifests printed their names and addresses.
  const manifests = await forgetUnitsInManifests(deps, vendorId, unitIds);
  const outcome: RedactOutcome = { known: true, units: unitIds.length, ...counts, dataRequestFiles, manifests };
  await deps.db.sql.query(
    `INSERT INTO audit_log (id, vendor_id, actor, action, entity, entity_id, data) VALUES (gen_random_uuid(), $1::uuid, $2, $3, 'customer', $4, $5::jsonb)`,
    [vendorId, ACTOR, CUSTOMER_REDACT_ACTION, ref.shopifyCustomerId ? String(ref.shopifyCustomerId) : null, JSON.stringify(outcome)],
  );
  return outcome;
}

