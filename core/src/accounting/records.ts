import type { Deps } from "../platform/deps.ts";
import type { PlatformContext } from "../platform/use-case.ts";
import { jobInsertSql } from "../jobs/queue.ts";

/**
 * Accounting records: one per thing booked in Xero, unique per (kind, source). A record is
 * booked by the `accounting.book` job; one worker at a time holds its lease. The job's key
 * is `accounting.book:<record>:<generation>`: rescheduling (a 429, a busy minute) or resuming
 * a parked record bumps the generation and enqueues the next job in the same statement.
 */
export const RECORD_KINDS = ["sale_invoice", "refund_credit_note", "stripe_fees", "payout_bill", "payout_reversal"] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export interface AccountingRecord {
  id: string;
  kind: RecordKind;
  sourceId: string;
  day: string;
  currency: string;
  amount: number;
  status: "pending" | "booked" | "needs_attention" | "parked";
  generation: number;
  attempts: number;
  createSentAt: Date | null;
  paymentSentAt: Date | null;
  xeroContactId: string | null;
  xeroDocumentId: string | null;
  xeroDocumentNumber: string | null;
  xeroPaymentId: string | null;
  xeroAllocationId: string | null;
  stripeRef: string | null;
}

export const BOOK_JOB = { type: "accounting.book", maxAttempts: 10 };

const RECORD_COLUMNS = `id::text, kind, source_id AS "sourceId", to_char(day, 'YYYY-MM-DD') AS day, currency, amount, status::text, generation, attempts,
  create_sent_at AS "createSentAt", payment_sent_at AS "paymentSentAt", xero_contact_id AS "xeroContactId", xero_document_id AS "xeroDocumentId",
  xero_document_number AS "xeroDocumentNumber", xero_payment_id AS "xeroPaymentId", xero_allocation_id AS "xeroAllocationId", stripe_ref AS "stripeRef"`;

/** Jobs for the rows of `from` (a CTE with `id` and `generation`), in the same statement. */
function enqueueBooks(from: string, runAt = "NULL"): string {
  return jobInsertSql(BOOK_JOB, {
    from,
    payload: `jsonb_build_object('recordId', ${from}.id::text)`,
    key: `'accounting.book:' || ${from}.id::text || ':' || ${from}.generation::text`,
    runAt,
  });
}

/**
 * Records for what is newly booked-to-be: paid orders (sale invoices) and succeeded refunds
 * (credit notes), each with its job, in one statement per kind. Returns how many were new.
 */
export async function syncSalesRecords(deps: Deps): Promise<number> {
  const sales = await deps.db.sql.execute(
    `WITH new AS (
       INSERT INTO accounting_record (id, kind, source_id, day, currency, amount, stripe_ref, updated_at)
       SELECT gen_random_uuid(), 'sale_invoice', o.id::text, (o.paid_at AT TIME ZONE 'UTC')::date, o.currency, o.total_amount, o.stripe_payment_intent_id, now()
       FROM gift_order o
       WHERE o.paid_at IS NOT NULL AND o.status IN ('paid', 'refunded', 'charged_back')
         AND NOT EXISTS (SELECT 1 FROM accounting_record r WHERE r.kind = 'sale_invoice' AND r.source_id = o.id::text)
       ON CONFLICT (kind, source_id) DO NOTHING
       RETURNING id, generation
     ) ${enqueueBooks("new")}`,
  );
  const refunds = await deps.db.sql.execute(
    `WITH new AS (
       INSERT INTO accounting_record (id, kind, source_id, day, currency, amount, stripe_ref, updated_at)
       SELECT gen_random_uuid(), 'refund_credit_note', f.id::text, (f.updated_at AT TIME ZONE 'UTC')::date, f.currency, f.amount, f.stripe_refund_id, now()
       FROM refund f
       WHERE f.status = 'succeeded'
         AND NOT EXISTS (SELECT 1 FROM accounting_record r WHERE r.kind = 'refund_credit_note' AND r.source_id = f.id::text)
       ON CONFLICT (kind, source_id) DO NOTHING
       RETURNING id, generation
     ) ${enqueueBooks("new")}`,
  );
  return sales + refunds;
}

/** A record for `kind`/`sourceId` (created with its job when new); its id. */
export async function ensureRecord(
  deps: Deps,
  input: { kind: RecordKind; sourceId: string; day: string; currency: string; amount: number; stripeRef?: string | null },
): Promise<string> {
  const [row] = await deps.db.sql.query<{ id: string }>(
    `WITH new AS (
       INSERT INTO accounting_record (id, kind, source_id, day, currency, amount, stripe_ref, updated_at)
       VALUES (gen_random_uuid(), $1, $2, $3::date, $4, $5, $6, now())
       ON CONFLICT (kind, source_id) DO NOTHING
       RETURNING id, generation
     ), jobs AS (${enqueueBooks("new")} RETURNING 1)
     SELECT id::text FROM new UNION ALL SELECT id::text FROM accounting_record WHERE kind = $1 AND source_id = $2 AND NOT EXISTS (SELECT 1 FROM new)`,
    [input.kind, input.sourceId, input.day, input.currency, input.amount, input.stripeRef ?? null],
  );
  if (row) return row.id;
  // The statement's snapshot cannot see a record a concurrent transaction committed while
  // this INSERT waited on it; a fresh statement does.
  const [found] = await deps.db.sql.query<{ id: string }>("SELECT id::text FROM accounting_record WHERE kind = $1 AND source_id = $2", [input.kind, input.sourceId]);
  if (!found) throw new Error(`accounting record ${input.kind}/${input.sourceId} was neither created nor found`);
  return found.id;
}

/**
 * Takes the record's lease for a worker (null when it is booked, needs attention, or another
 * worker holds it), counting the attempt.
 */
export async function claimRecord(deps: Deps, id: string, leaseMs = 5 * 60_000): Promise<AccountingRecord | null> {
  const [row] = await deps.db.sql.query<AccountingRecord>(
    `UPDATE accounting_record SET lease_until = now() + make_interval(secs => $2), attempts = attempts + 1, updated_at = now()
     WHERE id = $1::uuid AND status IN ('pending', 'parked') AND (lease_until IS NULL OR lease_until < now())
     RETURNING ${RECORD_COLUMNS}`,
    [id, leaseMs / 1000],
  );
  return row ?? null;
}

export async function loadRecord(deps: Deps, id: string): Promise<AccountingRecord | null> {
  const [row] = await deps.db.sql.query<AccountingRecord>(`SELECT ${RECORD_COLUMNS} FROM accounting_record WHERE id = $1::uuid`, [id]);
  return row ?? null;
}

type Patch = Partial<{
  createSentAt: Date;
  paymentSentAt: Date;
  xeroContactId: string;
  xeroDocumentId: string;
  xeroDocumentNumber: string;
  xeroPaymentId: string;
  xeroAllocationId: string;
}>;

const PATCH_COLUMNS: Record<keyof Patch, string> = {
  createSentAt: "create_sent_at",
  paymentSentAt: "payment_sent_at",
  xeroContactId: "xero_contact_id",
  xeroDocumentId: "xero_document_id",
  xeroDocumentNumber: "xero_document_number",
  xeroPaymentId: "xero_payment_id",
  xeroAllocationId: "xero_allocation_id",
};

/** Saves what a step learnt (committed at once: a crash after it keeps it). */
export async function patchRecord(deps: Deps, rec: AccountingRecord, patch: Patch): Promise<void> {
  const keys = Object.keys(patch) as Array<keyof Patch>;
  if (!keys.length) return;
  const sets = keys.map((k, i) => `${PATCH_COLUMNS[k]} = $${i + 2}`);
  await deps.db.sql.execute(`UPDATE accounting_record SET ${sets.join(", ")}, updated_at = now() WHERE id = $1::uuid`, [
    rec.id,
    ...keys.map((k) => (patch[k] instanceof Date ? (patch[k] as Date).toISOString() : patch[k])),
  ]);
  Object.assign(rec, patch);
}

export async function markBooked(deps: Deps, rec: AccountingRecord): Promise<void> {
  await deps.db.sql.execute(
    `UPDATE accounting_record SET status = 'booked', booked_at = now(), lease_until = NULL, message = NULL, parked_reason = NULL, parked_until = NULL, updated_at = now() WHERE id = $1::uuid`,
    [rec.id],
  );
}

export async function markNeedsAttention(deps: Deps, rec: AccountingRecord, message: string): Promise<void> {
  await deps.db.sql.execute(
    `UPDATE accounting_record SET status = 'needs_attention', message = $2, lease_until = NULL, updated_at = now() WHERE id = $1::uuid`,
    [rec.id, message.slice(0, 2000)],
  );
}

/** Parks the record until `until` (null: until something resumes it, e.g. a reconnect). */
export async function parkRecord(deps: Deps, rec: AccountingRecord, reason: string, until: Date | null): Promise<void> {
  await deps.db.sql.execute(
    `UPDATE accounting_record SET status = 'parked', parked_reason = $2, parked_until = $3, lease_until = NULL, updated_at = now() WHERE id = $1::uuid`,
    [rec.id, reason, until ? until.toISOString() : null],
  );
}

/** Lets go of the lease (the job will retry) without changing the record's state. */
export async function releaseRecord(deps: Deps, rec: AccountingRecord): Promise<void> {
  await deps.db.sql.execute(`UPDATE accounting_record SET lease_until = NULL WHERE id = $1::uuid`, [rec.id]);
}

/** The next booking job for the record at `runAt` (a new generation). */
export async function rescheduleRecord(deps: Deps, recordId: string, runAt: Date): Promise<void> {
  await deps.db.sql.execute(
    `WITH next AS (
       UPDATE accounting_record SET generation = generation + 1, lease_until = NULL, updated_at = now()
       WHERE id = $1::uuid AND status IN ('pending', 'parked') RETURNING id, generation
     ) ${enqueueBooks("next", "$2::timestamptz")}`,
    [recordId, runAt.toISOString()],
  );
}

/**
 * Puts parked records back in the queue: those whose time has come, and (with `reasons`)
 * those parked for one of these reasons (a reconnect resumes "needs_reauth"). Returns how many.
 */
export async function resumeParked(deps: Deps, reasons: string[] = []): Promise<number> {
  return deps.db.sql.execute(
    `WITH next AS (
       UPDATE accounting_record SET status = 'pending', generation = generation + 1, parked_reason = NULL, parked_until = NULL, updated_at = now()
       WHERE status = 'parked' AND ((parked_until IS NOT NULL AND parked_until <= now()) OR parked_reason = ANY($1::text[]))
       RETURNING id, generation
     ) ${enqueueBooks("next")}`,
    [reasons],
  );
}

/** Sends a record that needs attention to be booked again (after staff fixed the cause). */
export async function retryRecord(ctx: PlatformContext, recordId: string): Promise<boolean> {
  const n = await ctx.db.sql.execute(
    `WITH next AS (
       UPDATE accounting_record SET status = 'pending', generation = generation + 1, message = NULL, parked_reason = NULL, parked_until = NULL, updated_at = now()
       WHERE id = $1::uuid AND status IN ('needs_attention', 'parked') RETURNING id, generation
     ) ${enqueueBooks("next")}`,
    [recordId],
  );
  return n > 0;
}
