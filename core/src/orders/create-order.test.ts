import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBuyerOrg } from "../buyers/buyers.service.ts";
import { asPlatform } from "../testing/deps.ts";
import { bearer, testApp, type TestApp } from "../http/testing.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { splitOrder } from "./split-order.ts";

/** Idempotent order creation: a retry gets the first order; anything else under the key is refused. */
let t: TestApp;
let s: Seeded;
let key: string;
beforeAll(async () => {
  t = await testApp();
  s = await seedVendor(t.deps.db);
  key = (await createBuyerOrg(asPlatform(t.deps), { name: "Acme", email: "a@acme.test" })).apiKey.key;
});
afterAll(async () => {
  await t?.close();
});

const post = (body: unknown, idempotencyKey: string) =>
  t.app.request("/v1/orders", {
    method: "POST",
    headers: bearer(key, { "content-type": "application/json", "idempotency-key": idempotencyKey }),
    body: JSON.stringify(body),
  });
const order = (recipients: Array<{ name: string; email: string }>, extra: Record<string, unknown> = {}) => ({
  storefront: s.storefrontSlug,
  offerId: s.mugOfferId,
  recipients: recipients.map((r) => ({ ...r, country: "US" })),
  ...extra,
});
const alice = { name: "Alice", email: "alice@example.test" };
const bob = { name: "Bob", email: "bob@example.test" };
const carol = { name: "Carol", email: "carol@example.test" };
const dan = { name: "Dan", email: "dan@example.test" };

describe("text the database cannot hold", () => {
  it("refuses a NUL character in any field with 422 and where it is; nothing is written", async () => {
    const before = await t.deps.db.prisma.giftOrder.count();
    const res = await post(order([alice, { name: "Nul\u0000Name", email: "nul@example.test" }], { senderName: "Acme\u0000" }), "idem-nul");
    expect(res.status).toBe(422);
    const body = (await res.json()) as { code: string; errors: Array<{ pointer: string }> };
    expect(body.code).toBe("invalid_characters");
    expect(body.errors.map((e) => e.pointer).sort()).toEqual(["/recipients/1/name", "/senderName"]);
    expect(await t.deps.db.prisma.giftOrder.count()).toBe(before);
  });
});

describe("Idempotency-Key on order creation", () => {
  it("refuses other recipients under a used key even when the total and count are the same", async () => {
    const first = await post(order([alice, bob]), "idem-same-total");
    expect(first.status).toBe(201);
    const other = await post(order([carol, dan]), "idem-same-total");
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({ code: "idempotency_mismatch" });
    const otherRef = await post(order([alice, bob], { buyerReference: "PO-999" }), "idem-same-total");
    expect(otherRef.status).toBe(409);
    // Nothing was written for the refused requests.
    expect(await t.deps.db.prisma.orderRecipient.count({ where: { email: { in: [carol.email, dan.email] } } })).toBe(0);
  });

  it("replays the same order, also when the retry spells the emails in another case", async () => {
    const first = await post(order([alice, bob]), "idem-retry");
    const { order: o } = (await first.json()) as { order: { id: string } };
    const retry = await post(order([alice, { ...bob, email: "BOB@Example.test" }]), "idem-retry");
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as { order: { id: string } }).order.id).toBe(o.id);
  });

  it("under a race of different bodies on one key: one order; its twins replay it, the others are refused", async () => {
    const a = order([alice, bob]);
    const b = order([carol, dan]);
    const results = await Promise.all([a, b, a, b, a, b, a, b].map((body) => post(body, "idem-race")));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((x) => x === 201)).toHaveLength(1);
    const winner = statuses.indexOf(201) % 2; // 0: body a won, 1: body b
    statuses.forEach((status, i) => expect(status).toBe(i % 2 === winner ? (status === 201 ? 201 : 200) : 409));
    const orders = await t.deps.db.prisma.giftOrder.findMany({ where: { idempotencyKey: "idem-race" } });
    expect(orders).toHaveLength(1);
  });
});

describe("fields the API does not know", () => {
  it("are refused, not dropped: a currency on the order, a quantity or variant on a recipient; nothing is written", async () => {
    const before = await t.deps.db.prisma.giftOrder.count();
    const currency = await post(order([alice], { currency: "EUR" }), "idem-unknown-1");
    expect(currency.status).toBe(422);
    expect(JSON.stringify(await currency.json())).toContain("currency");
    const quantity = await post({ ...order([]), recipients: [{ ...alice, country: "US", quantity: 5, variantId: "nope" }] }, "idem-unknown-2");
    expect(quantity.status).toBe(422);
    const body = (await quantity.json()) as { errors: Array<{ path: string; code: string; message: string }> };
    // One error per unknown field, at the field.
    expect(body.errors.map((e) => [e.path, e.code])).toEqual([
      ["recipients.0.quantity", "unknown_field"],
      ["recipients.0.variantId", "unknown_field"],
    ]);
    expect(await t.deps.db.prisma.giftOrder.count()).toBe(before);
    // The quote takes the order's own fields too, and nothing else.
    const quote = (b: unknown) => t.app.request(`/v1/storefronts/${s.storefrontSlug}/quote`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(b) });
    expect((await quote({ offerId: s.mugOfferId, recipients: [{ ...alice, country: "US" }], buyerReference: "PO-1", senderName: "Acme" })).status).toBe(200);
    expect((await quote({ offerId: s.mugOfferId, recipients: [{ ...alice, country: "US" }], currency: "EUR" })).status).toBe(422);
  });
});

describe("send dates", () => {
  it("takes a date alone, in JSON and CSV: today's is sent at once, not refused as past; one days gone is", async () => {
    const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
    const today = await post(order([{ ...alice, sendAt: day(0) } as typeof alice]), "idem-date-today");
    expect(today.status).toBe(201);
    const { order: o } = (await today.json()) as { order: { id: string } };
    const row = await t.deps.db.prisma.orderRecipient.findFirstOrThrow({ where: { orderId: o.id } });
    expect(row.sendAt?.toISOString()).toBe(`${day(0)}T00:00:00.000Z`);
    const csv = await t.app.request(`/v1/orders/csv?storefront=${s.storefrontSlug}&offerId=${s.mugOfferId}`, {
      method: "POST",
      headers: bearer(key, { "content-type": "text/csv", "idempotency-key": "idem-date-csv" }),
      body: `name,email,country,send_at\nBob,bob@example.test,US,${day(0)}\n`,
    });
    expect(csv.status).toBe(201);
    const past = await post(order([{ ...alice, sendAt: day(-3) } as typeof alice]), "idem-date-past");
    expect(past.status).toBe(422);
    expect(JSON.stringify(await past.json())).toContain("send_at_past");
    const nonsense = await post(order([{ ...alice, sendAt: "2026-13-45" } as typeof alice]), "idem-date-bad");
    expect(nonsense.status).toBe(422);
  });
});

describe("stock", () => {
  it("refuses more recipients for an offer than its stock, saying from which row; the quote says so too", async () => {
    const mug = s.variants["mug:default"]!;
    const before = await t.deps.db.prisma.variant.findUniqueOrThrow({ where: { id: mug } });
    await t.deps.db.prisma.variant.update({ where: { id: mug }, data: { inventoryTracked: true, inventoryQuantity: before.inventoryReserved + 2 } });
    try {
      const three = order([alice, bob, carol]);
      const res = await post(three, "idem-stock-1");
      expect(res.status).toBe(422);
      const body = (await res.json()) as { rows: Array<{ row: number; code: string; message: string }> };
      expect(body.rows).toEqual([{ row: 3, field: "offerId", code: "insufficient_stock", message: expect.stringContaining("has 2 available") }]);
      const quote = await t.app.request(`/v1/storefronts/${s.storefrontSlug}/quote`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ offerId: three.offerId, recipients: three.recipients }),
      });
      expect(quote.status).toBe(422);
      expect(JSON.stringify(await quote.json())).toContain("insufficient_stock");
      expect((await post(order([alice, bob]), "idem-stock-2")).status).toBe(201);
      // Untracked stock is unlimited.
      await t.deps.db.prisma.variant.update({ where: { id: mug }, data: { inventoryTracked: false } });
      expect((await post(three, "idem-stock-3")).status).toBe(201);
    } finally {
      await t.deps.db.prisma.variant.update({ where: { id: mug }, data: { inventoryTracked: before.inventoryTracked, inventoryQuantity: before.inventoryQuantity } });
    }
  });

  it("counts paid gifts waiting for a single item against its stock (not redeemed, expired or canceled ones), for the storefront, quotes and orders", async () => {
    const mug = s.variants["mug:default"]!;
    const before = await t.deps.db.prisma.variant.findUniqueOrThrow({ where: { id: mug } });
    const mugAvailable = async () => {
      const view = (await (await t.app.request(`/v1/storefronts/${s.storefrontSlug}`)).json()) as { offers: Array<{ id: string; choices: Array<{ available: number | null }> }> };
      return view.offers.find((o) => o.id === s.mugOfferId)!.choices[0]!.available;
    };
    // A fresh brand state: nothing else waits for mugs in this test's count.
    const waitingBefore = await t.deps.db.prisma.fulfillmentUnit.count({ where: { offerId: s.mugOfferId, status: { in: ["issued", "sent"] } } });
    await t.deps.db.prisma.variant.update({ where: { id: mug }, data: { inventoryTracked: true, inventoryQuantity: before.inventoryReserved + waitingBefore + 5 } });
    try {
      expect(await mugAvailable()).toBe(5);
      const paid = await post(order([alice, bob, carol]), "idem-promised-paid");
      expect(paid.status).toBe(201);
      const { order: o } = (await paid.json()) as { order: { id: string; totalAmount: number } };
      await t.deps.db.prisma.giftOrder.update({ where: { id: o.id }, data: { stripePaymentIntentId: "pi_promised" } });
      await splitOrder(t.deps, { paymentIntentId: "pi_promised", amount: o.totalAmount, currency: "usd" });
      // Three mugs are promised to Alice, Bob and Carol: two are left to promise.
      expect(await mugAvailable()).toBe(2);
      const three = await post(order([dan, { name: "Eve", email: "eve@example.test" }, { name: "Fay", email: "fay@example.test" }]), "idem-promised-3");
      expect(three.status).toBe(422);
      expect(((await three.json()) as { rows: Array<{ row: number; code: string }> }).rows).toEqual([expect.objectContaining({ row: 3, code: "insufficient_stock" })]);
      // A gift that expired or was canceled no longer holds its mug; a redeemed one holds it as a reservation.
      const units = await t.deps.db.prisma.fulfillmentUnit.findMany({ where: { orderId: o.id }, orderBy: { recipientName: "asc" } });
      await t.deps.db.prisma.fulfillmentUnit.update({ where: { id: units[0]!.id }, data: { status: "expired" } });
      await t.deps.db.prisma.fulfillmentUnit.update({ where: { id: units[1]!.id }, data: { status: "canceled" } });
      expect(await mugAvailable()).toBe(4);
      await t.deps.db.prisma.fulfillmentUnit.update({ where: { id: units[2]!.id }, data: { status: "redeemed" } });
      await t.deps.db.prisma.variant.update({ where: { id: mug }, data: { inventoryReserved: { increment: 1 } } });
      expect(await mugAvailable()).toBe(4);
    } finally {
      await t.deps.db.prisma.variant.update({ where: { id: mug }, data: { inventoryTracked: before.inventoryTracked, inventoryQuantity: before.inventoryQuantity, inventoryReserved: before.inventoryReserved } });
    }
  });
});
