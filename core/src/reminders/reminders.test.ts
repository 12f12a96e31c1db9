import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBuyerOrg } from "../buyers/buyers.service.ts";
import { asPlatform } from "../testing/deps.ts";
import type { SentEmail } from "../integrations/email/email.ts";
import { startWorker } from "../jobs/create-queue.ts";
import { waitUntil } from "../jobs/testing/harness.ts";
import { testApp, type TestApp } from "../http/testing.ts";
import { createOrder } from "../orders/create-order.ts";
import { splitOrder } from "../orders/split-order.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import type { ReminderSettings } from "./reminder-settings.ts";
import { REMINDER_JOB, sweepReminders } from "./reminders.jobs.ts";
import { asBuyer } from "../testing/buyer.ts";

/**
 * Reminders of unredeemed gifts: the first is set when the gift email goes out, the sweep
 * (run here with the clock moved on instead of waiting days) enqueues each due one once and
 * moves the gift on, none goes to a gift redeemed, canceled, expired or on hold, and the
 * schedule is the order's, else the brand's, else 3 and 10 days after sending and 3 before expiry.
 */
let t: TestApp;
let s: Seeded;
let buyer: { buyerOrgId: string; apiKeyId: string; key: string };
const DAY = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  t = await testApp({ env: { JOB_POLL_INTERVAL_MS: "10" } });
  s = await seedVendor(t.deps.db);
  const org = await createBuyerOrg(asPlatform(t.deps), { name: "Acme", email: "gifts@acme.test" });
  buyer = { buyerOrgId: org.id, apiKeyId: org.apiKey.id, key: org.apiKey.key };
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const sent = () => (t.deps.email as unknown as { sent: SentEmail[] }).sent;
const unit = (id: string) => t.deps.db.prisma.fulfillmentUnit.findUniqueOrThrow({ where: { id } });

/** A paid order whose gift emails went out: its units. */
async function sentGifts(n: number, tag: string, reminders?: ReminderSettings) {
  const created = await createOrder(asBuyer(t.deps, buyer), t.deps, {
    storefront: s.storefrontSlug,
    offerId: s.mugOfferId,
    senderName: "Maya at Acme",
    recipients: Array.from({ length: n }, (_, i) => ({ name: `Ada ${tag}${i} Lovelace`, email: `${tag}${i}@example.test`, country: "US" })),
    ...(reminders ? { reminders } : {}),
  });
  if (!created.ok) throw new Error(JSON.stringify(created));
  const pi = `pi_rem_${created.orderId.slice(0, 8)}`;
  await t.deps.db.prisma.giftOrder.update({ where: { id: created.orderId }, data: { stripePaymentIntentId: pi } });
  await splitOrder(t.deps, { paymentIntentId: pi, amount: created.quote.totalAmount, currency: "usd" });
  const worker = startWorker(t.deps);
  try {
    await waitUntil(async () => (await t.deps.db.prisma.fulfillmentUnit.count({ where: { orderId: created.orderId, status: "sent" } })) === n);
  } finally {
    await worker.stop();
  }
  const units = await t.deps.db.prisma.fulfillmentUnit.findMany({ where: { orderId: created.orderId }, orderBy: { recipientEmail: "asc" } });
  return { orderId: created.orderId, units };
}

const reminderJobs = (unitId: string) =>
  t.deps.db.prisma.job.findMany({ where: { type: REMINDER_JOB, idempotencyKey: { startsWith: `unit:${unitId}:reminder:` } }, orderBy: { idempotencyKey: "asc" } });

describe("reminders", () => {
  it("remind 3 and 10 days after sending and 3 days before expiry, each once, and stop at redemption, cancellation or a hold", async () => {
    const { orderId, units } = await sentGifts(4, "a");
    const [waiting, redeemed, canceled, held] = units as [(typeof units)[0], (typeof units)[0], (typeof units)[0], (typeof units)[0]];
    const sentAt = waiting.sentAt!;
    // The first reminder is set with the gift email: 3 days after it.
    expect(waiting.reminderNextAt?.getTime()).toBe(sentAt.getTime() + 3 * DAY);

    // Day 3: one reminder per gift; the same sweep again (or a second worker's) adds none.
    const day3 = new Date(sentAt.getTime() + 3 * DAY + 60_000);
    expect(await sweepReminders(t.deps, day3)).toEqual({ moved: 4, enqueued: 4 });
    expect(await sweepReminders(t.deps, day3)).toEqual({ moved: 0, enqueued: 0 });
    expect((await unit(waiting.id)).reminderNextAt?.getTime()).toBe(sentAt.getTime() + 10 * DAY);
    expect(await reminderJobs(waiting.id)).toHaveLength(1);

    // Then one is redeemed, one canceled, and one's order goes on hold (a disputed payment).
    await t.deps.db.prisma.fulfillmentUnit.update({ where: { id: redeemed.id }, data: { status: "redeemed", redeemedAt: new Date() } });
    await t.deps.db.prisma.fulfillmentUnit.update({ where: { id: canceled.id }, data: { status: "canceled" } });
    const heldOrder = await sentGifts(1, "h");
    await t.deps.db.prisma.giftOrder.update({ where: { id: heldOrder.orderId }, data: { disputedAt: new Date(), disputeStatus: "needs_response" } });
    expect(held).toBeDefined();

    // Day 10: only the gift still waiting is reminded; the others leave the schedule.
    const day10 = new Date(sentAt.getTime() + 10 * DAY + 60_000);
    const r10 = await sweepReminders(t.deps, day10);
    expect(r10.enqueued).toBe(2); // `waiting` and `held` of the first order (its order is not on hold)
    expect(await reminderJobs(waiting.id)).toHaveLength(2);
    expect(await reminderJobs(redeemed.id)).toHaveLength(1);
    expect(await reminderJobs(canceled.id)).toHaveLength(1);
    expect((await unit(redeemed.id)).reminderNextAt).toBeNull();
    expect((await unit(canceled.id)).reminderNextAt).toBeNull();
    const heldUnit = heldOrder.units[0]!;
    expect(await reminderJobs(heldUnit.id)).toHaveLength(0); // on hold at day 3 and 10: skipped, not sent late
    expect((await unit(heldUnit.id)).remindersSent).toBe(0);

    // 3 days before expiry (the mug's gifts last 60 days): the last reminder, then none.
    const expiresAt = waiting.expiresAt.getTime();
    expect((await unit(waiting.id)).reminderNextAt?.getTime()).toBe(expiresAt - 3 * DAY);
    await sweepReminders(t.deps, new Date(expiresAt - 3 * DAY + 60_000));
    const jobs = await reminderJobs(waiting.id);
    expect(jobs).toHaveLength(3);
    expect(jobs.map((j) => (j.payload as { last: boolean }).last).sort()).toEqual([false, false, true]);
    expect((await unit(waiting.id)).reminderNextAt).toBeNull();
    expect((await unit(waiting.id)).remindersSent).toBe(3);

    // The jobs send what is still due: the waiting gift's three (the redeemed and canceled ones'
    // day-3 jobs, enqueued before, find them so and send nothing). The day-3 ones ran when the
    // held order's emails were sent.
    const worker = startWorker(t.deps);
    try {
      await waitUntil(async () => (await t.deps.db.prisma.job.count({ where: { type: REMINDER_JOB, status: { in: ["queued", "running"] } } })) === 0);
    } finally {
      await worker.stop();
    }
    const mails = sent().filter((m) => m.to === waiting.recipientEmail && m.idempotencyKey.includes(":reminder:"));
    // The three jobs were queued together, so the worker may send them in any order.
    expect(mails.map((m) => m.subject).sort()).toEqual([
      "Reminder: your gift from Northwind Goods is waiting for you",
      "Reminder: your gift from Northwind Goods is waiting for you",
      expect.stringMatching(/^Your gift from Northwind Goods expires on /),
    ]);
    expect(new Set(mails.map((m) => m.idempotencyKey)).size).toBe(3);
    expect(mails[0]!.fromName).toBe("Acme via Northwind Goods");
    expect(mails[0]!.replyTo).toBe("gifts@acme.test");
    expect(mails[0]!.html).toContain("Hi Ada,");
    expect(sent().filter((m) => m.to === canceled.recipientEmail || m.to === redeemed.recipientEmail).map((m) => m.subject)).toEqual([
      "Maya at Acme sent you a gift from Northwind Goods",
      "Maya at Acme sent you a gift from Northwind Goods",
    ]);
    expect(orderId).toBeTruthy();
  }, 120_000);

  it("follow the order's own schedule, else the brand's; empty lists mean none", async () => {
    const none = await sentGifts(1, "n", { afterSentDays: [], beforeExpiryDays: [] });
    expect(none.units[0]!.reminderNextAt).toBeNull();
    const own = await sentGifts(1, "o", { afterSentDays: [7], beforeExpiryDays: [] });
    expect(own.units[0]!.reminderNextAt?.getTime()).toBe(own.units[0]!.sentAt!.getTime() + 7 * DAY);
    await t.deps.db.prisma.vendor.update({ where: { id: s.vendorId }, data: { reminderSettings: { afterSentDays: [1, 2], beforeExpiryDays: [] } } });
    try {
      const brand = await sentGifts(1, "b");
      expect(brand.units[0]!.reminderNextAt?.getTime()).toBe(brand.units[0]!.sentAt!.getTime() + 1 * DAY);
      // The buyer sees the schedule in force on the order.
      const res = await t.app.request(`/v1/orders/${brand.orderId}`, { headers: { authorization: `Bearer ${buyer.key}` } });
      expect(((await res.json()) as { reminders: ReminderSettings }).reminders).toEqual({ afterSentDays: [1, 2], beforeExpiryDays: [] });
    } finally {
      await t.deps.db.prisma.vendor.update({ where: { id: s.vendorId }, data: { reminderSettings: undefined } });
    }
  }, 60_000);

  it("the orders API takes the buyer's schedule and refuses a bad one by field", async () => {
    const body = (reminders: unknown) =>
      JSON.stringify({ storefront: s.storefrontSlug, offerId: s.mugOfferId, recipients: [{ name: "Ada", email: "ada@example.test", country: "US" }], reminders });
    const headers = { authorization: `Bearer ${buyer.key}`, "content-type": "application/json" };
    const ok = await t.app.request("/v1/orders", { method: "POST", headers, body: body({ afterSentDays: [10, 2], beforeExpiryDays: [5] }) });
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as { order: { reminders: ReminderSettings } }).order.reminders).toEqual({ afterSentDays: [2, 10], beforeExpiryDays: [5] });
    const bad = await t.app.request("/v1/orders", { method: "POST", headers, body: body({ afterSentDays: [0, 2.5], beforeExpiryDays: [3, 3] }) });
    expect(bad.status).toBe(422);
    const problem = (await bad.json()) as { errors: Array<{ path: string }> };
    expect(problem.errors.map((e) => e.path)).toEqual(expect.arrayContaining(["reminders.afterSentDays.0", "reminders.afterSentDays.1", "reminders.beforeExpiryDays"]));
  });
});
