import { serve, type ServerType } from "@hono/node-server";
import Stripe from "stripe";
import { startStripeStandIn, type StripeStandIn } from "@giftloop/sandbox/stripe/server";
import { testApp, type TestApp } from "../../http/testing.ts";
import { startWorker } from "../../jobs/create-queue.ts";
import type { Worker } from "../../jobs/worker.ts";

/**
 * The Connect tests' stack: the api (in-process) served on a loopback port, the Stripe
 * stand-in delivering connected accounts' events, signed, to its Connect endpoint, a job
 * worker, and the official SDK pointed at the stand-in.
 */
export interface ConnectStack {
  standIn: StripeStandIn;
  t: TestApp;
  worker: Worker;
  stripe: Stripe;
  connectWebhookUrl: string;
  /** A fresh installed brand. */
  newVendor(opts?: { currency?: string; status?: "active" | "uninstalled" }): Promise<string>;
  stop(): Promise<void>;
}

export async function startConnectStack(): Promise<ConnectStack> {
  const standIn = await startStripeStandIn({ port: 0, retry: { delaysMs: [50, 100, 200] } });
  const t = await testApp({
    env: {
      STRIPE_SECRET_KEY: "sk_test_core",
      STRIPE_WEBHOOK_SECRET: standIn.webhookSecret,
      STRIPE_CONNECT_WEBHOOK_SECRET: standIn.connectWebhookSecret,
      STRIPE_API_URL: standIn.url,
      JOB_POLL_INTERVAL_MS: "10",
    },
  });
  const server = await new Promise<ServerType>((resolve) => {
    const srv = serve({ fetch: t.app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(srv));
  });
  const connectWebhookUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks/stripe/connect`;
  standIn.setConnectWebhookUrl(connectWebhookUrl);
  const worker = startWorker(t.deps);
  let n = 0;
  return {
    standIn,
    t,
    worker,
    stripe: new Stripe("sk_test_core", { ...standIn.sdkConfig }),
    connectWebhookUrl,
    async newVendor(opts = {}) {
      const slug = `brand-${Date.now().toString(36)}-${++n}`;
      const v = await t.deps.db.prisma.vendor.create({
        data: {
          shopDomain: `${slug}.myshopify.com`,
          name: `Brand ${n}`,
          currency: opts.currency ?? "USD",
          email: `payouts@${slug}.test`,
          status: opts.status ?? "active",
          ...(opts.status === "uninstalled" ? { uninstalledAt: new Date() } : {}),
        },
      });
      return v.id;
    },
    async stop() {
      await worker.stop();
      await new Promise((r) => server.close(r));
      await standIn.stop();
      await t.close();
    },
  };
}
