import type { FaultInjector } from "./faults.ts";
import type { IdempotencyCache } from "./idempotency.ts";
import type { StripeState } from "./state.ts";
import type { WebhookEndpoint, WebhookSender } from "./webhooks.ts";

/**
 * One running Stripe stand-in: its objects and clock (`state`), webhook endpoints and delivery,
 * idempotency keys, faults and request counts. The sandbox controls, the HTTP server and the
 * returned API work on this object, so two stand-ins in one process share nothing.
 */
export interface StripeStandInContext {
  readonly state: StripeState;
  readonly sender: WebhookSender;
  /** Where the platform's own events go. */
  readonly platformEndpoint: WebhookEndpoint;
  /** Where connected accounts' events (carrying `account`) go. */
  readonly connectEndpoint: WebhookEndpoint;
  readonly idempotency: IdempotencyCache;
  readonly faults: FaultInjector;
  /** API requests (`/v1/...`) received, by "METHOD /path". */
  readonly apiRequests: Map<string, number>;
  readonly log: (line: string) => void;
}

/** Forgets all objects, events, idempotency keys, pending deliveries, faults and request counts. */
export function resetStandIn(ctx: StripeStandInContext): void {
  ctx.state.clear();
  ctx.idempotency.clear();
  ctx.sender.reset();
  ctx.faults.reset();
  ctx.apiRequests.clear();
}
