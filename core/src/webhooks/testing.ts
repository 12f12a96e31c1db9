import { createHmac } from "node:crypto";
import { serve, type ServerType } from "@hono/node-server";
import { createApp, type App } from "../http/app.ts";
import type { Deps } from "../platform/deps.ts";
import { SHOPIFY_WEBHOOK_PATH } from "./shopify-webhook.routes.ts";

/**
 * The production HTTP app (`createApp`, the routes `npm start` serves) over `deps`, listening
 * on a free loopback port: where the stand-ins deliver their webhooks in tests.
 */
export async function serveApp(deps: Deps): Promise<{ app: App; url: string; close(): Promise<void> }> {
  const app = createApp(deps);
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { app, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export interface ShopifyDelivery {
  topic: string;
  shop: string;
  /** The body as Shopify sends it (JSON text, e.g. with 18-digit ids as numbers). */
  body: string;
  webhookId?: string;
  /** Headers to add or override (e.g. a wrong `x-shopify-hmac-sha256`). */
  headers?: Record<string, string>;
}

/** Shopify's signature of a body: base64 HMAC-SHA256 keyed by the app's secret. */
export const shopifyHmac = (body: string | Buffer, secret: string) => createHmac("sha256", secret).update(body).digest("base64");

/** A delivery as Shopify makes it, signed with `secret`, posted to the app's webhook route in-process. */
export function postShopifyWebhook(app: App, secret: string, d: ShopifyDelivery): Promise<Response> {
  return Promise.resolve(
    app.request(SHOPIFY_WEBHOOK_PATH, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-shopify-topic": d.topic,
        "x-shopify-hmac-sha256": shopifyHmac(d.body, secret),
        "x-shopify-shop-domain": d.shop,
        "x-shopify-webhook-id": d.webhookId ?? crypto.randomUUID(),
        "x-shopify-api-version": "2026-10",
        "x-shopify-triggered-at": new Date().toISOString(),
        ...d.headers,
      },
      body: d.body,
    }),
  );
}
