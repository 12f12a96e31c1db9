import { Hono } from "hono";
import type { Deps } from "../platform/deps.ts";
import { ProblemError } from "../http/problem.ts";
import { requestHeader, type AppEnv } from "../http/request-context.ts";
import { recordWebhook, UnstorablePayloadError } from "../webhooks/event-log.ts";
import { processStripeEvent } from "./stripe-events.jobs.ts";

/**
 * POST /webhooks/stripe: verify the signature over the raw body (400, nothing recorded, when
 * it is missing or wrong), record the event keyed by Stripe's event id, answer 200 at once
 * (400 for a signed body PostgreSQL cannot store as JSON).
 * The processing job does the work; a repeated delivery is a no-op.
 */
export function stripeWebhookRoutes(deps: Deps): Hono<AppEnv> {
  const router = new Hono<AppEnv>();
  router.post("/webhooks/stripe", async (c) => {
    const signature = requestHeader(c, "stripe-signature");
    if (!signature) throw new ProblemError(400, "missing_signature", "The Stripe-Signature header is missing.");
    const raw = await c.req.text();
    let event: { id: string; type: string };
    try {
      event = deps.payments.verifyWebhook(raw, signature);
    } catch (err) {
      c.get("log").warn({ err: (err as Error).name }, "stripe webhook signature rejected");
      throw new ProblemError(400, "invalid_signature", "The Stripe-Signature header does not match this payload.");
    }
    let recorded;
    try {
      recorded = await recordWebhook(
        deps,
        // The verified event is the parsed body; the body itself is stored as received.
        { provider: "stripe", externalId: event.id, topic: event.type, payload: event, rawPayload: raw },
        processStripeEvent,
      );
    } catch (err) {
      if (err instanceof UnstorablePayloadError) throw new ProblemError(400, "invalid_payload", "The event holds a value that cannot be stored (a NUL character or a lone surrogate).");
      throw err;
    }
    return c.json({ received: true, duplicate: recorded.duplicate }, 200);
  });
  return router;
}
