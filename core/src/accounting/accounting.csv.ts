import { toCsv } from "../platform/csv.ts";
import type { ReconciliationDayRow } from "./accounting.queries.ts";

const COLUMNS = ["day", "currency", "reconciled", "kind", "subject", "ours", "stripe", "xero", "stripe_amount", "ledger_amount", "xero_amount", "detail"] as const;

/** Reconciliation days as CSV: one row per difference (a reconciled day is one row without one). */
export function writeCsv(days: ReconciliationDayRow[]): string {
  const rows = days.flatMap((d) =>
    d.differences.length
      ? d.differences.map((x) => [d.day, d.currency, String(d.reconciled), x.kind, x.subject, x.ours, x.stripe.join(" "), x.xero, x.stripeAmount, x.ledgerAmount, x.xeroAmount, x.detail])
      : [[d.day, d.currency, String(d.reconciled), "", "", "", "", "", d.stripeNet, d.ledgerNet, d.xeroNet, "reconciled"]],
  );
  return toCsv(COLUMNS, rows);
}
