import { isUtf8 } from "node:buffer";
import { Hono } from "hono";
import type { Deps } from "../platform/deps.ts";
import { ProblemError } from "../http/problem.ts";
import { requestHeader, type AppEnv } from "../http/request-context.ts";
import { UnstorablePayloadError } from "./event-log.ts";
import { recordShopifyWebhook, type ShopifyWebhookProblem } from "./shopify-webhooks.ts";

/** Where shopify.app.toml subscribes every topic, compliance topics included. */
export const SHOPIFY_WEBHOOK_PATH = "/webhooks/shopify";

const PROBLEMS: Record<ShopifyWebhookProblem, string> = {
  invalid_shop_domain: "X-Shopify-Shop-Domain is not a myshopify.com domain.",
  missing_webhook_id: "X-Shopify-Webhook-Id is missing.",
  invalid_topic: "X-Shopify-Topic is missing or not a topic.",
};

/**
 * POST /webhooks/shopify, every topic: the HMAC (X-Shopify-Hmac-Sha256, over the raw body,
 * keyed by the app's secret) first, answering 401 when it is missing or wrong, as Shopify
 * requires; then the delivery is recorded once per X-Shopify-Webhook-Id with its processing
 * job (one statement, shared by concurrent deliveries), and Shopify gets its 200. The body is
 * stored as received, its bytes untouched: PostgreSQL checks that it is one JSON document
 * (400 when it is not); the `shopify.webhook` job reads it (without losing 64-bit ids) and
 * does the work. A repeated delivery is a no-op.
 */
export function shopifyWebhookRoutes(deps: Deps): Hono<AppEnv> {
  const router = new Hono<AppEnv>();
  router.post(SHOPIFY_WEBHOOK_PATH, async (c) => {
    const hmac = requestHeader(c, "x-shopify-hmac-sha256");
    const topic = requestHeader(c, "x-shopify-topic")?.trim().toLowerCase() ?? "";
    const body = Buffer.from(await c.req.arrayBuffer());
    if (!hmac || !deps.shopify.verifyWebhookHmac(body, hmac)) {
      c.get("log").warn({ topic, hmac: hmac ? "invalid" : "missing" }, "shopify webhook refused: HMAC");
      throw new ProblemError(401, hmac ? "invalid_hmac" : "missing_hmac", hmac ? "X-Shopify-Hmac-Sha256 does not match this body." : "X-Shopify-Hmac-Sha256 is missing.");
    }
    const notJson = () => new ProblemError(400, "invalid_json", "The body is not one JSON document in UTF-8 that can be stored (no NUL characters or lone surrogates).");
    if (!isUtf8(body)) throw notJson();
    let result;
    try {
      result = await recordShopifyWebhook(deps, {
        webhookId: requestHeader(c, "x-shopify-webhook-id") ?? "",
        topic,
        shop: requestHeader(c, "x-shopify-shop-domain") ?? "",
        apiVersion: requestHeader(c, "x-shopify-api-version") ?? null,
        triggeredAt: requestHeader(c, "x-shopify-triggered-at") ?? null,
        eventId: requestHeader(c, "x-shopify-event-id") ?? null,
        rawPayload: body,
      });
    } catch (err) {
      if (err instanceof UnstorablePayloadError) throw notJson();
      throw err;
    }
    if (!result.ok) throw new ProblemError(400, result.problem, PROBLEMS[result.problem]);
    return c.body(null, 200);
  });
  return router;
}
