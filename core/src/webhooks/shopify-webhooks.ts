import { z } from "zod";
import { verifyShopifyHmac } from "../integrations/shopify/hmac.ts";
import { isShopDomain } from "../platform/shop-domain.ts";
import { defineJob, PermanentJobError, type JobDefinition } from "../jobs/registry.ts";
import type { Deps } from "../platform/deps.ts";
import { ShopifyTopics } from "./shopify-topic-registry.ts";
import { shopifyTopics } from "./shopify-topics.ts";
import { parseShopifyJson } from "./shopify-json.ts";
import { payloadMismatch } from "./shopify-payloads.ts";
import { loadWebhook, markWebhookProcessed, recordWebhook } from "./event-log.ts";

export { verifyShopifyHmac, isShopDomain };
export { ShopifyTopics, type ShopifyTopicHandler, type ShopifyWebhookEvent } from "./shopify-topic-registry.ts";

/**
 * Shopify webhook intake. The route (`POST /webhooks/shopify`, shopify-webhook.routes.ts)
 * checks the HMAC over the raw body, then calls `recordShopifyWebhook`: the delivery is
 * written to the event log once per X-Shopify-Webhook-Id together with a `shopify.webhook`
 * job, and the route answers 200. The job reads the body without losing Shopify's 64-bit ids
 * (shopify-json.ts), checks it against its topic's documented shape (shopify-payloads.ts)
 * and dispatches it to the handler a module registered in `shopify-topics.ts`; a topic
 * nobody handles is acknowledged, logged and ignored.
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
  /** The body as received (JSON text or its UTF-8 bytes), stored as it is; PostgreSQL checks it is one JSON document. */
  rawPayload: string | Buffer;
}

export type ShopifyWebhookProblem = "invalid_shop_domain" | "missing_webhook_id" | "invalid_topic";

export type RecordShopifyWebhookResult = { ok: true; eventId: string; duplicate: boolean } | { ok: false; problem: ShopifyWebhookProblem };

const TOPIC = /^[a-z_]+\/[a-z_]+$/;

export async function recordShopifyWebhook(deps: Pick<Deps, "db" | "jobs">, input: ShopifyWebhookInput): Promise<RecordShopifyWebhookResult> {
  if (!isShopDomain(input.shop)) return { ok: false, problem: "invalid_shop_domain" };
  if (typeof input.webhookId !== "string" || !input.webhookId.trim() || input.webhookId.length > 200) return { ok: false, problem: "missing_webhook_id" };
  if (typeof input.topic !== "string" || !TOPIC.test(input.topic)) return { ok: false, problem: "invalid_topic" };
  const headers: Record<string, string> = {};
  if (input.apiVersion) headers.apiVersion = input.apiVersion;
  if (input.triggeredAt) headers.triggeredAt = input.triggeredAt;
  if (input.eventId) headers.eventId = input.eventId;
  const r = await recordWebhook(
    deps,
    { provider: "shopify", externalId: input.webhookId, topic: input.topic, shopDomain: input.shop, rawPayload: input.rawPayload, headers },
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
      const stored = await loadWebhook(ctx.deps, eventId, parseShopifyJson);
      if (!stored) throw new PermanentJobError(`webhook event ${eventId} is gone`);
      if (stored.processedAt) return; // a redelivered job after success
      cache ??= topics();
      const handler = cache.get(stored.topic);
      if (!handler) {
        ctx.log.warn({ topic: stored.topic, shop: stored.shopDomain, webhookId: stored.externalId }, "shopify webhook topic has no handler; acknowledged and ignored");
        return markWebhookProcessed(ctx.deps, eventId);
      }
      try {
        const mismatch = payloadMismatch(stored.topic, stored.payload);
        if (mismatch) throw new PermanentJobError(mismatch);
        await handler(
          ctx.deps,
          {
            eventId,
            webhookId: stored.externalId,
            topic: stored.topic,
            shop: stored.shopDomain ?? "",
            apiVersion: stored.headers.apiVersion ?? null,
            triggeredAt: stored.headers.triggeredAt ?? null,
            payload: stored.payload,
          },
          { log: ctx.log, job: ctx },
        );
      } catch (err) {
        // What no retry can mend stays visible on the event too (the dead letter has the job's side).
        if (err instanceof PermanentJobError) await markWebhookProcessed(ctx.deps, eventId, err.message);
        throw err;
      }
      await markWebhookProcessed(ctx.deps, eventId);
    },
  });
}

/** The `shopify.webhook` job, dispatching through the default topic registry. */
export const shopifyWebhookJob = createShopifyWebhookJob(shopifyTopics);
