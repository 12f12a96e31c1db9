/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are read as loose JSON in assertions */
import { serve, type ServerType } from "@hono/node-server";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStripeStandIn, type StripeStandIn } from "@giftloop/sandbox/stripe/server";
import { startXeroStandIn, type XeroStandIn } from "@giftloop/sandbox/xero/server";
import { uninstallXeroSandboxRouting } from "../integrations/xero/sandbox-routing.ts";
import { accountingSweepJob, stripeFeesDayJob } from "../accounting/accounting.jobs.ts";
import { createBuyerOrg } from "../buyers/buyers.service.ts";
import { asPlatform } from "../testing/deps.ts";
import { testApp, type TestApp } from "../http/testing.ts";
import { startWorker } from "../jobs/create-queue.ts";
import { freshQueues, waitUntil } from "../jobs/testing/harness.ts";
import { stack } from "../testing/db.ts";
import type { Worker } from "../jobs/worker.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { daysAgo, setAccount, shipAt } from "../payouts/testing.ts";

/**
 * Sales into Xero end to end, over HTTP, webhooks and the job queue only: staff connect Xero
 * (consent at the stand-in, callback to the api), map accounts; a buyer orders and pays
 * (Stripe stand-in, signed webhook); a gift is canceled (refund, webhook); the workers book
 * the invoices, the credit note with its refund payment and the day's Stripe fees in Xero;
 * the day reconciles to the cent; the brand's payout becomes a paid bill and the day still
 * reconciles; a transfer Stripe made that we never recorded is then
 * reported on that day with its Stripe ids. Under test:stack the jobs go through SQS (moto).
 */
let stripeStandIn: StripeStandIn;
let xeroStandIn: XeroStandIn;
let t: TestApp;
let server: ServerType;
let worker: Worker;
let stripe: Stripe;
let s: Seeded;
let operator: string;
let buyerKey: string;
let tenantId: string;
const today = new Date().toISOString().slice(0, 10);

async function http(method: string, url: string, token: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await t.app.request(url, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text };
}

async function sweep(key: string) {
  await t.deps.jobs.enqueue(t.deps.db.prisma, accountingSweepJob, {}, { key: `test-sweep:${key}` });
}

async function recordsBooked(kind: string, n: number) {
  await waitUntil(async () => {
    const [r] = await t.deps.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM accounting_record WHERE kind = $1 AND status = 'booked'`, [kind]);
    return (r?.n ?? 0) >= n;
  }, 30_000);
}

async function orderAndPay(recipients: number): Promise<{ orderId: string; paymentIntentId: string }> {
  const order = await http("POST", "/v1/orders", buyerKey, {
    storefront: s.storefrontSlug,
    offerId: s.mugOfferId,
    senderName: "Maya at Acme",
    recipients: Array.from({ length: recipients }, (_, i) => ({ name: `Recipient ${i}`, email: `r${i}@example.com`, country: "US" })),
  });
  expect(order.status).toBe(201);
  const orderId = order.body.order.id as string;
  const checkout = await http("POST", `/v1/orders/${orderId}/checkout`, buyerKey);
  const paymentIntentId = checkout.body.paymentIntentId as string;
  await stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" });
  await waitUntil(async () => (await http("GET", `/v1/orders/${orderId}`, buyerKey)).body.status === "paid", 20_000);
  return { orderId, paymentIntentId };
}

beforeAll(async () => {
  stripeStandIn = await startStripeStandIn({ port: 0, retry: { delaysMs: [50, 100, 200, 400] } });
  xeroStandIn = await startXeroStandIn();
  tenantId = xeroStandIn.organisationNamed("Platform").tenantId;
  const dir = mkdtempSync(path.join(tmpdir(), "finance-e2e-"));
  writeFileSync(path.join(dir, "ca.pem"), xeroStandIn.caPem);
  let queue: Record<string, string> = {};
  if (stack.awsEndpoint) {
    process.env.AWS_ACCESS_KEY_ID ??= "test";
    process.env.AWS_SECRET_ACCESS_KEY ??= "test";
    const q = await freshQueues(stack.awsEndpoint, 5);
    queue = { JOB_DRIVER: "sqs", AWS_ENDPOINT_URL: stack.awsEndpoint, SQS_QUEUE_URL: q.queueUrl, SQS_DLQ_URL: q.dlqUrl, SQS_WAIT_SECONDS: "1" };
  }
  t = await testApp({
    env: {
      STRIPE_SECRET_KEY: "sk_test_finance",
      STRIPE_WEBHOOK_SECRET: stripeStandIn.webhookSecret,
      STRIPE_API_URL: stripeStandIn.url,
      XERO_CLIENT_ID: xeroStandIn.client.clientId,
      XERO_CLIENT_SECRET: xeroStandIn.client.clientSecret,
      XERO_REDIRECT_URI: xeroStandIn.client.redirectUris[0],
      XERO_SANDBOX_URL: xeroStandIn.tlsUrl,
      XERO_SANDBOX_CA_FILE: path.join(dir, "ca.pem"),
      JOB_POLL_INTERVAL_MS: "10",
      ...queue,
    },
  });
  server = await new Promise<ServerType>((resolve) => {
    const srv = serve({ fetch: t.app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(srv));
  });
  stripeStandIn.setWebhookUrl(`http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks/stripe`);
  worker = startWorker(t.deps);
  stripe = new Stripe("sk_test_finance", { ...stripeStandIn.sdkConfig });
  s = await seedVendor(t.deps.db);
  await t.deps.db.prisma.variant.updateMany({ where: { vendorId: s.vendorId }, data: { inventoryQuantity: 1000 } });
  operator = await t.operatorToken();
  buyerKey = (await createBuyerOrg(asPlatform(t.deps), { name: "Acme Corp", email: "ap@acme.test" })).apiKey.key;
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await new Promise((r) => server?.close(r));
  uninstallXeroSandboxRouting();
  const violations = xeroStandIn ? [...xeroStandIn.requestViolations, ...xeroStandIn.responseViolations] : [];
  await xeroStandIn?.stop();
  await stripeStandIn?.stop();
  await t?.close();
  expect(violations).toEqual([]);
});

describe("sales into Xero, end to end", () => {
  it("connects Xero and maps accounts over HTTP", async () => {
    const start = await http("POST", "/v1/operator/finance/xero/connect", operator);
    const redirect = await xeroStandIn.consent(start.body.consentUrl, { tenantIds: [tenantId] });
    const back = await t.app.request(`/finance/xero/callback${new URL(redirect).search}`);
    expect(back.status).toBe(303);
    const mapped = await http("PUT", "/v1/operator/finance/xero/mapping", operator, {
      billsAccountCode: "320",
      taxType: "NONE",
      trackingCategory: "Brand",
      clearingAccountCode: "091",
      salesAccountCode: "200",
      feesAccountCode: "405",
    });
    expect(mapped.status).toBe(200);
    expect(mapped.body).toMatchObject({ status: "connected", organisation: { tenantId } });
  });

  it("paid orders become paid invoices, a canceled gift a credit note with its refund, the day's fees one spend; the day reconciles", async () => {
    const a = await orderAndPay(3);
    const b = await orderAndPay(1);
    await sweep("sales");
    await recordsBooked("sale_invoice", 2);

    const detail = await http("GET", `/v1/orders/${a.orderId}`, buyerKey);
    const unitId = detail.body.recipients[0].unit.id as string;
    expect((await http("POST", `/v1/orders/${a.orderId}/units/${unitId}/cancel`, buyerKey)).status).toBeLessThan(300);
    await waitUntil(async () => {
      const [r] = await t.deps.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM refund WHERE status = 'succeeded'`);
      return (r?.n ?? 0) === 1;
    }, 20_000);
    await sweep("refunds");
    await recordsBooked("refund_credit_note", 1);
    await t.deps.jobs.enqueue(t.deps.db.prisma, stripeFeesDayJob, { day: today }, { key: `test-fees:${today}` });
    await recordsBooked("stripe_fees", 1);

    const org = xeroStandIn.organisation(tenantId);
    const invoices = [...org.invoices.values()].filter((i) => i.Type === "ACCREC");
    expect(invoices.map((i) => i.Status)).toEqual(["PAID", "PAID"]);
    expect(invoices.map((i) => i.Reference).sort()).toEqual([a.paymentIntentId, b.paymentIntentId].sort());
    const credit = [...org.creditNotes.values()];
    expect(credit).toHaveLength(1);
    expect(credit[0]).toMatchObject({ Type: "ACCRECCREDIT", Status: "PAID" });
    expect([...org.bankTransactions.values()].map((x) => x.Type)).toEqual(["SPEND"]);

    const day = await http("POST", `/v1/operator/finance/reconciliation/${today}`, operator);
    expect(day.status).toBe(200);
    const usd = day.body.items.find((r: any) => r.currency === "USD");
    expect(usd.differences).toEqual([]);
    expect(usd).toMatchObject({ reconciled: true });
    expect(usd.stripeNet).toBe(usd.ledgerNet);
    expect(usd.xeroNet).toBe(usd.ledgerNet);
  });

  it("a paid payout becomes one bill with a line per unit, paid from clearing with its transfer ids; the day still reconciles", async () => {
    const account = await stripe.accounts.create({
      controller: { stripe_dashboard: { type: "express" }, fees: { payer: "application" }, losses: { payments: "application" }, requirement_collection: "stripe" },
      capabilities: { transfers: { requested: true } },
      country: "US",
    });
    stripeStandIn.onboard(account.id, "complete");
    await setAccount(t.deps, s.vendorId, "active", account.id);
    const units = await t.deps.db.sql.query<{ id: string }>(`SELECT id::text FROM fulfillment_unit WHERE vendor_id = $1::uuid AND status <> 'canceled'`, [s.vendorId]);
    await shipAt(t.deps, units.map((u) => u.id), daysAgo(15));
    const run = await http("POST", "/v1/operator/payouts/runs", operator, { vendorId: s.vendorId });
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    const payoutId = run.body.payouts[0].payoutId as string;
    await waitUntil(async () => (await t.deps.db.prisma.payout.findUniqueOrThrow({ where: { id: payoutId } })).status === "paid", 30_000);
    await sweep("payouts");
    await recordsBooked("payout_bill", 1);

    const org = xeroStandIn.organisation(tenantId);
    const bills = [...org.invoices.values()].filter((i) => i.Type === "ACCPAY");
    expect(bills).toHaveLength(1);
    expect(bills[0]).toMatchObject({ InvoiceNumber: `GL-P-${payoutId}`, Status: "PAID" });
    expect(bills[0]?.lines).toHaveLength(units.length);
    expect(bills[0]?.lines[0]?.Tracking).toEqual([expect.objectContaining({ Name: "Brand", Option: "Northwind Goods" })]);
    const transfers = await t.deps.db.sql.query<{ id: string }>(`SELECT stripe_transfer_id AS id FROM payout_transfer WHERE payout_id = $1::uuid ORDER BY created_at, id`, [payoutId]);
    const payment = [...org.payments.values()].find((x) => x.InvoiceID === bills[0]?.InvoiceID);
    expect(payment?.Reference?.split(" ").sort()).toEqual(transfers.map((x) => x.id).sort());

    const day = await http("POST", `/v1/operator/finance/reconciliation/${today}`, operator);
    const usd = day.body.items.find((r: any) => r.currency === "USD");
    expect(usd.differences, JSON.stringify(usd.differences)).toEqual([]);
    expect(usd.xeroNet).toBe(usd.stripeNet);
  });

  it("a transfer Stripe made that we never recorded is reported on that day with its records, in JSON and CSV", async () => {
    const account = await stripe.accounts.create({
      controller: { stripe_dashboard: { type: "express" }, fees: { payer: "application" }, losses: { payments: "application" }, requirement_collection: "stripe" },
      capabilities: { transfers: { requested: true } },
      country: "US",
    });
    stripeStandIn.onboard(account.id, "complete");
    const [order] = await t.deps.db.sql.query<{ pi: string }>(`SELECT stripe_payment_intent_id AS pi FROM gift_order WHERE paid_at IS NOT NULL LIMIT 1`);
    const pi = await stripe.paymentIntents.retrieve(order?.pi as string);
    const transfer = await stripe.transfers.create({ amount: 123, currency: "usd", destination: account.id, source_transaction: pi.latest_charge as string });

    const day = await http("POST", `/v1/operator/finance/reconciliation/${today}`, operator);
    const usd = day.body.items.find((r: any) => r.currency === "USD");
    expect(usd.reconciled).toBe(false);
    expect(usd.differences).toEqual([expect.objectContaining({ kind: "unknown_to_us", subject: "transfer", stripeAmount: -123, stripe: expect.arrayContaining([transfer.id]) })]);
    const csv = await http("GET", `/v1/operator/finance/reconciliation?from=${today}&format=csv`, operator);
    expect(csv.status).toBe(200);
    expect(csv.body).toContain(transfer.id);
    expect(csv.body).toContain("unknown_to_us");
  });
});
