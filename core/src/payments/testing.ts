import { serve, type ServerType } from "@hono/node-server";
import Stripe from "stripe";
import { startStripeStandIn, type StripeStandIn } from "@giftloop/sandbox/stripe/server";
import { startSmtpSink, type SmtpSink } from "@giftloop/sandbox/smtp/smtp-sink";
import { testApp, type TestApp } from "../http/testing.ts";
import { startWorker } from "../jobs/create-queue.ts";
import type { Worker } from "../jobs/worker.ts";

/**
 * The payments tests' stack: the api (in-process) served on a loopback port, the Stripe
 * stand-in delivering its signed webhooks to it, an SMTP sink, a job worker, and the
 * official SDK pointed at the stand-in.
 */
export interface PaymentsStack {
  standIn: StripeStandIn;
  smtp: SmtpSink;
  t: TestApp;
  server: ServerType;
  worker: Worker;
  stripe: Stripe;
  /** The webhook URL the stand-in delivers to (it can be switched off and back). */
  webhookUrl: string;
  stop(): Promise<void>;
}

export async function startPaymentsStack(): Promise<PaymentsStack> {
  const standIn = await startStripeStandIn({ port: 0, retry: { delaysMs: [50, 100, 200] } });
  const smtp = await startSmtpSink({ port: 0 });
  const t = await testApp({
    env: {
      STRIPE_SECRET_KEY: "sk_test_core",
      STRIPE_WEBHOOK_SECRET: standIn.webhookSecret,
      STRIPE_API_URL: standIn.url,
      SMTP_URL: smtp.url,
      EMAIL_FROM: "Northwind via Giftloop <gifts@giftloop.test>",
      JOB_POLL_INTERVAL_MS: "10",
    },
  });
  const server = await new Promise<ServerType>((resolve) => {
    const srv = serve({ fetch: t.app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(srv));
  });
  const webhookUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks/stripe`;
  standIn.setWebhookUrl(webhookUrl);
  const worker = startWorker(t.deps);
  const stripe = new Stripe("sk_test_core", { ...standIn.sdkConfig });
  return {
    standIn,
    smtp,
    t,
    server,
    worker,
    stripe,
    webhookUrl,
    async stop() {
      await worker.stop();
      await new Promise((r) => server.close(r));
      await standIn.stop();
      await smtp.stop();
      await t.close();
    },
  };
}
