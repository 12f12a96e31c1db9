import { money, type Schemas } from "./api.ts";
import { Status, useLoad } from "./useLoad.tsx";
import { Table } from "./Table.tsx";

type OverviewData = Schemas["FinanceOverview"];

export function Overview() {
  const { data, error } = useLoad<OverviewData>("/overview");
  if (!data) return <Status error={error} />;
  const figures: Array<[string, number]> = [
    ["Money in", data.moneyIn],
    ["Refunds", data.refunds],
    ["Stripe fees", data.fees],
    ["Owed to brands", data.owedToBrands],
    ["Paid to brands", data.paidToBrands],
    ["Commission", data.commission],
  ];
  const max = Math.max(1, ...data.weeks.map((w) => Math.max(w.moneyIn, w.refunds, w.paidToBrands)));
  return (
    <>
      <dl className="cards">
        {figures.map(([label, v]) => (
          <div className="card" key={label}>
            <dt>{label}</dt>
            <dd>{money(v, data.currency)}</dd>
          </div>
        ))}
      </dl>
      <section aria-labelledby="weeks-title">
        <h2 id="weeks-title">By week</h2>
        <figure className="chart">
          <svg role="img" aria-labelledby="weeks-title weeks-desc" viewBox={`0 0 ${data.weeks.length * 60} 140`} width="100%" height="160">
            <desc id="weeks-desc">Money in, refunds and payouts to brands in each of the last {data.weeks.length} weeks; the table below has the figures.</desc>
            {data.weeks.map((w, i) => (
              <g key={w.week} transform={`translate(${i * 60 + 8}, 0)`}>
                <rect className="bar-in" x={0} y={120 - (w.moneyIn / max) * 110} width={14} height={(w.moneyIn / max) * 110} />
                <rect className="bar-refund" x={15} y={120 - (w.refunds / max) * 110} width={14} height={(w.refunds / max) * 110} />
                <rect className="bar-paid" x={30} y={120 - (w.paidToBrands / max) * 110} width={14} height={(w.paidToBrands / max) * 110} />
                <text x={22} y={136} textAnchor="middle">
                  {w.week.slice(5)}
                </text>
              </g>
            ))}
          </svg>
          <figcaption>
            <span className="key key-in">Money in</span> <span className="key key-refund">Refunds</span> <span className="key key-paid">Paid to brands</span>
          </figcaption>
        </figure>
        <Table
          caption="Figures by week"
          columns={["Week of", "Money in", "Refunds", "Paid to brands"]}
          rows={data.weeks}
          rowKey={(w) => w.week}
          cells={(w) => [w.week, money(w.moneyIn, data.currency), money(w.refunds, data.currency), money(w.paidToBrands, data.currency)]}
        />
      </section>
      <p className="muted">
        Xero bookings: {Object.entries(data.bookings).map(([k, n]) => `${n} ${k.replace("_", " ")}`).join(", ") || "none yet"}.
      </p>
    </>
  );
}
