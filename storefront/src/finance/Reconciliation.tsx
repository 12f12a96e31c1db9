import { useState, type FormEvent } from "react";
import { api, money, type Schemas } from "./api.ts";
import { Status, useLoad } from "./useLoad.tsx";
import { Table } from "./Table.tsx";

type Day = Schemas["ReconciliationDay"];

const amount = (v: number | null, c: string) => (v === null ? "—" : money(v, c));

export function Reconciliation({ canWrite }: { canWrite: boolean }) {
  const { data, error, reload } = useLoad<{ items: Day[] }>("/reconciliation");
  const [day, setDay] = useState(() => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10));
  const [notice, setNotice] = useState<string | null>(null);
  if (!data) return <Status error={error} />;
  async function run(e: FormEvent) {
    e.preventDefault();
    setNotice("Reconciling…");
    try {
      const r = await api<{ items: Array<Schemas["ReconciliationReport"]> }>("POST", `/reconciliation/${day}`);
      setNotice(r.items.every((d) => d.reconciled) ? `${day} reconciles.` : `${day} does not reconcile: see its differences below.`);
      reload();
    } catch (err) {
      setNotice(err instanceof Error ? err.message : String(err));
    }
  }
  return (
    <>
      <div className="toolbar">
        {canWrite && (
          <form onSubmit={run} className="inline">
            <label htmlFor="day">Day</label>
            <input id="day" type="date" value={day} onChange={(e) => setDay(e.target.value)} required />
            <button type="submit">Reconcile now</button>
          </form>
        )}
        <a href="/v1/finance/reconciliation.csv" download>
          Download CSV
        </a>
      </div>
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      {data.items.length === 0 && <p className="muted">No day reconciled yet. Days are reconciled every night; reconcile one now above.</p>}
      {data.items.map((d) => (
        <section key={`${d.day}-${d.currency}`} aria-labelledby={`day-${d.day}-${d.currency}`} className="day">
          <h2 id={`day-${d.day}-${d.currency}`}>
            {d.day} · {d.currency} <span className={d.reconciled ? "badge badge-booked" : "badge badge-needs_attention"}>{d.reconciled ? "Reconciled" : `${d.differences.length} difference(s)`}</span>
          </h2>
          <p className="muted">
            Stripe {money(d.stripeNet, d.currency)} · our ledger {money(d.ledgerNet, d.currency)} · Xero {money(d.xeroNet, d.currency)}
          </p>
          {d.differences.length > 0 && (
            <Table
              caption={`Differences on ${d.day} (${d.currency})`}
              columns={["Difference", "Ours", "Stripe", "Xero", "Detail"]}
              rows={d.differences}
              rowKey={(_, i) => i}
              cells={(x) => [
                `${x.kind.replace(/_/g, " ")} (${x.subject})`,
                <>
                  {amount(x.ledgerAmount, d.currency)} <span className="mono muted">{x.ours ?? ""}</span>
                </>,
                <>
                  {amount(x.stripeAmount, d.currency)} <span className="mono muted">{x.stripe.join(" ")}</span>
                </>,
                <>
                  {amount(x.xeroAmount, d.currency)} <span className="mono muted">{x.xero ?? ""}</span>
                </>,
                x.detail,
              ]}
            />
          )}
        </section>
      ))}
    </>
  );
}
