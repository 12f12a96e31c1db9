import type { Config } from "../../platform/config.ts";
import type { Logger } from "../../platform/logger.ts";

/**
 * Operations alerts (dead letters, parked accounting jobs, unreconciled days, failed payouts,
 * a Xero connection needing re-authorisation). Always logged at warn; also posted to a Slack
 * incoming webhook (SLACK_WEBHOOK_URL) and to Sentry (SENTRY_DSN, official @sentry/node) when
 * configured. Sending never throws: an alert that cannot be delivered is logged.
 */
export interface Alert {
  /** A stable kind, e.g. "xero.needs_reauth", "reconciliation.unreconciled". */
  kind: string;
  message: string;
  details?: Record<string, string | number | boolean | null>;
}

export interface Alerts {
  notify(alert: Alert): Promise<void>;
  /** The newest alerts of this process (at most 200), newest last. */
  recent(): Array<Alert & { at: string }>;
}

export interface AlertSink {
  name: string;
  send(alert: Alert): Promise<void>;
}

export function createAlerts(config: Pick<Config, "SLACK_WEBHOOK_URL" | "SENTRY_DSN" | "NODE_ENV">, log: Logger, extra: AlertSink[] = []): Alerts {
  const sinks: AlertSink[] = [...extra];
  if (config.SLACK_WEBHOOK_URL) sinks.push(slackSink(config.SLACK_WEBHOOK_URL));
  if (config.SENTRY_DSN) sinks.push(sentrySink(config.SENTRY_DSN, config.NODE_ENV));
  const recent: Array<Alert & { at: string }> = [];
  return {
    recent: () => [...recent],
    async notify(alert) {
      recent.push({ ...alert, at: new Date().toISOString() });
      if (recent.length > 200) recent.shift();
      log.warn({ alert: alert.kind, details: alert.details }, alert.message);
      await Promise.all(
        sinks.map((s) => s.send(alert).catch((err: unknown) => log.error({ err, sink: s.name, alert: alert.kind }, "could not deliver an alert"))),
      );
    },
  };
}

/** Slack incoming webhook through Slack's official @slack/webhook. */
function slackSink(url: string): AlertSink {
  let hook: Promise<{ send: (m: { text: string }) => Promise<unknown> }> | undefined;
  return {
    name: "slack",
    async send(alert) {
      hook ??= import("@slack/webhook").then(({ IncomingWebhook }) => new IncomingWebhook(url, { timeout: 5_000 }));
      const details = Object.entries(alert.details ?? {}).map(([k, v]) => `• ${k}: ${String(v)}`);
      await (await hook).send({ text: [`*${alert.kind}*: ${alert.message}`, ...details].join("\n") });
    },
  };
}

function sentrySink(dsn: string, environment: string): AlertSink {
  let sentry: Promise<typeof import("@sentry/node")> | undefined;
  return {
    name: "sentry",
    async send(alert) {
      sentry ??= import("@sentry/node").then((S) => {
        S.init({ dsn, environment, defaultIntegrations: false, tracesSampleRate: 0 });
        return S;
      });
      const S = await sentry;
      S.captureMessage(alert.message, { level: "warning", tags: { alert: alert.kind }, extra: alert.details ?? {} });
      await S.flush(5_000);
    },
  };
}

/** Keeps alerts in memory (tests, and a place to look in development). */
export function memoryAlertSink(): AlertSink & { sent: Alert[] } {
  const sent: Alert[] = [];
  return { name: "memory", sent, async send(a) { sent.push(a); } };
}
