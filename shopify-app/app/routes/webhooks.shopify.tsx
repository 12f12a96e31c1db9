import type { ActionFunctionArgs } from "@remix-run/node";
import { InvalidShopError } from "@shopify/shopify-api";
import { depsOf } from "../context.server.ts";
import { shopifyFor } from "../shopify.server.ts";
import { recordShopifyWebhook } from "../../../core/src/webhooks/shopify-webhooks.ts";

/**
 * Every Shopify webhook topic of shopify.app.toml, compliance topics included: the HMAC over
 * the raw body is verified (`authenticate.webhook`: 401 and nothing recorded when it is
 * wrong), the delivery is recorded once per X-Shopify-Webhook-Id with its processing job,
 * and Shopify gets its 200 at once. The work happens in the job.
 */
export const action = async ({ request, context }: ActionFunctionArgs) => {
  const deps = depsOf(context);
  const log = deps.log.child({ component: "shopify-webhooks" });
  let hook;
  try {
    hook = await shopifyFor(deps).authenticate.webhook(request.clone());
  } catch (err) {
    if (err instanceof Response) {
      log.warn({ status: err.status, topic: request.headers.get("x-shopify-topic") }, "shopify webhook rejected");
      return new Response(null, { status: err.status, statusText: err.statusText });
    }
    // The HMAC check passed, then the library choked on the shop domain or the body.
    if (err instanceof InvalidShopError) {
      log.warn({ shop: request.headers.get("x-shopify-shop-domain") }, "shopify webhook for a shop domain that is not *.myshopify.com");
      return new Response("The shop domain is not a myshopify.com domain.", { status: 400 });
    }
    if (err instanceof SyntaxError) {
      log.warn({ topic: request.headers.get("x-shopify-topic") }, "shopify webhook with a body that is not JSON");
      return new Response("The body is not valid JSON.", { status: 400 });
    }
    throw err;
  }
  const result = await recordShopifyWebhook(deps, {
    webhookId: hook.webhookId,
    // The header as Shopify sent it ("products/update"); the library upper-cases its copy.
    topic: (request.headers.get("x-shopify-topic") ?? "").trim().toLowerCase(),
    shop: hook.shop,
    apiVersion: hook.apiVersion,
    triggeredAt: hook.triggeredAt ?? null,
    eventId: "eventId" in hook ? (hook.eventId ?? null) : null,
    payload: hook.payload,
  });
  if (!result.ok) {
    log.warn({ problem: result.problem, shop: hook.shop }, "shopify webhook refused");
    return new Response(result.problem, { status: 400 });
  }
  return new Response(null, { status: 200 });
};

export const loader = () => new Response(null, { status: 405, headers: { allow: "POST" } });
