import { useVirtualizer } from "@tanstack/react-virtual";
import { useDeferredValue, useMemo, useRef, useState } from "react";
import type { Order } from "../api/client.ts";

type Recipient = Order["recipients"][number];

const STATUS_LABEL: Record<string, string> = {
  issued: "Scheduled",
  sent: "Sent",
  opened: "Opened",
  redeemed: "Redeemed",
  pushed: "Redeemed (being packed)",
  shipped: "Shipped",
  delivered: "Delivered",
  expired: "Expired and refunded",
  canceled: "Canceled",
};

export const statusOf = (r: Recipient) => (r.unit ? (STATUS_LABEL[r.unit.status] ?? r.unit.status) : "Not paid yet");

/** Every recipient with their gift's status: searchable, filterable, virtualised (fast at 10,000 rows). */
export function RecipientTable({ recipients, canCancel, onCancel, onResend, onChangeEmail }: {
  recipients: Recipient[];
  canCancel: boolean;
  onCancel(r: Recipient): void;
  onResend(r: Recipient): void;
  onChangeEmail(r: Recipient): void;
}) {
  const [query, setQuery] = useState("");
  const [status, setStatus] = useState("");
  const q = useDeferredValue(query.trim().toLowerCase());
  const statuses = useMemo(() => [...new Set(recipients.map(statusOf))].sort(), [recipients]);
  const shown = useMemo(
    () => recipients.filter((r) => (!status || statusOf(r) === status) && (!q || r.name.toLowerCase().includes(q) || r.email.toLowerCase().includes(q))),
    [recipients, q, status],
  );
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: shown.length, getScrollElement: () => scroller.current, estimateSize: () => 52, overscan: 10 });
  const items = virtual.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = virtual.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <section aria-labelledby="rcpt-h">
      <h2 id="rcpt-h">Recipients</h2>
      <div className="filters">
        <div>
          <label htmlFor="search">Search name or email</label>
          <input id="search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
        </div>
        <div>
          <label htmlFor="status-filter">Filter by status</label>
          <select id="status-filter" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">All</option>
            {statuses.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </div>
        <p role="status" className="muted">{shown.length.toLocaleString()} of {recipients.length.toLocaleString()}</p>
      </div>
      <div className="table-scroll" ref={scroller} tabIndex={0} role="region" aria-label="Recipients table">
        <table className="list" aria-rowcount={shown.length + 1}>
          <thead>
            <tr>
              <th scope="col" className="num">Row</th><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Status</th><th scope="col">Tracking</th><th scope="col">Thank-you note</th>
              {canCancel ? <th scope="col"><span className="sr">Actions</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {padTop > 0 ? <tr aria-hidden="true"><td colSpan={7} style={{ height: padTop, padding: 0, border: 0 }} /></tr> : null}
            {items.map((v) => {
              const r = shown[v.index]!;
              const cancelable = r.unit && ["issued", "sent"].includes(r.unit.status);
              return (
                <tr key={r.row} data-index={v.index} ref={virtual.measureElement} aria-rowindex={v.index + 2}>
                  <td className="num">{r.row}</td>
                  <td>{r.name}</td>
                  <td className="email">{r.email}</td>
                  <td><span className={`pill u-${r.unit?.status ?? "none"}`}>{statusOf(r)}</span></td>
                  <td>{r.unit?.tracking?.url ? <a href={r.unit.tracking.url} rel="noreferrer noopener" target="_blank">{r.unit.tracking.carrier ?? "Track"} {r.unit.tracking.number}</a> : r.unit?.tracking?.number ?? ""}</td>
                  <td>{r.unit?.thankYou ? <q>{r.unit.thankYou.message}</q> : ""}</td>
                  {canCancel ? (
                    <td className="row-actions">
                      {r.unit?.status === "sent" ? <button type="button" className="link" onClick={() => onResend(r)} aria-label={`Resend email: ${r.name} (row ${r.row})`}>Resend email</button> : null}
                      {cancelable ? <button type="button" className="link" onClick={() => onChangeEmail(r)} aria-label={`Change email: ${r.name} (row ${r.row})`}>Change email</button> : null}
                      {cancelable ? <button type="button" className="link danger" onClick={() => onCancel(r)} aria-label={`Cancel gift: ${r.name} (row ${r.row})`}>Cancel gift</button> : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
            {padBottom > 0 ? <tr aria-hidden="true"><td colSpan={7} style={{ height: padBottom, padding: 0, border: 0 }} /></tr> : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}
