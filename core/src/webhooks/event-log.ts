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
  return deps.db.prisma.$transaction(async (tx) => {
    const inserted = await tx.$queryRawUnsafe<Array<{ id: string }>>(
      `INSERT INTO webhook_event (id, provider, external_id, topic, shop_domain, payload, headers)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5::jsonb, $6::jsonb)
       ON CONFLICT (provider, external_id) DO NOTHING
       RETURNING id::text AS id`,
      event.provider,
      event.externalId,
      event.topic,
      event.shopDomain ?? null,
      JSON.stringify(event.payload ?? null),
      JSON.stringify(event.headers ?? {}),
    );
    if (inserted[0]) {
      await deps.jobs.enqueue(tx, processJob, { eventId: inserted[0].id }, { key: `webhook:${event.provider}:${event.externalId}` });
      return { eventId: inserted[0].id, duplicate: false };
    }
    const existing = await tx.$queryRawUnsafe<Array<{ id: string }>>(
      "SELECT id::text AS id FROM webhook_event WHERE provider = $1 AND external_id = $2",
      event.provider,
      event.externalId,
    );
    return { eventId: existing[0]!.id, duplicate: true };
  });
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
