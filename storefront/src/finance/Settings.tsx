import { PayoutSettings } from "./PayoutSettings.tsx";
import { Status, useLoad } from "./useLoad.tsx";
import type { Schemas } from "./api.ts";

type SettingsData = Schemas["FinanceSettings"];

export function Settings({ canWrite }: { canWrite: boolean }) {
  const { data, error } = useLoad<SettingsData>("/settings");
  if (!data) return <Status error={error} />;
  return (
    <>
      <PayoutSettings canWrite={canWrite} />
      <section aria-labelledby="s-books">
        <h2 id="s-books">Books</h2>
        <dl className="facts">
          <dt>Platform currency</dt>
          <dd>{data.platformCurrency}</dd>
          <dt>Xero calls per organisation</dt>
          <dd>
            {data.xero.minuteLimit} a minute, {data.xero.concurrencyLimit} at once
          </dd>
          <dt>Xero callback</dt>
          <dd className="mono">{data.xero.redirectUri}</dd>
          <dt>Job queue</dt>
          <dd>{data.jobs.driver === "sqs" ? "SQS" : "database"}</dd>
        </dl>
      </section>
      <section aria-labelledby="s-alerts">
        <h2 id="s-alerts">Alerts</h2>
        <p>
          Slack: {data.alerts.slack ? "on" : "off"} · Sentry: {data.alerts.sentry ? "on" : "off"} (SLACK_WEBHOOK_URL, SENTRY_DSN)
        </p>
        {data.alerts.recent.length === 0 ? (
          <p className="muted">No alert since this process started.</p>
        ) : (
          <ul>
            {data.alerts.recent.map((a, i) => (
              <li key={i}>
                <span className="mono">{a.at.slice(0, 16).replace("T", " ")}</span> {a.message}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
