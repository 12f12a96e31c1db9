import { BarChart, PolarisVizProvider } from "@shopify/polaris-viz";
import { Box, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { formatDate, formatMoney } from "../lib/format.ts";

/**
 * The brand's earnings over time: its share of the gifts shipped each week (Polaris Viz bar
 * chart). Values stay integer minor units; only the labels are formatted. The chart measures
 * its container, so it is drawn after hydration; a table with the same figures is there for
 * screen readers (the chart itself is hidden from them).
 */
export interface WeekShare {
  weekStart: string;
  shareMinor: number;
}

export function EarningsChart({ currency, weeks }: { currency: string; weeks: WeekShare[] }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const label = (w: WeekShare) => `Week of ${formatDate(w.weekStart)}`;
  const data = [{ name: "Your share", data: weeks.map((w) => ({ key: formatDate(w.weekStart), value: w.shareMinor })) }];
  return (
    <Box>
      <div aria-hidden="true" style={{ height: 240 }} data-testid="earnings-chart">
        {mounted ? (
          <PolarisVizProvider>
            <BarChart
              data={data}
              theme="Light"
              showLegend={false}
              yAxisOptions={{ labelFormatter: (v) => formatMoney(Number(v ?? 0), currency) }}
              tooltipOptions={{ valueFormatter: (v) => formatMoney(Number(v ?? 0), currency) }}
            />
          </PolarisVizProvider>
        ) : null}
      </div>
      <table className="Polaris-Text--visuallyHidden">
        <caption>Your share of shipped gifts per week ({currency})</caption>
        <tbody>
          {weeks.map((w) => (
            <tr key={w.weekStart}>
              <th scope="row">{label(w)}</th>
              <td>{formatMoney(w.shareMinor, currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {weeks.length === 0 ? (
        <Text as="p" tone="subdued">
          No shipped gifts in the last six months yet.
        </Text>
      ) : null}
    </Box>
  );
}
