import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBuyerOrg } from "../buyers/buyers.service.ts";
import type { SentEmail } from "../integrations/email/email.ts";
import { startWorker } from "../jobs/create-queue.ts";
import { waitUntil } from "../jobs/testing/harness.ts";
import { createOrder } from "../orders/create-order.ts";
import { splitOrder } from "../orders/split-order.ts";
import { asPlatform, testDeps, type TestDeps } from "../testing/deps.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { lowStock, lowStockKey, lowStockScanJob } from "./brand-notifications.ts";
import { asBuyer } from "../testing/buyer.ts";

/**
 * The brand's notification emails, through the job system: one email per paid gift order
 * (recipients, offers, worth) and low-stock warnings when waiting gifts need more than the
 * stock holds, each sent once.
 */
let deps: TestDeps;
let s: Seeded;
let buyer: { buyerOrgId: string; apiKeyId: string };
const BRAND = "gifting@northwind.test";

beforeAll(async () => {
  deps = await testDeps({ env: { JOB_POLL_INTERVAL_MS: "10", SHOPIFY_APP_URL: "https://app.giftloop.test" } });
  s = await seedVendor(deps.db);
  await deps.db.prisma.vendor.update({ where: { id: s.vendorId }, data: { email: BRAND } });
  const org = await createBuyerOrg(asPlatform(deps), { name: "Acme Corp", email: "ap@acme.test" });
  buyer = { buyerOrgId: org.id, apiKeyId: org.apiKey.id };
});
afterAll(async () => {
  await deps?.close();
});

const sent = () => (deps.email as unknown as { sent: SentEmail[] }).sent;
const toBrand = (subject: RegExp) => sent().filter((m) => m.to === BRAND && subject.test(m.subject));

async function withWorker<T>(fn: () => Promise<T>): Promise<T> {
  const worker = startWorker(deps);
  try {
    return await fn();
  } finally {
    await worker.stop();
  }
}

async function paidOrder(recipients: Array<{ offerId: string }>, reference?: string): Promise<string> {
  const created = await createOrder(asBuyer(deps, buyer), deps, {
    storefront: s.storefrontSlug,
    ...(reference ? { buyerReference: reference } : {}),
    recipients: recipients.map((r, i) => ({ name: `R${i}`, email: `r${i}@example.test`, country: "US", offerId: r.offerId })),
  });
  if (!created.ok) throw new Error(JSON.stringify(created));
  const pi = `pi_notify_${created.orderId.slice(0, 8)}`;
  await deps.db.prisma.giftOrder.update({ where: { id: created.orderId }, data: { stripePaymentIntentId: pi } });
  await splitOrder(deps, { paymentIntentId: pi, amount: created.quote.totalAmount, currency: "usd" });
  return created.orderId;
}

const setStock = (variant: string, quantity: number) => deps.db.prisma.variant.update({ where: { id: s.variants[variant]! }, data: { inventoryQuantity: quantity, inventoryReserved: 0 } });

describe("brand notification emails", () => {
  it("emails the brand once per paid order: who, how many recipients, which offers, what it is worth", async () => {
    const orderId = await paidOrder([{ offerId: s.mugOfferId }, { offerId: s.mugOfferId }, { offerId: s.choiceOfferId }], "PO-42");
    // Paying twice (a redelivered webhook) changes nothing.
    const order = await deps.db.prisma.giftOrder.findUniqueOrThrow({ where: { id: orderId } });
    await splitOrder(deps, { paymentIntentId: order.stripePaymentIntentId!, amount: order.totalAmount, currency: "usd" });
    await withWorker(() => waitUntil(async () => toBrand(/^New gift order/).length === 1));
    const [mail] = toBrand(/^New gift order/);
    expect(mail!.subject).toBe("New gift order: 3 gifts from Acme Corp");
    expect(mail!.text).toContain("Acme Corp ordered 3 gifts from Northwind Goods (their reference PO-42). The order is paid.");
    expect(mail!.text).toContain("2 × Morning mug");
    expect(mail!.text).toContain("1 × Pick your favourite");
    expect(mail!.text).toContain(`Worth ${"$"}${((2 * 3800 + 6800) / 100).toFixed(2)} to you (items and shipping).`);
    expect(mail!.html).toContain(`https://app.giftloop.test/app/orders/${orderId}?shop=`);
    expect(mail!.idempotencyKey).toBe(`brand:new-order:${orderId}:${s.vendorId}`);
    // The job key keeps it to one email even if the job were enqueued again.
    expect(await deps.db.prisma.job.count({ where: { type: "vendors.notify_new_order", payload: { path: ["orderId"], equals: orderId } } })).toBe(1);
  });

  it("warns once when waiting gifts need more of a variant than is in stock, and again when another item runs short", async () => {
    await setStock("mug:default", 200);
    await paidOrder([{ offerId: s.mugOfferId }, { offerId: s.mugOfferId }, { offerId: s.mugOfferId }]);
    await withWorker(() => waitUntil(async () => (await deps.db.prisma.job.count({ where: { type: "vendors.low_stock_scan", status: "succeeded" } })) >= 2));
    expect(toBrand(/^Low stock/)).toHaveLength(0); // plenty of mugs

    // The shop sold mugs meanwhile: fewer left than the gifts waiting for them.
    const waiting = await deps.db.prisma.fulfillmentUnit.count({ where: { vendorId: s.vendorId, offerId: s.mugOfferId, status: { in: ["issued", "sent"] } } });
    await setStock("mug:default", waiting - 2);
    expect(await lowStock(deps, s.vendorId)).toEqual([
      expect.objectContaining({ kind: "variant", id: s.variants["mug:default"], product: "Stoneware Mug", available: waiting - 2, waiting }),
    ]);
    const scan = () => deps.jobs.enqueue(deps.db.prisma, lowStockScanJob, {}, { key: `test-scan-${Math.random()}` });
    await scan();
    await withWorker(() => waitUntil(async () => toBrand(/^Low stock/).length === 1));
    const [warning] = toBrand(/^Low stock/);
    expect(warning!.subject).toBe("Low stock for gifts: Stoneware Mug");
    expect(warning!.text).toContain(`Stoneware Mug (SKU mug-default): ${waiting - 2} in stock, ${waiting} gifts waiting: short by 2`);

    // The same shortage found again the same day is not emailed again.
    await scan();
    await withWorker(() => waitUntil(async () => (await deps.db.prisma.job.count({ where: { type: "vendors.low_stock_scan", status: { not: "succeeded" } } })) === 0));
    expect(toBrand(/^Low stock/)).toHaveLength(1);

    // A single-item offer of the hoodie: its gifts pick any size, so they need the product's stock as a whole.
    const hoodie = await deps.db.prisma.giftOffer.create({
      data: { vendorId: s.vendorId, name: "Hoodie", kind: "single", status: "active", priceAmount: 5000, currency: "USD", items: { create: [{ productId: s.products.hoodie! }] } },
    });
    await deps.db.prisma.storefrontOffer.create({ data: { storefrontId: s.storefrontId, offerId: hoodie.id, position: 3 } });
    await paidOrder([{ offerId: hoodie.id }, { offerId: hoodie.id }, { offerId: hoodie.id }]);
    for (const v of ["S/Navy", "S/Sand", "M/Navy", "M/Sand", "L/Navy", "L/Sand"]) await setStock(`hoodie:${v}`, v === "M/Navy" ? 2 : 0);
    await withWorker(() => waitUntil(async () => toBrand(/^Low stock/).length === 2));
    const second = toBrand(/^Low stock/)[1]!;
    expect(second.subject).toBe("Low stock for gifts: 2 items");
    expect(second.text).toContain("Organic Hoodie (any of 6 variants): 2 in stock, 3 gifts waiting: short by 1");
    expect(second.text).toContain("Stoneware Mug (SKU mug-default)");
    expect(second.idempotencyKey).toBe(lowStockKey(s.vendorId, new Date().toISOString().slice(0, 10), await lowStock(deps, s.vendorId)));
  });

  it("sends nothing when the brand has no notification email or shop email", async () => {
    const other = await seedVendor(deps.db);
    await deps.db.prisma.vendor.update({ where: { id: other.vendorId }, data: { email: null, shopEmail: null } });
    const before = sent().length;
    const created = await createOrder(asBuyer(deps, buyer), deps, { storefront: other.storefrontSlug, offerId: other.mugOfferId, recipients: [{ name: "A", email: "a@example.test", country: "US" }] });
    if (!created.ok) throw new Error("order refused");
    await deps.db.prisma.giftOrder.update({ where: { id: created.orderId }, data: { stripePaymentIntentId: "pi_nobody_home" } });
    await splitOrder(deps, { paymentIntentId: "pi_nobody_home", amount: created.quote.totalAmount, currency: "usd" });
    await withWorker(() => waitUntil(async () => (await deps.db.prisma.job.findUnique({ where: { idempotencyKey: `brand:new-order:${created.orderId}` } }))?.status === "succeeded"));
    expect(sent().slice(before).filter((m) => /^New gift order/.test(m.subject))).toHaveLength(0);
  });
});
