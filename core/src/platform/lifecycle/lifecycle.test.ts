import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase, type TestDatabase } from "../../testing/db.ts";
import { TransitionError } from "./lifecycle.ts";
import { orderLifecycle, unitLifecycle } from "./lifecycles.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => {
  await db?.close();
});

async function newOrder(): Promise<string> {
  const buyer = await db.prisma.buyerOrg.create({ data: { name: "Acme", email: "gifts@acme.test" } });
  const order = await db.prisma.giftOrder.create({
    data: {
      buyerOrgId: buyer.id,
      storefrontId: "00000000-0000-4000-8000-000000000001",
      currency: "USD",
      itemsAmount: 5000,
      shippingAmount: 0,
      totalAmount: 5000,
      recipientCount: 1,
    },
  });
  return order.id;
}

describe("lifecycles", () => {
  it("every target state of the tables is itself a state", () => {
    for (const lc of [orderLifecycle, unitLifecycle]) {
      const states = Object.keys(lc.transitions);
      for (const targets of Object.values(lc.transitions) as string[][]) {
        for (const t of targets) expect(states).toContain(t);
      }
    }
  });

  it("moves along an allowed transition, bumps the version and records history", async () => {
    const id = await newOrder();
    const r = await db.prisma.$transaction((tx) =>
      orderLifecycle.transition(tx, { id, to: "paid", expectedVersion: 1, actor: "test", reason: "pi succeeded", set: { paid_at: new Date() } }),
    );
    expect(r).toEqual({ from: "awaiting_payment", to: "paid", version: 2 });
    const order = await db.prisma.giftOrder.findUniqueOrThrow({ where: { id } });
    expect(order).toMatchObject({ status: "paid", version: 2 });
    expect(order.paidAt).toBeInstanceOf(Date);
    const history = await db.prisma.stateTransition.findMany({ where: { entityId: id } });
    expect(history).toMatchObject([{ entity: "gift_order", fromState: "awaiting_payment", toState: "paid", version: 2, actor: "test" }]);
  });

  it("refuses a move the table does not allow, and changes nothing", async () => {
    const id = await newOrder();
    const err = await db.prisma
      .$transaction((tx) => orderLifecycle.transition(tx, { id, to: "refunded", expectedVersion: 1, actor: "test" }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransitionError);
    expect((err as TransitionError).code).toBe("not_allowed");
    expect(await db.prisma.giftOrder.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "awaiting_payment", version: 1 });
  });

  it("refuses a stale version (optimistic locking): of two concurrent movers one wins", async () => {
    const id = await newOrder();
    const results = await Promise.allSettled(
      (["paid", "canceled"] as const).map((to) =>
        db.prisma.$transaction((tx) => orderLifecycle.transition(tx, { id, to, expectedVersion: 1, actor: "race" })),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const failed = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((failed.reason as TransitionError).code).toBe("stale");
    expect(await db.prisma.stateTransition.count({ where: { entityId: id } })).toBe(1);
  });

  it("records nothing when the caller's locked state is stale: the update must change exactly one row", async () => {
    const id = await newOrder();
    await db.prisma.$transaction((tx) => orderLifecycle.transition(tx, { id, to: "paid", expectedVersion: 1, actor: "first" }));
    // A caller that read version 1 and passes its state as `locked` skips the read; the row is at 2.
    const err = await db.prisma
      .$transaction((tx) =>
        orderLifecycle.transition(tx, { id, to: "canceled", expectedVersion: 1, actor: "late", locked: { status: "awaiting_payment" } }),
      )
      .catch((e: unknown) => e);
    expect((err as TransitionError).code).toBe("stale");
    expect(await db.prisma.giftOrder.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "paid", version: 2 });
    expect(await db.prisma.stateTransition.findMany({ where: { entityId: id }, select: { actor: true } })).toEqual([{ actor: "first" }]);
  });

  it("answers not_found for an unknown id", async () => {
    const err = await db.prisma
      .$transaction((tx) =>
        orderLifecycle.transition(tx, { id: "00000000-0000-4000-8000-00000000dead", to: "paid", expectedVersion: 1, actor: "t" }),
      )
      .catch((e: unknown) => e);
    expect((err as TransitionError).code).toBe("not_found");
  });
});
