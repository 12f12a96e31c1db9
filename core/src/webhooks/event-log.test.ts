import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineJob, JobRegistry } from "../jobs/registry.ts";
import { testDeps, type TestDeps } from "../testing/deps.ts";
import { loadWebhook, markWebhookProcessed, payloadParams, RECORD, recordWebhook } from "./event-log.ts";

const processJob = defineJob({
  type: "test.webhook.process",
  schema: z.object({ eventId: z.string() }),
  async handler() {},
});

let deps: TestDeps;
beforeAll(async () => {
  deps = await testDeps({ registry: new JobRegistry([processJob]) });
});
afterAll(async () => {
  await deps?.close();
});

describe("webhook event log", () => {
  it("records an event once and enqueues one processing job, however often and concurrently it arrives", async () => {
    const event = { provider: "stripe" as const, externalId: "evt_123", topic: "payment_intent.succeeded", payload: { id: "evt_123" } };
    const results = await Promise.all(Array.from({ length: 5 }, () => recordWebhook(deps, event, processJob)));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.eventId)).size).toBe(1);
    expect(await deps.db.prisma.webhookEvent.count({ where: { externalId: "evt_123" } })).toBe(1);
    const jobs = await deps.db.sql.query<{ payload: { eventId: string } }>("SELECT payload FROM job WHERE type = $1", [processJob.type]);
    expect(jobs).toEqual([{ payload: { eventId: results[0]!.eventId } }]);
  });

  it("keeps providers apart: the same id from two providers is two events", async () => {
    await recordWebhook(deps, { provider: "stripe", externalId: "same", topic: "a", payload: {} }, processJob);
    const r = await recordWebhook(deps, { provider: "shopify", externalId: "same", topic: "b", payload: {}, shopDomain: "x.myshopify.com" }, processJob);
    expect(r.duplicate).toBe(false);
  });

  it("loads an event and marks it processed", async () => {
    const r = await recordWebhook(deps, { provider: "stripe", externalId: "evt_load", topic: "charge.refunded", payload: { amount: 5 } }, processJob);
    const e = await loadWebhook(deps, r.eventId);
    expect(e).toMatchObject({ topic: "charge.refunded", payload: { amount: 5 }, processedAt: null });
    await markWebhookProcessed(deps, r.eventId);
    expect((await loadWebhook(deps, r.eventId))?.processedAt).toBeInstanceOf(Date);
  });

  it("finds an event already recorded through its unique index, not by reading the whole log", async () => {
    // The log only grows. A statement that scanned it on every delivery cost more with
    // every event ever received (measured: 2.6 ms per batch of 20 at 1,000 events, 6 ms at
    // 10,000), whatever plan PostgreSQL caches for the prepared statement.
    await deps.db.sql.execute(
      `INSERT INTO webhook_event (id, provider, external_id, topic, payload)
       SELECT gen_random_uuid(), 'stripe', 'evt_plan_' || g, 'charge.refunded', '{}'::jsonb FROM generate_series(1, 3000) g`,
    );
    // A batch as a rush of deliveries makes it: some events new, some redelivered.
    const ids = Array.from({ length: 50 }, (_, i) => (i % 2 ? `evt_plan_${i}` : `evt_plan_new_${i}`));
    const [bytes, starts, lengths] = payloadParams(ids.map(() => "{}"));
    const headers = JSON.stringify(ids.map(() => ({})));
    const params = [ids.map(() => "stripe"), ids, ids.map(() => "charge.refunded"), ids.map(() => null), bytes, headers, ids.map(() => processJob.type), ids.map(() => 3), starts, lengths];
    for (const mode of ["force_custom_plan", "force_generic_plan"]) {
      const plan = await deps.db.transaction(async (tx) => {
        await tx.execute(`SET LOCAL plan_cache_mode = ${mode}`);
        const rows = await tx.query<Record<string, string>>(`EXPLAIN ${RECORD.text}`, params);
        return rows.map((r) => Object.values(r)[0]).join("\n");
      });
      expect(plan, mode).toContain("webhook_event_provider_external_id_key");
      expect(plan, mode).not.toMatch(/Seq Scan on webhook_event/);
    }
    const answered = await recordWebhook(deps, { provider: "stripe", externalId: "evt_plan_7", topic: "charge.refunded", payload: {} }, processJob);
    const stored = await deps.db.sql.query<{ id: string }>("SELECT id::text AS id FROM webhook_event WHERE external_id = 'evt_plan_7'");
    expect(answered).toEqual({ eventId: stored[0]!.id, duplicate: true });
  });
});
