import { useRef, useState } from "react";
import { applyMapping, FIELD_LABELS, FIELDS, guessMapping, TEMPLATE_CSV, type Draft, type Field, type ParseResult, type Table } from "../spreadsheet.ts";
import { Notice } from "../ui.tsx";

/**
 * Upload recipients as CSV or XLSX (parsed in a Web Worker), choose which column is which
 * (guessed from the headers), and load them into the grid. Also the template to download.
 */
export function Upload({ onRows }: { onRows(rows: Draft[]): void }) {
  const [table, setTable] = useState<Table | null>(null);
  const [mapping, setMapping] = useState<Record<Field, number> | null>(null);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  function read(file: File) {
    setBusy(true);
    setError(null);
    setTable(null);
    const worker = new Worker(new URL("../parse.worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (e: MessageEvent<ParseResult>) => {
      worker.terminate();
      setBusy(false);
      const r = e.data;
      if (!r.ok) {
        setError(r.message);
        return;
      }
      setWarnings(r.warnings);
      setTable(r.table);
      setMapping(guessMapping(r.table.headers));
    };
    worker.onerror = () => {
      worker.terminate();
      setBusy(false);
      setError("The file could not be read. Save it as CSV or .xlsx and try again.");
    };
    worker.postMessage({ file });
  }

  function template() {
    const url = URL.createObjectURL(new Blob([TEMPLATE_CSV], { type: "text/csv" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "recipients-template.csv";
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  const missing = mapping && (mapping.name < 0 || mapping.email < 0);
  return (
    <div className="upload">
      <label htmlFor="file" className="btn secondary">Upload CSV or Excel (.xlsx)</label>
      <input
        id="file"
        ref={input}
        className="sr-file"
        type="file"
        accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) read(f);
          e.target.value = "";
        }}
      />
      <button type="button" className="link" onClick={template}>Download the template</button>
      {busy ? <p role="status">Reading the file…</p> : null}
      <Notice problem={error} />
      {table && mapping ? (
        <fieldset className="mapping">
          <legend>Which column is which? ({table.rows.length.toLocaleString()} rows found)</legend>
          {warnings.map((w) => <p key={w} className="notice warn" role="status">{w}</p>)}
          <div className="map-grid">
            {FIELDS.map((f) => (
              <div key={f}>
                <label htmlFor={`map-${f}`}>{FIELD_LABELS[f]}</label>
                <select id={`map-${f}`} value={mapping[f]} onChange={(e) => setMapping({ ...mapping, [f]: Number(e.target.value) })}>
                  <option value={-1}>(none)</option>
                  {table.headers.map((h, i) => <option key={i} value={i}>{h}</option>)}
                </select>
              </div>
            ))}
          </div>
          {missing ? <p className="notice error" role="alert">Choose the columns with the names and the emails.</p> : null}
          <button type="button" className="btn" disabled={Boolean(missing)} onClick={() => { onRows(applyMapping(table, mapping)); setTable(null); }}>
            Use these {table.rows.length.toLocaleString()} recipients
          </button>{" "}
          <button type="button" className="link" onClick={() => setTable(null)}>Cancel</button>
        </fieldset>
      ) : null}
    </div>
  );
}
