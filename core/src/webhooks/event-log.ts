import type { Deps } from "../platform/deps.ts";
import { batcher, type Batcher } from "../platform/db/batch.ts";
import { statement, type Database } from "../platform/db/connect.ts";
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
  /**
   * The payload exactly as received (JSON text), when the route has it: stored as it is
   * instead of serializing `payload` again.
   */
  rawPayload?: string;
  headers?: Record<string, string>;
}

export interface Recorded {
  eventId: string;
  duplicate: boolean;
}

/**
 * Writes a batch of deliveries of distinct events in one statement, so one round trip and
 * atomic by itself: each event row and its job row are written together or not at all
 * (the hot path of every webhook delivery). Events already recorded are left alone and
 * answered with their id. (Exported for its query-plan test.)
 */
export const RECORD = statement(
  `WITH req AS MATERIALIZED (
     SELECT r.provider, r.external_id, r.topic, r.shop_domain, p.payload, h.headers, r.job_type, r.max_attempts, r.n
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $7::text[], $8::int[]) WITH ORDINALITY
       AS r(provider, external_id, topic, shop_domain, job_type, max_attempts, n)
     JOIN jsonb_array_elements($5::jsonb) WITH ORDINALITY AS p(payload, n) ON p.n = r.n
     JOIN jsonb_array_elements($6::jsonb) WITH ORDINALITY AS h(headers, n) ON h.n = r.n
   ), ev AS (
     INSERT INTO webhook_event (id, provider, external_id, topic, shop_domain, payload, headers)
     SELECT gen_random_uuid(), provider, external_id, topic, shop_domain, payload, headers FROM req ORDER BY n
     ON CONFLICT (provider, external_id) DO NOTHING
     RETURNING id, provider, external_id
   ), jb AS (
     INSERT INTO job (id, type, payload, idempotency_key, max_attempts, run_at)
     SELECT gen_random_uuid(), r.job_type, jsonb_build_object('eventId', ev.id::text), 'webhook:' || ev.provider || ':' || ev.external_id, r.max_attempts, now()
     FROM ev JOIN req r ON r.provider = ev.provider AND r.external_id = ev.external_id
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING id
   )
   SELECT r.n::int AS n,
          -- An event already recorded: its id, by one unique-index lookup. (A join here let the
          -- planner hash the whole event log on every delivery: a scan that grew with the table.)
          COALESCE(ev.id, (SELECT old.id FROM webhook_event old WHERE old.provider = r.provider AND old.external_id = r.external_id))::text AS id,
          ev.id IS NOT NULL AS created
   FROM req r
   LEFT JOIN ev ON ev.provider = r.provider AND ev.external_id = r.external_id
   ORDER BY r.n`,
);

interface RecordInput {
  event: InboundWebhook;
  jobType: string;
  maxAttempts: number;
}

async function recordMany(db: Database, inputs: RecordInput[]): Promise<Array<{ id: string | null; created: boolean }>> {
  return db.sql.query<{ id: string | null; created: boolean }>(RECORD, [
    inputs.map((i) => i.event.provider),
    inputs.map((i) => i.event.externalId),
    inputs.map((i) => i.event.topic),
    inputs.map((i) => i.event.shopDomain ?? null),
    // Payloads as one JSON array, the raw ones joined as received: no array-literal escaping
    // of each document here and no unescaping in PostgreSQL.
    `[${inputs.map((i) => i.event.rawPayload ?? JSON.stringify(i.event.payload ?? null)).join(",")}]`,
    JSON.stringify(inputs.map((i) => i.event.headers ?? {})),
    inputs.map((i) => i.jobType),
    inputs.map((i) => i.maxAttempts),
  ]);
}

const recorders = new WeakMap<Database, Batcher<RecordInput, { id: string | null; created: boolean }>>();
function recorder(db: Database) {
  let r = recorders.get(db);
  if (!r) {
    // Deliveries of one event never share a statement: the later one runs after and finds it recorded.
    r = batcher((inputs: RecordInput[]) => recordMany(db, inputs), { key: (i) => `${i.event.provider}:${i.event.externalId}` });
    recorders.set(db, r);
  }
  return r;
}

/**
 * Records a verified delivery and enqueues its processing job (see above). Concurrent
 * deliveries share one statement and one commit (see `batcher`); each is answered only
 * once its event is committed.
 */
export async function recordWebhook(
  deps: Pick<Deps, "db" | "jobs">,
  event: InboundWebhook,
  processJob: JobDefinition<{ eventId: string }>,
): Promise<Recorded> {
  if (!deps.jobs.registry.get(processJob.type)) throw new Error(`job type ${processJob.type} is not registered`);
  const row = await recorder(deps.db).call({ event, jobType: processJob.type, maxAttempts: processJob.maxAttempts });
  if (row.id) return { eventId: row.id, duplicate: !row.created };
  // A concurrent delivery inserted it after this statement's snapshot: read it afresh.
  const again = await deps.db.sql.query<{ id: string }>(
    "SELECT id::text AS id FROM webhook_event WHERE provider = $1 AND external_id = $2",
    [event.provider, event.externalId],
  );
  if (!again[0]) throw new Error(`recording webhook ${event.provider}:${event.externalId} returned nothing`);
  return { eventId: again[0].id, duplicate: true };
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
