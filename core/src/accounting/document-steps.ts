import type { Deps } from "../platform/deps.ts";
import { XeroRateLimited, XeroValidation, type XeroItemResult } from "../integrations/xero/xero.ts";
import { XeroLimiterBusy } from "./xero-limiter.ts";
import { patchRecord, type AccountingRecord } from "./records.ts";

/**
 * The two steps of every booking, each safe to run again after a crash or a lost answer:
 * the document (invoice, bill, credit note, bank transaction) and then its payment.
 * Before a create is first sent the record notes it; a later attempt that finds the note
 * looks for the document in Xero before creating it again. Each create carries an
 * Idempotency-Key from the record, so a retry inside Xero's replay window gets the same answer.
 */

/** Something only a person can mend: the record is marked needs_attention with this message. */
export class NeedsAttention extends Error {
  override name = "NeedsAttention";
}

export function itemValue<T>(item: XeroItemResult<T> | undefined, what: string): T {
  if (!item) throw new NeedsAttention(`Xero answered no ${what}`);
  if (!item.ok) throw new NeedsAttention(`Xero refused the ${what}: ${[...new Set(item.messages)].join("; ")}`);
  return item.value;
}

export async function ensureDocument(
  deps: Deps,
  rec: AccountingRecord,
  steps: {
    /** The document already in Xero for this record, if any. */
    find(): Promise<{ id: string; number: string | null } | null>;
    create(): Promise<{ id: string; number: string | null }>;
  },
): Promise<string> {
  if (rec.xeroDocumentId) return rec.xeroDocumentId;
  const found = rec.createSentAt ? await steps.find() : null;
  if (!found) await patchRecord(deps, rec, { createSentAt: new Date() });
  const doc = found ?? (await notSent(deps, rec, "createSentAt", steps.create));
  await patchRecord(deps, rec, { xeroDocumentId: doc.id, ...(doc.number ? { xeroDocumentNumber: doc.number } : {}) });
  return doc.id;
}

export async function ensurePayment(
  deps: Deps,
  rec: AccountingRecord,
  steps: {
    /** The payment already made for this record, if any. */
    find(): Promise<string | null>;
    pay(): Promise<string>;
  },
): Promise<string> {
  if (rec.xeroPaymentId) return rec.xeroPaymentId;
  const found = rec.paymentSentAt ? await steps.find() : null;
  if (!found) await patchRecord(deps, rec, { paymentSentAt: new Date() });
  const id = found ?? (await notSent(deps, rec, "paymentSentAt", steps.pay));
  await patchRecord(deps, rec, { xeroPaymentId: id });
  return id;
}

/**
 * Runs a create; when it surely did not reach Xero's books (our limiter had no slot, Xero
 * answered 429 or refused it whole), the note is taken back, so the next attempt does not
 * spend a call looking for it.
 */
async function notSent<T>(deps: Deps, rec: AccountingRecord, note: "createSentAt" | "paymentSentAt", fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof XeroLimiterBusy || err instanceof XeroRateLimited || err instanceof XeroValidation || err instanceof NeedsAttention) {
      await deps.db.sql.execute(`UPDATE accounting_record SET ${note === "createSentAt" ? "create_sent_at" : "payment_sent_at"} = NULL WHERE id = $1::uuid`, [rec.id]);
      rec[note] = null;
    }
    throw err;
  }
}
