import type { Deps } from "../platform/deps.ts";
import { batcher, type Batcher } from "../platform/db/batch.ts";
import { statement, type Database } from "../platform/db/connect.ts";
import type { JobDefinition } from "../jobs/registry.ts";
import { jobRowsInsertSql } from "../jobs/queue.ts";

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
  /** The payload, parsed: stored as JSON when the route has no `rawPayload`. */
  payload?: unknown;
  /**
   * The payload exactly as received (JSON, as text or its UTF-8 bytes), when the route has
   * it: stored as it is instead of serializing `payload` again. PostgreSQL checks that it is
   * one JSON document (`UnstorablePayloadError` when it is not).
   */
  rawPayload?: string | Buffer;
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
 * answered with their id. The payloads arrive as one byte string, the bodies as received
 * one after another, with each one's offset and length: nothing is escaped or parsed in
 * the api, and PostgreSQL reads each body as UTF-8 JSON on its own, so a body that is not
 * one JSON document fails rather than running into its neighbours. (Exported for its
 * query-plan test.)
 */
export const RECORD = statement(
  `WITH req AS MATERIALIZED (
     SELECT r.provider, r.external_id, r.topic, r.shop_domain,
            convert_from(substring($5::bytea FROM r.start FOR r.len), 'UTF8')::jsonb AS payload,
            h.headers, r.job_type, r.max_attempts, r.n
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $7::text[], $8::int[], $9::int[], $10::int[]) WITH ORDINALITY
       AS r(provider, external_id, topic, shop_domain, job_type, max_attempts, start, len, n)
     JOIN jsonb_array_elements($6::jsonb) WITH ORDINALITY AS h(headers, n) ON h.n = r.n
   ), ev AS (
     INSERT INTO webhook_event (id, provider, external_id, topic, shop_domain, payload, headers)
     SELECT gen_random_uuid(), provider, external_id, topic, shop_domain, payload, headers FROM req ORDER BY n
     ON CONFLICT (provider, external_id) DO NOTHING
     RETURNING id, provider, external_id
   ), jb AS (
     ${jobRowsInsertSql({
       // Each row's job type was checked against the registry by recordWebhook.
       from: "ev JOIN req r ON r.provider = ev.provider AND r.external_id = ev.external_id",
       type: "r.job_type",
       maxAttempts: "r.max_attempts",
       payload: "jsonb_build_object('eventId', ev.id::text)",
       key: "'webhook:' || ev.provider || ':' || ev.external_id",
     })}
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

/** The RECORD statement's payload parameters: the bodies' bytes one after another, and each one's 1-based offset and length. */
export function payloadParams(bodies: Array<string | Buffer>): [Buffer, number[], number[]] {
  const buffers = bodies.map((b) => (typeof b === "string" ? Buffer.from(b, "utf8") : b));
  const starts: number[] = [];
  const lengths: number[] = [];
  let at = 1;
  for (const b of buffers) {
    starts.push(at);
    lengths.push(b.length);
    at += b.length;
  }
  return [Buffer.concat(buffers, at - 1), starts, lengths];
}

interface RecordInput {
  event: InboundWebhook;
  jobType: string;
  maxAttempts: number;
}

type RecordOutput = { id: string | null; created: boolean } | { refused: UnstorablePayloadError };

async function recordMany(db: Database, inputs: RecordInput[]): Promise<RecordOutput[]> {
  const [bytes, starts, lengths] = payloadParams(inputs.map((i) => i.event.rawPayload ?? JSON.stringify(i.event.payload ?? null)));
  try {
    return await db.sql.query<{ id: string | null; created: boolean }>(RECORD, [
      inputs.map((i) => i.event.provider),
      inputs.map((i) => i.event.externalId),
      inputs.map((i) => i.event.topic),
      inputs.map((i) => i.event.shopDomain ?? null),
      bytes,
      JSON.stringify(inputs.map((i) => i.event.headers ?? {})),
      inputs.map((i) => i.jobType),
      inputs.map((i) => i.maxAttempts),
      starts,
      lengths,
    ]);
  } catch (err) {
    // A body that is not one JSON document PostgreSQL's jsonb accepts (not JSON, not UTF-8, a
    // \u0000 escape, a lone surrogate, a number past numeric's range): only that delivery is
    // refused, the others of its batch are recorded on their own.
    if (!isDataException(err)) throw err;
    if (inputs.length === 1) return [{ refused: new UnstorablePayloadError((err as Error).message) }];
    return Promise.all(inputs.map(async (i) => (await recordMany(db, [i]))[0]!));
  }
}

/** PostgreSQL's class 22 (data exception): the statement refused a value, nothing was written. */
const isDataException = (err: unknown) => /^22/.test(String((err as { code?: unknown })?.code ?? ""));

/** A verified delivery whose body the event log cannot store as JSON (see `recordMany`): answer 400. */
export class UnstorablePayloadError extends Error {
  override name = "UnstorablePayloadError";
}

const recorders = new WeakMap<Database, Batcher<RecordInput, RecordOutput>>();
function recorder(db: Database) {
  let r = recorders.get(db);
  if (!r) {
    // Deliveries of one event never share a statement: the later one runs after and finds it recorded.
    // At most two statements in flight: under a burst, deliveries gather into larger batches
    // (fewer statements and commits for the same events) while one batch commits and the
    // next runs.
    r = batcher((inputs: RecordInput[]) => recordMany(db, inputs), { key: (i) => `${i.event.provider}:${i.event.externalId}`, maxInFlight: 2 });
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
  if ("refused" in row) throw row.refused;
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
  /** What the route kept of the delivery's headers (Shopify: apiVersion, triggeredAt, eventId). */
  headers: Record<string, string>;
  processedAt: Date | null;
}

/**
 * For processing jobs: the event, or undefined if it no longer exists (e.g. redacted). The
 * payload is read as the stored JSON text and parsed with `parse` (Shopify's bodies need a
 * lossless parse: see shopify-json.ts).
 */
export async function loadWebhook(deps: Pick<Deps, "db">, eventId: string, parse: (text: string) => unknown = JSON.parse): Promise<StoredWebhook | undefined> {
  const rows = await deps.db.sql.query<Omit<StoredWebhook, "payload"> & { payload: string }>(
    `SELECT id::text AS id, provider, external_id AS "externalId", topic, shop_domain AS "shopDomain", payload::text AS payload,
            headers, processed_at AS "processedAt"
     FROM webhook_event WHERE id = $1::uuid`,
    [eventId],
  );
  const row = rows[0];
  return row && { ...row, processedAt: row.processedAt && new Date(row.processedAt), payload: parse(row.payload) };
}

export async function markWebhookProcessed(deps: Pick<Deps, "db">, eventId: string, error?: string): Promise<void> {
  await deps.db.prisma.webhookEvent.update({
    where: { id: eventId },
    data: error ? { error } : { processedAt: new Date(), error: null },
  });
}
