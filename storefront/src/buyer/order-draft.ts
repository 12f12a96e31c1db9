import type { Draft } from "./spreadsheet.ts";

/**
 * From the builder's grid to the API's order body, and the API's row report back to the grid:
 * blank rows are left out, the default message fills rows without their own, and dates
 * (the order's or a row's) become 09:00 in the buyer's time zone.
 */
export interface RowProblem {
  field: string;
  message: string;
}

export interface Submission {
  recipients: Array<Record<string, string>>;
  /** Grid index of each submitted recipient (the API's row n is index[n - 1]). */
  index: number[];
}

export const isBlank = (d: Draft) => !Object.entries(d).some(([k, v]) => k !== "offerId" && typeof v === "string" && v.trim() !== "");

/** `2026-12-15` at 09:00 in this browser's time zone, as an ISO date-time with its offset. */
export function localMorning(date: string, tzOffsetMinutes = new Date(`${date}T09:00:00`).getTimezoneOffset()): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return date;
  const off = -tzOffsetMinutes;
  const sign = off >= 0 ? "+" : "-";
  const hh = String(Math.floor(Math.abs(off) / 60)).padStart(2, "0");
  const mm = String(Math.abs(off) % 60).padStart(2, "0");
  return `${date}T09:00:00${sign}${hh}:${mm}`;
}

export function toSubmission(rows: Draft[], opts: { defaultMessage: string; sendDate: string }): Submission {
  const recipients: Array<Record<string, string>> = [];
  const index: number[] = [];
  rows.forEach((d, i) => {
    if (isBlank(d)) return;
    const r: Record<string, string> = {};
    for (const [k, v] of Object.entries(d)) if (typeof v === "string" && v.trim() !== "") r[k] = v.trim();
    if (!r.message && opts.defaultMessage.trim()) r.message = opts.defaultMessage.trim();
    const date = r.sendAt ?? opts.sendDate;
    if (date) r.sendAt = localMorning(date);
    else delete r.sendAt;
    recipients.push(r);
    index.push(i);
  });
  return { recipients, index };
}

/** The API's `rows` (1-based, per submitted recipient) as problems per grid row and field. */
export function rowProblems(rows: Array<{ row: number; field: string; message: string }>, index: number[]): Map<number, RowProblem[]> {
  const out = new Map<number, RowProblem[]>();
  for (const e of rows) {
    const i = index[e.row - 1];
    if (i === undefined) continue;
    const list = out.get(i) ?? [];
    list.push({ field: e.field, message: e.message });
    out.set(i, list);
  }
  return out;
}
