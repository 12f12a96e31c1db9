import type { Deps } from "../platform/deps.ts";
import type { JobDefinition } from "../jobs/registry.ts";

/**
 * The inbound webhook event log. A webhook route verifies the provider's signature, then
 * calls `recordWebhook`: one transaction writes the event (unique per provider and the
 * provider's event id) and enqueues the job that processes it. A repeated delivery, even
 * concurrent, finds the row already there and changes nothing. The route then answers 2xx;
 * the work happens in the job.
 */
export interface InboundWebhook {
  provider: "stripe" | "shopify";
  externalId: string;
  topic: string;
  shopDomain?: string;
  payload: unknown;
  headers?: Record<string, string>;
}

export interface Recorded {
  eventId: string;
  duplicate: boolean;
}

export async function recordWebhook(
  deps: Pick<Deps, "db" | "jobs">,
  event: InboundWebhook,
  processJob: JobDefinition<{ eventId: string }>,
): Promise<Recorded> {
  if (!deps.jobs.registry.get(processJob.type)) throw new Error(`job type ${processJob.type} is not registered`);
  // One statement, so one round trip and atomic by itself: the event row and its job row
  // are written together or not at all (the hot path of every webhook delivery).
  const rows = await deps.db.sql.query<{ id: string; created: boolean }>(
    `WITH ev AS (
       INSERT INTO webhook_event (id, provider, external_id, topic, shop_domain, payload, headers)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5::jsonb, $6::jsonb)
       ON CONFLICT (provider, external_id) DO NOTHING
       RETURNING id
     ), jb AS (
       INSERT INTO job (id, type, payload, idempotency_key, max_attempts, run_at)
       SELECT gen_random_uuid(), $7, jsonb_build_object('eventId', ev.id::text), 'webhook:' || $1 || ':' || $2, $8, now()
       FROM ev
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING id
     )
     SELECT id::text AS id, true AS created FROM ev
     UNION ALL
     SELECT id::text, false FROM webhook_event WHERE provider = $1 AND external_id = $2 AND NOT EXISTS (SELECT 1 FROM ev)`,
    [
      event.provider,
      event.externalId,
      event.topic,
      event.shopDomain ?? null,
      JSON.stringify(event.payload ?? null),
      JSON.stringify(event.headers ?? {}),
      processJob.type,
      processJob.maxAttempts,
    ],
  );
  let row = rows[0];
  if (!row) {
    // A concurrent delivery inserted it after this statement's snapshot: read it afresh.
    const again = await deps.db.sql.query<{ id: string }>(
      "SELECT id::text AS id FROM webhook_event WHERE provider = $1 AND external_id = $2",
      [event.provider, event.externalId],
    );
    if (!again[0]) throw new Error(`recording webhook ${event.provider}:${event.externalId} returned nothing`);
    row = { id: again[0].id, created: false };
  }
  return { eventId: row.id, duplicate: !row.created };
}

export interface StoredWebhook {
  id: string;
  provider: string;
  externalId: string;
  topic: string;
  shopDomain: string | null;
  payload: unknown;
  processedAt: Date | null;
}

/** For processing jobs: the event, or undefined if it no longer exists (e.g. redacted). */
export async function loadWebhook(deps: Pick<Deps, "db">, eventId: string): Promise<StoredWebhook | undefined> {
  const row = await deps.db.prisma.webhookEvent.findUnique({ where: { id: eventId } });
  return row ?? undefined;
}

export async function markWebhookProcessed(deps: Pick<Deps, "db">, eventId: string, error?: string): Promise<void> {
  await deps.db.prisma.webhookEvent.update({
    where: { id: eventId },
    data: error ? { error } : { processedAt: new Date(), error: null },
  });
}
