import { money, type Schemas } from "./api.ts";
import { Status, useLoad } from "./useLoad.tsx";
import { Table } from "./Table.tsx";

type PayoutRow = Schemas["FinancePayoutBooking"];

export function Payouts() {
  const { data, error } = useLoad<{ items: PayoutRow[] }>("/payouts");
  if (!data) return <Status error={error} />;
  if (!data.items.length) return <p className="muted">No payout has been paid yet. Each paid payout becomes one bill in Xero, paid from the Stripe clearing account.</p>;
  return (
    <Table
      caption="Payouts and their Xero bills"
      columns={["Paid", "Payout", "Amount", "In Xero", "Stripe transfers"]}
      rows={data.items}
      rowKey={(p) => p.recordId}
      cells={(p) => [
        p.day,
        p.reference ?? p.payoutId,
        money(p.amount, p.currency),
        <>
          {p.xeroUrl ? (
            <a href={p.xeroUrl} target="_blank" rel="noreferrer">
              Bill (opens Xero)
            </a>
          ) : (
            <span className={`badge badge-${p.status}`}>{p.status.replace("_", " ")}</span>
          )}
          {p.message && <span className="muted"> {p.message}</span>}
        </>,
        p.transfers.map((t) => (
          <a key={t.id} href={t.url} target="_blank" rel="noreferrer" className="mono">
            {t.id}
          </a>
        )),
      ]}
    />
  );
}
