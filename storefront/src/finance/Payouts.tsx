import { money } from "./api.ts";
import { Status, useLoad } from "./useLoad.tsx";

interface PayoutRow {
  recordId: string;
  payoutId: string;
  day: string;
  currency: string;
  amount: number;
  status: string;
  message: string | null;
  reference: string | null;
  xeroUrl: string | null;
  transfers: Array<{ id: string; url: string }>;
}

export function Payouts() {
  const { data, error } = useLoad<{ items: PayoutRow[] }>("/payouts");
  if (!data) return <Status error={error} />;
  if (!data.items.length) return <p className="muted">No payout has been paid yet. Each paid payout becomes one bill in Xero, paid from the Stripe clearing account.</p>;
  return (
    <table>
      <caption className="visually-hidden">Payouts and their Xero bills</caption>
      <thead>
        <tr>
          <th scope="col">Paid</th>
          <th scope="col">Payout</th>
          <th scope="col">Amount</th>
          <th scope="col">In Xero</th>
          <th scope="col">Stripe transfers</th>
        </tr>
      </thead>
      <tbody>
        {data.items.map((p) => (
          <tr key={p.recordId}>
            <td>{p.day}</td>
            <td>{p.reference ?? p.payoutId}</td>
            <td>{money(p.amount, p.currency)}</td>
            <td>
              {p.xeroUrl ? (
                <a href={p.xeroUrl} target="_blank" rel="noreferrer">
                  Bill (opens Xero)
                </a>
              ) : (
                <span className={`badge badge-${p.status}`}>{p.status.replace("_", " ")}</span>
              )}
              {p.message && <span className="muted"> {p.message}</span>}
            </td>
            <td>
              {p.transfers.map((t) => (
                <a key={t.id} href={t.url} target="_blank" rel="noreferrer" className="mono">
                  {t.id}
                </a>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
