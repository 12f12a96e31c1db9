import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker } from "@giftloop/core/jobs/create-queue";
import { waitUntil } from "@giftloop/core/testing/jobs";
import type { Worker } from "@giftloop/core/jobs/worker";
import { appHarness, bearerFor, embeddedUrl, installedShop, type AppHarness } from "./testing.ts";

/**
 * The Orders page's "Packing manifest" action through the mounted app, as App Bridge's
 * fetches reach it: the action asks for one, the status route is polled until the job built
 * it, then its expiring link downloads the PDF.
 */
let h: AppHarness;
let worker: Worker;
let shop: string;
let otherShop: string;
beforeAll(async () => {
  h = await appHarness({ JOB_POLL_INTERVAL_MS: "10" });
  worker = startWorker(h.deps);
  const s = await installedShop(h.deps, "manifest-app");
  shop = s.shop;
  otherShop = (await installedShop(h.deps, "manifest-other")).shop;
  const p = h.deps.db.prisma;
  const buyer = await p.buyerOrg.create({ data: { name: "Initech", email: "b@initech.test" } });
  const o = await p.giftOrder.create({ data: { buyerOrgId: buyer.id, storefrontId: s.storefrontId, status: "paid", currency: "USD", itemsAmount: 1, shippingAmount: 0, totalAmount: 1, recipientCount: 1 } });
  const rec = await p.orderRecipient.create({ data: { orderId: o.id, row: 1, offerId: s.mugOfferId, name: "Grace Hopper", email: "grace@example.test", amount: 1 } });
  await p.fulfillmentUnit.create({
    data: {
      orderId: o.id, recipientId: rec.id, vendorId: s.vendorId, offerId: s.mugOfferId, status: "redeemed", amount: 1, currency: "USD", recipientName: "Grace Hopper", recipientEmail: rec.email,
      message: "Happy holidays", choices: [], codeHash: randomUUID(), codeSealed: "s", sendAt: new Date(), expiresAt: new Date(Date.now() + 864e5), redeemedAt: new Date(),
      chosenVariantId: s.variants["mug:default"], shippingAddress: { name: "Grace Hopper", line1: "1 Navy Way", city: "Arlington", region: "VA", postalCode: "22202", country: "US" },
    },
  });
}, 240_000);
afterAll(async () => {
  await worker?.stop();
  await h?.close();
});

describe("Orders page: packing manifest", () => {
  it("the page offers the action", async () => {
    const res = await h.app.request(embeddedUrl("/app/orders", shop));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Packing manifest");
  });

  it("requests a manifest, reports it ready with a download link that serves the PDF; another shop cannot read it", async () => {
    const res = await h.app.request("http://localhost:3999/app/orders?index&_data=routes%2Fapp.orders._index", {
      method: "POST",
      headers: { ...bearerFor(shop), "content-type": "application/x-www-form-urlencoded" },
      body: "intent=manifest",
    });
    expect(res.status).toBe(200);
    const { manifestId } = (await res.json()) as { manifestId: string };
    const statusUrl = `http://localhost:3999/app/orders/manifest/${manifestId}?_data=${encodeURIComponent("routes/app.orders.manifest.$manifestId")}`;
    let body: { status: string; units: number; downloadUrl: string | null } = { status: "pending", units: 0, downloadUrl: null };
    await waitUntil(async () => {
      const r = await h.app.request(statusUrl, { headers: bearerFor(shop) });
      body = (await r.json()) as typeof body;
      return body.status === "ready";
    });
    expect(body.units).toBe(1);
    const url = new URL(body.downloadUrl!);
    const pdf = await h.app.request(url.pathname + url.search);
    expect(pdf.status).toBe(200);
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");
    expect((await h.app.request(statusUrl, { headers: bearerFor(otherShop) })).status).toBe(404);
  });
});
