import { useVirtualizer } from "@tanstack/react-virtual";
import { forwardRef, useImperativeHandle, useRef, type ClipboardEvent } from "react";
import type { Offer } from "../api/client.ts";
import type { RowProblem } from "../order-draft.ts";
import { parsePasted, type Draft, type Field } from "../spreadsheet.ts";

/**
 * The recipients as an editable grid: one row per recipient, virtualised (10,000 rows stay
 * fast), every problem the API reported shown under its cell (and the cell marked invalid),
 * rows pasted from a spreadsheet spread over the grid.
 */
export const GRID_COLUMNS: readonly Field[] = ["name", "email", "country", "message", "sendAt"];
const HEADINGS: Record<string, string> = { name: "Name", email: "Email", country: "Country", message: "Message (optional)", sendAt: "Send date (optional)" };

export interface GridHandle {
  focusCell(row: number, field: string): void;
}

interface Props {
  rows: Draft[];
  problems: Map<number, RowProblem[]>;
  visible: number[];
  offers: Offer[];
  defaultMessage: string;
  onChange(index: number, field: keyof Draft, value: string): void;
  onPasteRows(at: number, drafts: Draft[]): void;
  onRemove(index: number): void;
}

const cellId = (row: number, field: string) => `cell-${row}-${field}`;

export const RecipientGrid = forwardRef<GridHandle, Props>(function RecipientGrid(p, ref) {
  const scroller = useRef<HTMLDivElement>(null);
  const multiOffer = p.offers.length > 1;
  const virtual = useVirtualizer({
    count: p.visible.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 64,
    overscan: 8,
  });
  useImperativeHandle(ref, () => ({
    focusCell(row, field) {
      const at = p.visible.indexOf(row);
      if (at < 0) return;
      virtual.scrollToIndex(at, { align: "center" });
      const target = field === "row" || field === "offerId" ? "name" : field;
      const tryFocus = (n: number) => {
        const el = document.getElementById(cellId(row, target));
        if (el) el.focus();
        else if (n > 0) requestAnimationFrame(() => tryFocus(n - 1));
      };
      tryFocus(10);
    },
  }));

  function paste(e: ClipboardEvent<HTMLInputElement>, row: number, field: Field) {
    const text = e.clipboardData.getData("text/plain");
    const cols = GRID_COLUMNS.slice(GRID_COLUMNS.indexOf(field));
    const drafts = parsePasted(text, cols);
    if (!drafts) return;
    e.preventDefault();
    p.onPasteRows(row, drafts);
  }

  const items = virtual.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = virtual.getTotalSize() - (items.at(-1)?.end ?? 0);
  const colCount = GRID_COLUMNS.length + (multiOffer ? 2 : 1) + 1;
  return (
    <div className="grid-scroll" ref={scroller} tabIndex={-1}>
      <table className="grid" aria-rowcount={p.visible.length + 1}>
        <caption className="sr">Recipients. Paste rows from a spreadsheet into any cell.</caption>
        <thead>
          <tr>
            <th scope="col" className="num">Row</th>
            {GRID_COLUMNS.map((c) => <th scope="col" key={c}>{HEADINGS[c]}</th>)}
            {multiOffer ? <th scope="col">Gift</th> : null}
            <th scope="col"><span className="sr">Remove</span></th>
          </tr>
        </thead>
        <tbody>
          {padTop > 0 ? <tr aria-hidden="true"><td colSpan={colCount} style={{ height: padTop, padding: 0, border: 0 }} /></tr> : null}
          {items.map((v) => {
            const i = p.visible[v.index]!;
            const d = p.rows[i]!;
            const problems = p.problems.get(i) ?? [];
            const rowProblem = problems.filter((x) => x.field === "row" || !GRID_COLUMNS.includes(x.field as Field));
            return (
              <tr key={i} data-index={v.index} ref={virtual.measureElement} aria-rowindex={v.index + 2} className={problems.length ? "bad" : undefined}>
                <td className="num">
                  {i + 1}
                  {rowProblem.map((x, k) => <span key={k} className="cell-error" id={`${cellId(i, "row")}-err`}>{x.message}</span>)}
                </td>
                {GRID_COLUMNS.map((f) => {
                  const err = problems.find((x) => x.field === f);
                  const id = cellId(i, f);
                  return (
                    <td key={f}>
                      <input
                        id={id}
                        type={f === "email" ? "email" : "text"}
                        aria-label={`Row ${i + 1} ${HEADINGS[f]}`}
                        aria-invalid={err ? true : undefined}
                        aria-describedby={err ? `${id}-err` : undefined}
                        value={d[f] ?? ""}
                        maxLength={f === "message" ? 1000 : f === "country" ? 2 : 320}
                        placeholder={f === "message" ? (p.defaultMessage ? "Default message" : "") : f === "country" ? "US" : f === "sendAt" ? "YYYY-MM-DD" : ""}
                        onChange={(e) => p.onChange(i, f, e.target.value)}
                        onPaste={(e) => paste(e, i, f)}
                        className={f === "country" ? "short" : undefined}
                      />
                      {err ? <span className="cell-error" id={`${id}-err`}>{err.message}</span> : null}
                    </td>
                  );
                })}
                {multiOffer ? (
                  <td>
                    <select id={cellId(i, "offerId")} aria-label={`Row ${i + 1} gift`} value={d.offerId ?? ""} onChange={(e) => p.onChange(i, "offerId", e.target.value)}>
                      <option value="">Order's gift</option>
                      {p.offers.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
                    </select>
                  </td>
                ) : null}
                <td>
                  <button type="button" className="icon" aria-label={`Remove row ${i + 1}`} onClick={() => p.onRemove(i)}>×</button>
                </td>
              </tr>
            );
          })}
          {padBottom > 0 ? <tr aria-hidden="true"><td colSpan={colCount} style={{ height: padBottom, padding: 0, border: 0 }} /></tr> : null}
        </tbody>
      </table>
    </div>
  );
});
