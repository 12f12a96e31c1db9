/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are read as loose JSON in assertions */
import { serve, type ServerType } from "@hono/node-server";
import { startShopifyStandIn, type ShopifyStandIn } from "@giftloop/sandbox/shopify/server";
import { startStripeStandIn, type StripeStandIn } from "@giftloop/sandbox/stripe/server";
import { startSmtpSink, type SmtpSink } from "@giftloop/sandbox/smtp/smtp-sink";
import { installShop, mirrorSeedInStandIn } from "../fulfillment/push/testing.ts";
import { testApp, type TestApp } from "../http/testing.ts";
import { uninstallShopifySandboxRouting } from "../integrations/shopify/sandbox-routing.ts";
import { startWorker } from "../jobs/create-queue.ts";
import type { Worker } from "../jobs/worker.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";

/**
 * The end-to-end tests' stack: the api served over HTTP with its worker, the Shopify and
 * Stripe stand-ins sending their signed webhooks to it, an SMTP sink for the emails, and one
 * brand installed on its shop (seeded, its catalog mirrored in the stand-in).
 */
export interface LoopStack {
  shopify: ShopifyStandIn;
  stripeStandIn: StripeStandIn;
  smtp: SmtpSink;
  t: TestApp;
  /** The brand installed on `shop`. */
  s: Seeded;
  base: string;
  stripeSecretKey: string;
  /** A request to the served api (a path or a whole URL): the status and the body, parsed when JSON. */
  http(method: string, url: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export async function startLoopStack(opts: { shop: string; slug: string; name: string }): Promise<LoopStack> {
  const shopify = await startShopifyStandIn({ demoShop: false, shops: [{ domain: opts.shop, products: 0 }], retry: { delaysMs: [50, 100, 200, 400] } });
  const stripeStandIn = await startStripeStandIn({ port: 0, retry: { delaysMs: [50, 100, 200, 400] } });
  const smtp = await startSmtpSink({ port: 0 });
  const stripeSecretKey = `sk_test_${opts.name}`;
  const t = await testApp({
    env: {
      STRIPE_SECRET_KEY: stripeSecretKey,
      STRIPE_WEBHOOK_SECRET: stripeStandIn.webhookSecret,
      STRIPE_API_URL: stripeStandIn.url,
      SHOPIFY_SANDBOX_URL: shopify.url,
      SHOPIFY_API_SECRET: shopify.apiSecret,
      SMTP_URL: smtp.url,
      JOB_POLL_INTERVAL_MS: "10",
      JOB_CONCURRENCY: "16",
      PUBLIC_URL: `https://gifts.${opts.name}.test`,
    },
  });
  const server = await new Promise<ServerType>((resolve) => {
    const srv = serve({ fetch: t.app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(srv));
  });
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  stripeStandIn.setWebhookUrl(`${base}/webhooks/stripe`);
  await installShop(t.deps, shopify, opts.shop);
  const s = await seedVendor(t.deps.db, { shop: opts.shop, slug: opts.slug });
  await mirrorSeedInStandIn(t.deps, shopify, opts.shop, s);
  shopify.setWebhookUrl(`${base}/webhooks/shopify`);
  const worker: Worker = startWorker(t.deps);
  return {
    shopify,
    stripeStandIn,
    smtp,
    t,
    s,
    base,
    stripeSecretKey,
    async http(method, url, token, body) {
      const res = await fetch(url.startsWith("http") ? url : `${base}${url}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: (text && res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text || undefined) as any };
    },
    async stop() {
      await worker.stop();
      await new Promise((r) => server.close(r));
      await shopify.close();
      await stripeStandIn.stop();
      await smtp.stop();
      await t.close();
      await uninstallShopifySandboxRouting();
    },
  };
}
