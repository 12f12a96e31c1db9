import { z } from "zod";
import { isShopDomain, verifyShopifyHmac } from "../integrations/shopify/hmac.ts";
import { defineJob, PermanentJobError, type JobDefinition } from "../jobs/registry.ts";
import type { Deps } from "../platform/deps.ts";
import { ShopifyTopics } from "./shopify-topic-registry.ts";
import { shopifyTopics } from "./shopify-topics.ts";
import { loadWebhook, markWebhookProcessed, recordWebhook } from "./event-log.ts";

export { verifyShopifyHmac, isShopDomain };
export { ShopifyTopics, type ShopifyTopicHandler, type ShopifyWebhookEvent } from "./shopify-topic-registry.ts";

/**
 * Shopify webhook intake. The route (Remix `authenticate.webhook`, or any other path that
 * checked the HMAC with `verifyShopifyHmac`) calls `recordShopifyWebhook`: the delivery is
 * written to the event log once per X-Shopify-Webhook-Id together with a `shopify.webhook`
 * job, and the route answers 200. The job dispatches by topic to the handler a module
 * registered in `shopify-topics.ts`; a topic nobody handles is acknowledged, logged and ignored.
 */

export interface ShopifyWebhookInput {
  /** X-Shopify-Webhook-Id: the same on every retry of one delivery. */
  webhookId: string;
  /** X-Shopify-Topic, e.g. "products/update". */
  topic: string;
  /** X-Shopify-Shop-Domain. */
  shop: string;
  apiVersion?: string | null;
  triggeredAt?: string | null;
  eventId?: string | null;
  payload: unknown;
}

export type RecordShopifyWebhookResult =
  | { ok: true; eventId: string; duplicate: boolean }
  | { ok: false; problem: "invalid_shop_domain" | "missing_webhook_id" | "invalid_topic" };

export async function recordShopifyWebhook(deps: Pick<Deps, "db" | "jobs">, input: ShopifyWebhookInput): Promise<RecordShopifyWebhookResult> {
  if (!isShopDomain(input.shop)) return { ok: false, problem: "invalid_shop_domain" };
  if (typeof input.webhookId !== "string" || !input.webhookId.trim() || input.webhookId.length > 200) return { ok: false, problem: "missing_webhook_id" };
  if (typeof input.topic !== "string" || !/^[a-z_]+\/[a-z_]+$/.test(input.topic)) return { ok: false, problem: "invalid_topic" };
  const headers: Record<string, string> = {};
  if (input.apiVersion) headers.apiVersion = input.apiVersion;
  if (input.triggeredAt) headers.triggeredAt = input.triggeredAt;
  if (input.eventId) headers.eventId = input.eventId;
  const r = await recordWebhook(
    deps,
    { provider: "shopify", externalId: input.webhookId, topic: input.topic, shopDomain: input.shop, payload: input.payload, headers },
    shopifyWebhookJob,
  );
  return { ok: true, ...r };
}

export function createShopifyWebhookJob(topics: () => ShopifyTopics): JobDefinition<{ eventId: string }> {
  let cache: ShopifyTopics | undefined;
  return defineJob({
    type: "shopify.webhook",
    schema: z.object({ eventId: z.uuid() }),
    maxAttempts: 10,
    backoff: { baseMs: 500, maxMs: 5 * 60_000 },
    async handler({ eventId }, ctx) {
      const stored = await loadWebhook(ctx.deps, eventId);
      if (!stored) throw new PermanentJobError(`webhook event ${eventId} is gone`);
      if (stored.processedAt) return; // a redelivered job after success
      cache ??= topics();
      const handler = cache.get(stored.topic);
      const headers = ((stored as { headers?: unknown }).headers ?? {}) as Record<string, string>;
      if (handler) {
        await handler(
          ctx.deps,
          {
            eventId,
            webhookId: stored.externalId,
            topic: stored.topic,
            shop: stored.shopDomain ?? "",
            apiVersion: headers.apiVersion ?? null,
            triggeredAt: headers.triggeredAt ?? null,
            payload: stored.payload,
          },
          { log: ctx.log, job: ctx },
        );
      } else {
        ctx.log.warn({ topic: stored.topic, shop: stored.shopDomain, webhookId: stored.externalId }, "shopify webhook topic has no handler; acknowledged and ignored");
      }
      await markWebhookProcessed(ctx.deps, eventId);
    },
  });
}

/** The `shopify.webhook` job, dispatching through the default topic registry. */
export const shopifyWebhookJob = createShopifyWebhookJob(shopifyTopics);

export type ReceiveResult =
  | { status: 200; eventId: string; duplicate: boolean }
  | { status: 401 | 400; problem: "invalid_hmac" | "invalid_json" | "invalid_shop_domain" | "missing_webhook_id" | "invalid_topic" };

/**
 * The whole intake for a path that is not the Remix app (tests, benchmarks, a plain HTTP
 * server): HMAC over the raw body first, then the headers, then record. Header names are
 * matched case-insensitively.
 */
export async function receiveShopifyWebhook(
  deps: Pick<Deps, "db" | "jobs" | "shopify">,
  req: { rawBody: string | Buffer; headers: Record<string, string | string[] | undefined> },
): Promise<ReceiveResult> {
  const h = (name: string) => {
    const key = Object.keys(req.headers).find((k) => k.toLowerCase() === name);
    const v = key ? req.headers[key] : undefined;
    return Array.isArray(v) ? v[0] : v;
  };
  if (!deps.shopify.verifyWebhookHmac(req.rawBody, h("x-shopify-hmac-sha256"))) return { status: 401, problem: "invalid_hmac" };
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.isBuffer(req.rawBody) ? req.rawBody.toString("utf8") : req.rawBody);
  } catch {
    return { status: 400, problem: "invalid_json" };
  }
  const r = await recordShopifyWebhook(deps, {
    webhookId: h("x-shopify-webhook-id") ?? "",
    topic: h("x-shopify-topic") ?? "",
    shop: h("x-shopify-shop-domain") ?? "",
    apiVersion: h("x-shopify-api-version") ?? null,
    triggeredAt: h("x-shopify-triggered-at") ?? null,
    eventId: h("x-shopify-event-id") ?? null,
    payload,
  });
  return r.ok ? { status: 200, eventId: r.eventId, duplicate: r.duplicate } : { status: 400, problem: r.problem };
}
