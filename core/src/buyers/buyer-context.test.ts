import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBuyerOrg } from "./buyers.service.ts";
import { createOrder } from "../orders/create-order.ts";
import { listOrders } from "../orders/order-view.ts";
import { splitOrder } from "../orders/split-order.ts";
import { asPlatform, testDeps, type TestDeps } from "../testing/deps.ts";
import { seedVendor } from "../testing/seed.ts";
import { asBuyer } from "../testing/buyer.ts";
import type { BuyerContext } from "./buyer-context.ts";

/**
 * A buyer's use-case context: its `db` sees the organisation's own rows (orders, their
 * recipients and gifts, members, keys) whatever a query forgets to name, and its raw SQL
 * runs as the tenant role, which PostgreSQL shows only the organisation's rows. On PGlite
 * and, under test:stack, PostgreSQL.
 */
let deps: TestDeps;
let a: BuyerContext;
let b: BuyerContext;
const orders: Record<"a" | "b", string> = { a: "", b: "" };
const keys: Record<"a" | "b", string> = { a: "", b: "" };

async function buyerWithPaidOrder(name: "a" | "b", slug: string, offerId: string): Promise<BuyerContext> {
  const org = await createBuyerOrg(asPlatform(deps), { name, email: `${name}@buyer.test` });
  keys[name] = org.apiKey.id;
  const ctx = asBuyer(deps, { buyerOrgId: org.id, apiKeyId: org.apiKey.id });
  const created = await createOrder(ctx, deps, { storefront: slug, offerId, recipients: [{ name: `${name} one`, email: `${name}1@example.test`, country: "US" }] });
  if (!created.ok) throw new Error(`order: ${created.code}`);
  orders[name] = created.orderId;
  await deps.db.prisma.giftOrder.update({ where: { id: created.orderId }, data: { stripePaymentIntentId: `pi_ctx_${name}` } });
  await splitOrder(deps, { paymentIntentId: `pi_ctx_${name}`, amount: created.quote.totalAmount, currency: "usd" });
  return ctx;
}

beforeAll(async () => {
  deps = await testDeps();
  const s = await seedVendor(deps.db);
  a = await buyerWithPaidOrder("a", s.storefrontSlug, s.mugOfferId);
  b = await buyerWithPaidOrder("b", s.storefrontSlug, s.mugOfferId);
}, 120_000);
afterAll(async () => deps?.close());

describe("a buyer's context", () => {
  it("reads only its own orders, recipients and gifts when a query names no buyer", async () => {
    expect((await a.db.prisma.giftOrder.findMany({})).map((o) => o.id)).toEqual([orders.a]);
    expect(await a.db.prisma.giftOrder.findUnique({ where: { id: orders.b } })).toBeNull();
    expect(await a.db.prisma.orderRecipient.findMany({ where: { orderId: orders.b } })).toEqual([]);
    expect(await a.db.prisma.fulfillmentUnit.count()).toBe(1);
    expect(await a.db.prisma.fulfillmentUnit.findFirst({ where: { orderId: orders.b } })).toBeNull();
    expect((await a.db.prisma.buyerApiKey.findMany({})).map((k) => k.id)).toEqual([keys.a]);
    expect(await a.db.prisma.buyerOrg.findUnique({ where: { id: b.tenant.buyerOrgId } })).toBeNull();
    expect((await listOrders(a, deps, { limit: 50 })).map((o) => o.id)).toEqual([orders.a]);
  });

  it("cannot change another buyer's rows, nor create rows for it", async () => {
    expect((await a.db.prisma.buyerApiKey.updateMany({ where: { id: keys.b }, data: { revokedAt: new Date() } })).count).toBe(0);
    expect((await a.db.prisma.giftOrder.updateMany({ data: { buyerReference: "renamed" } })).count).toBe(1);
    expect(await deps.db.prisma.giftOrder.count({ where: { id: orders.b, buyerReference: "renamed" } })).toBe(0);
    expect((await a.db.prisma.fulfillmentUnit.updateMany({ where: { orderId: orders.b }, data: { recipientName: "Taken" } })).count).toBe(0);
    await expect(a.db.prisma.buyerMember.create({ data: { buyerOrgId: b.tenant.buyerOrgId, email: "x@example.test", role: "owner" } })).rejects.toThrow(/another buyer/);
    await expect(a.db.prisma.buyerOrg.create({ data: { name: "Another", email: "n@example.test" } })).rejects.toThrow(/cannot create a buyer/);
    const member = await a.db.prisma.buyerMember.create({ data: { email: "new@example.test", role: "sender" } as never });
    expect(member.buyerOrgId).toBe(a.tenant.buyerOrgId);
    expect(await deps.db.prisma.buyerApiKey.findUniqueOrThrow({ where: { id: keys.b } })).toMatchObject({ revokedAt: null });
  });

  it("runs raw SQL as the organisation: a query without a WHERE sees its own orders only", async () => {
    const seen = await a.db.sql.query<{ id: string }>("SELECT id::text FROM gift_order");
    expect(seen.map((r) => r.id)).toEqual([orders.a]);
    expect(await a.db.sql.query("SELECT id FROM buyer_api_key WHERE id = $1::uuid", [keys.b])).toEqual([]);
    // The organisation's raw SQL reaches no brand's tables.
    expect(await a.db.sql.query("SELECT id FROM product")).toEqual([]);
  });

  it("names who asked: the key or the member", () => {
    expect(a.actor).toBe(`buyer_api_key:${keys.a}`);
    expect(asBuyer(deps, { buyerOrgId: a.tenant.buyerOrgId, apiKeyId: null, memberId: "m-1", role: "owner" }).actor).toBe("buyer_member:m-1");
  });
});
