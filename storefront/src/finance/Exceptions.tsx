import { useState } from "react";
import { api, money, type Schemas } from "./api.ts";
import { Status, useLoad } from "./useLoad.tsx";
import { Table } from "./Table.tsx";

type RecordRow = Schemas["AccountingRecord"];
type ExceptionsData = Schemas["FinanceExceptions"];

export function Exceptions({ canWrite }: { canWrite: boolean }) {
  const { data, error, reload } = useLoad<ExceptionsData>("/exceptions");
  const [notice, setNotice] = useState<string | null>(null);
  if (!data) return <Status error={error} />;
  const act = async (path: string, done: string) => {
    try {
      await api("POST", path);
      setNotice(done);
      reload();
    } catch (e) {
      setNotice(e instanceof Error ? e.message : String(e));
    }
  };
  const records = (rows: RecordRow[], title: string, id: string, why: (r: RecordRow) => string) => (
    <section aria-labelledby={id}>
      <h2 id={id}>
        {title} ({rows.length})
      </h2>
      {rows.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <Table
          caption={title}
          columns={["Day", "What", "Amount", "Why", canWrite ? "Action" : false]}
          rows={rows}
          rowKey={(r) => r.id}
          cells={(r) => [
            r.day,
            <>
              {r.kind.replace(/_/g, " ")} <span className="mono muted">{r.sourceId}</span>
            </>,
            money(r.amount, r.currency),
            why(r),
            canWrite && (
              <button type="button" onClick={() => void act(`/records/${r.id}/retry`, "Queued for booking again.")}>
                Book again
              </button>
            ),
          ]}
        />
      )}
    </section>
  );
  return (
    <>
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      {records(data.needsAttention, "Needs attention", "attention-title", (r) => r.message ?? "")}
      {records(data.parked, "Parked accounting jobs", "parked-title", (r) => r.parkedReason?.replace(/_/g, " ") ?? "")}
      <section aria-labelledby="dead-title">
        <h2 id="dead-title">Dead letters ({data.deadLetters.length})</h2>
        {data.deadLetters.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <Table
            caption="Dead letters"
            columns={["Failed", "Job", "Last error", "Action"]}
            rows={data.deadLetters}
            rowKey={(d) => d.id}
            cells={(d) => [
              d.failedAt.slice(0, 16).replace("T", " "),
              <>
                {d.type} <span className="muted">({d.attempts} attempts)</span>
              </>,
              d.lastError,
              <button type="button" onClick={() => void act(`/dead-letters/${d.id}/replay`, "Replayed: the job is back in the queue.")}>
                Replay
              </button>,
            ]}
          />
        )}
      </section>
      <section aria-labelledby="held-title">
        <h2 id="held-title">Held Shopify pushes ({data.heldPushes.length})</h2>
        {data.heldPushes.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <ul>
            {data.heldPushes.map((h) => (
              <li key={h.unitId}>
                {h.brand}: {h.reason}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
