import type { RefObject } from "react";
import type { Offer } from "../../api/client.ts";
import { isBlank } from "../../order-draft.ts";
import type { Draft } from "../../spreadsheet.ts";
import { MAX_ROWS } from "../../spreadsheet.ts";
import { RecipientGrid, type GridHandle } from "../RecipientGrid.tsx";
import { Upload } from "../Upload.tsx";
import type { RecipientRows } from "./useRecipientRows.ts";

/** Step 2: the recipients, typed or pasted into the grid or uploaded, with the rows that have problems listed above it. */
export function RecipientsSection(p: {
  draft: RecipientRows;
  grid: RefObject<GridHandle>;
  offers: Offer[];
  defaultMessage: string;
  filled: number;
  onChange: (i: number, field: keyof Draft, value: string) => void;
}) {
  const { draft, filled } = p;
  return (
    <section aria-labelledby="who-h" className="panel">
      <h2 id="who-h">2. Recipients</h2>
      <p className="muted">Type them, paste rows from a spreadsheet into the grid, or upload a file (up to {MAX_ROWS.toLocaleString()}).</p>
      <Upload onRows={draft.loadRows} />
      {draft.badRows.length ? <RowReport draft={draft} grid={p.grid} /> : null}
      <RecipientGrid
        ref={p.grid}
        rows={draft.rows}
        problems={draft.problems}
        visible={draft.visible}
        offers={p.offers}
        defaultMessage={p.defaultMessage}
        onChange={p.onChange}
        onPasteRows={draft.pasteRows}
        onRemove={draft.remove}
      />
      <p>
        <button type="button" className="btn secondary" onClick={() => draft.addRows(5)}>Add 5 rows</button>{" "}
        <span className="muted" role="status">{filled.toLocaleString()} recipient{filled === 1 ? "" : "s"}{draft.rows.some(isBlank) ? " (blank rows are left out)" : ""}</span>
      </p>
    </section>
  );
}

/** The rows with problems (the first 20), each a link to its cell, and a switch to show only those rows. */
function RowReport({ draft, grid }: { draft: RecipientRows; grid: RefObject<GridHandle> }) {
  const { badRows, problems } = draft;
  return (
    <div className="row-report" role="alert">
      <p>
        <strong>{badRows.length} {badRows.length === 1 ? "row has" : "rows have"} problems.</strong> Fix them in the grid; nothing was ordered.
      </p>
      <ul>
        {badRows.slice(0, 20).map((i) =>
          problems.get(i)!.map((x, k) => (
            <li key={`${i}-${k}`}>
              <button type="button" className="link" onClick={() => grid.current?.focusCell(i, x.field)}>Row {i + 1}, {x.field}: {x.message}</button>
            </li>
          )),
        )}
      </ul>
      <label className="check"><input type="checkbox" checked={draft.onlyBad} onChange={(e) => draft.setOnlyBad(e.target.checked)} /> Show only rows with problems</label>
    </div>
  );
}
