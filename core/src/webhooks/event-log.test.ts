import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineJob, JobRegistry } from "../jobs/registry.ts";
import { testDeps, type TestDeps } from "../testing/deps.ts";
import { loadWebhook, markWebhookProcessed, recordWebhook } from "./event-log.ts";

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
});
