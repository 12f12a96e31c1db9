import { Hono } from "hono";
import type { Deps } from "../../platform/deps.ts";
import { ProblemError } from "../../http/problem.ts";
import { requestHeader, type AppEnv } from "../../http/request-context.ts";
import { recordWebhook, UnstorablePayloadError } from "../../webhooks/event-log.ts";
import { processConnectEvent } from "./connect-events.jobs.ts";

/**
 * POST /webhooks/stripe/connect: the Connect endpoint (events of the brands' connected
 * accounts, signed with STRIPE_CONNECT_WEBHOOK_SECRET). As the platform endpoint does: verify
 * the signature over the raw body (400, nothing recorded, when it is missing or wrong),
 * record the event keyed by Stripe's event id, answer 200 at once; the job does the work and
 * a repeated delivery is a no-op.
 */
export function connectWebhookRoutes(deps: Deps): Hono<AppEnv> {
  const router = new Hono<AppEnv>();
  router.post("/webhooks/stripe/connect", async (c) => {
    const signature = requestHeader(c, "stripe-signature");
    if (!signature) throw new ProblemError(400, "missing_signature", "The Stripe-Signature header is missing.");
    const raw = await c.req.text();
    let event: { id: string; type: string };
    try {
      event = deps.connect.verifyWebhook(raw, signature);
    } catch (err) {
      c.get("log").warn({ err: (err as Error).name }, "stripe connect webhook signature rejected");
      throw new ProblemError(400, "invalid_signature", "The Stripe-Signature header does not match this payload.");
    }
    let recorded;
    try {
      recorded = await recordWebhook(deps, { provider: "stripe", externalId: event.id, topic: event.type, payload: event, rawPayload: raw }, processConnectEvent);
    } catch (err) {
      if (err instanceof UnstorablePayloadError) throw new ProblemError(400, "invalid_payload", "The event holds a value that cannot be stored (a NUL character or a lone surrogate).");
      throw err;
    }
    return c.json({ received: true, duplicate: recorded.duplicate }, 200);
  });
  return router;
}
