import { useState } from "react";
import { api, money } from "./api.ts";
import { Status, useLoad } from "./useLoad.tsx";

interface RecordRow {
  id: string;
  kind: string;
  sourceId: string;
  day: string;
  currency: string;
  amount: number;
  message: string | null;
  parkedReason: string | null;
}
interface DeadLetter {
  id: string;
  type: string;
  attempts: number;
  lastError: string | null;
  failedAt: string;
}
interface HeldPush {
  unitId: string;
  brand: string;
  reason: string;
}
interface ExceptionsData {
  needsAttention: RecordRow[];
  parked: RecordRow[];
  deadLetters: DeadLetter[];
  heldPushes: HeldPush[];
}

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
        <table>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">What</th>
              <th scope="col">Amount</th>
              <th scope="col">Why</th>
              {canWrite && <th scope="col">Action</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{r.day}</td>
                <td>
                  {r.kind.replace(/_/g, " ")} <span className="mono muted">{r.sourceId}</span>
                </td>
                <td>{money(r.amount, r.currency)}</td>
                <td>{why(r)}</td>
                {canWrite && (
                  <td>
                    <button type="button" onClick={() => void act(`/records/${r.id}/retry`, "Queued for booking again.")}>
                      Book again
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
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
          <table>
            <thead>
              <tr>
                <th scope="col">Failed</th>
                <th scope="col">Job</th>
                <th scope="col">Last error</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {data.deadLetters.map((d) => (
                <tr key={d.id}>
                  <td>{d.failedAt.slice(0, 16).replace("T", " ")}</td>
                  <td>
                    {d.type} <span className="muted">({d.attempts} attempts)</span>
                  </td>
                  <td>{d.lastError}</td>
                  <td>
                    <button type="button" onClick={() => void act(`/dead-letters/${d.id}/replay`, "Replayed: the job is back in the queue.")}>
                      Replay
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
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
