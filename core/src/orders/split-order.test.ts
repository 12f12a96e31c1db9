import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBuyerOrg } from "../buyers/buyers.service.ts";
import { giftEmailJob } from "../fulfillment/gift-email.jobs.ts";
import { codeLookupHash, openCode } from "../redemption/codes/codes.ts";
import { choicesForOffers } from "../storefronts/offer-choices.ts";
import { asPlatform, testDeps, type TestDeps } from "../testing/deps.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { createOrder } from "./create-order.ts";
import { splitOrder } from "./split-order.ts";
import { asBuyer } from "../testing/buyer.ts";

/**
 * The split of a paid order, unit by unit: what each unit takes from its recipient, its
 * offer and the payment time, and the gift email enqueued with it.
 */
let t: TestDeps;
let s: Seeded;
beforeAll(async () => {
  t = await testDeps();
  s = await seedVendor(t.db);
});
afterAll(async () => {
  await t?.close();
});

const DAY_MS = 24 * 60 * 60 * 1000;

describe("splitting a paid order", () => {
  it("makes one unit per recipient with its own details, the offer's choices frozen, its send date and expiry, and its gift email job", async () => {
    const now = new Date();
    const later = new Date(now.getTime() + 10 * DAY_MS + 12_345).toISOString();
    const org = await createBuyerOrg(asPlatform(t), { name: "Acme", email: "a@acme.test" });
    const created = await createOrder(asBuyer(t, { buyerOrgId: org.id, apiKeyId: org.apiKey.id }), t, {
      storefront: s.storefrontSlug,
      offerId: s.choiceOfferId,
      recipients: [
        { name: "Ada", email: "ada@example.test", country: "US", phone: "+1 555 0100", message: "Thank you, Ada!" },
        { name: "Bob", email: "bob@example.test", country: "US", sendAt: later },
        { name: "Cy", email: "cy@example.test", country: "CA" },
      ],
    });
    if (!created.ok) throw new Error(JSON.stringify(created));
    await t.db.prisma.giftOrder.update({ where: { id: created.orderId }, data: { stripePaymentIntentId: "pi_split_fields" } });

    const result = await splitOrder(t, { paymentIntentId: "pi_split_fields", amount: created.quote.totalAmount, currency: "usd" }, now);
    expect(result).toEqual({ split: true, units: 3 });

    const offer = await t.db.prisma.giftOffer.findUniqueOrThrow({ where: { id: s.choiceOfferId } });
    const choices = (await choicesForOffers(t.db, [s.choiceOfferId])).get(s.choiceOfferId)!.map((c) => c.variantId);
    expect(choices.length).toBeGreaterThan(1);
    const recipients = await t.db.prisma.orderRecipient.findMany({ where: { orderId: created.orderId } });
    const units = await t.db.prisma.fulfillmentUnit.findMany({ where: { orderId: created.orderId }, orderBy: { recipientName: "asc" } });
    expect(units.map((u) => [u.recipientName, u.recipientEmail, u.recipientPhone, u.message])).toEqual([
      ["Ada", "ada@example.test", "+1 555 0100", "Thank you, Ada!"],
      ["Bob", "bob@example.test", null, null],
      ["Cy", "cy@example.test", null, null],
    ]);
    // Each ships to the country its shipping was priced (and paid) for.
    expect(units.map((u) => u.shipCountry)).toEqual(["US", "US", "CA"]);
    const sendAts = [now, new Date(later), now];
    units.forEach((u, i) => {
      const recipient = recipients.find((r) => r.id === u.recipientId)!;
      expect(recipient.name).toBe(u.recipientName);
      expect(u).toMatchObject({ status: "issued", vendorId: s.vendorId, offerId: s.choiceOfferId, amount: recipient.amount, currency: "USD", choices });
      expect(u.sendAt.toISOString()).toBe(sendAts[i]!.toISOString());
      expect(u.expiresAt.getTime() - u.sendAt.getTime()).toBe(offer.expiryDays * DAY_MS);
    });
    // Each code is the unit's own: its lookup hash and sealed copy agree, and no two are alike.
    const codes = await Promise.all(units.map((u) => openCode(t.secrets, u.codeSealed, u.id)));
    units.forEach((u, i) => expect(u.codeHash).toBe(codeLookupHash(codes[i]!, t.codeKey)));
    expect(new Set(codes).size).toBe(3);

    // One gift email per unit, due at its send date, in the shape its handler reads.
    const jobs = await t.db.sql.query<{ type: string; payload: unknown; idempotency_key: string; max_attempts: number; run_at: Date; status: string; priority: number }>(
      "SELECT type, payload, idempotency_key, max_attempts, run_at, status::text, priority FROM job WHERE payload->>'unitId' = ANY($1::text[])",
      [units.map((u) => u.id)],
    );
    expect(jobs).toHaveLength(3);
    for (const [i, u] of units.entries()) {
      const job = jobs.find((j) => j.idempotency_key === `unit:${u.id}:gift-email`)!;
      expect(job).toMatchObject({ type: giftEmailJob.type, max_attempts: giftEmailJob.maxAttempts, status: "queued" });
      expect(giftEmailJob.schema.parse(job.payload)).toEqual({ unitId: u.id });
      expect(new Date(job.run_at).toISOString()).toBe(sendAts[i]!.toISOString());
    }
    // Numbered as a bulk batch (after other work; another order's emails take turns with
    // these), in send-date order.
    const bySendDate = [...jobs].sort((x, y) => new Date(x.run_at).getTime() - new Date(y.run_at).getTime() || x.priority - y.priority);
    expect(bySendDate.map((j) => j.priority)).toEqual([1, 2, 3]);

    // Paid again (a redelivered event): nothing more.
    expect(await splitOrder(t, { paymentIntentId: "pi_split_fields", amount: created.quote.totalAmount, currency: "usd" }, now)).toEqual({
      split: false,
      reason: "already_split",
    });
    expect(await t.db.prisma.fulfillmentUnit.count({ where: { orderId: created.orderId } })).toBe(3);
  });
});
