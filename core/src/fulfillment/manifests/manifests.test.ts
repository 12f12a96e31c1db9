import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../http/app.ts";
import { bearer, mintTestSessionToken } from "../../http/testing.ts";
import { startWorker } from "../../jobs/create-queue.ts";
import { waitUntil } from "../../jobs/testing/harness.ts";
import type { Worker } from "../../jobs/worker.ts";
import { brandContext, testDeps, type TestDeps } from "../../testing/deps.ts";
import { seedVendor, type Seeded } from "../../testing/seed.ts";
import { redactCustomer } from "../../compliance/customer-data.ts";
import { addressLines, renderManifestPdf, UNITS_PER_PAGE } from "./manifest-pdf.ts";
import { manifestRoutes } from "./manifests.routes.ts";
import { unitAppUrl } from "./manifests.service.ts";
import { pngInk } from "./png-ink.ts";

/**
 * Packing manifests end to end over the vendor API and the job worker, and the PDF checked as
 * images (`pdftoppm -png -r 60`) and as text (`pdftotext`), both from poppler-utils.
 */
let deps: TestDeps;
let app: App;
let worker: Worker;
let s: Seeded;
let other: Seeded;
const shopOf = (x: Seeded) => `${x.storefrontSlug}.myshopify.com`;
const tmp = mkdtempSync(path.join(tmpdir(), "manifest-test-"));

type Status = "sent" | "redeemed" | "pushed" | "shipped";
async function giftOrder(x: Seeded, units: Array<{ name: string; status: Status; message?: string; city?: string }>) {
  const p = deps.db.prisma;
  const buyer = await p.buyerOrg.create({ data: { name: "Initech", email: "gifts@initech.test" } });
  const o = await p.giftOrder.create({
    data: { buyerOrgId: buyer.id, storefrontId: x.storefrontId, status: "paid", currency: "USD", itemsAmount: 1, shippingAmount: 0, totalAmount: 1, recipientCount: units.length, paidAt: new Date() },
  });
  const ids: string[] = [];
  for (const [i, u] of units.entries()) {
    const email = `${u.name.toLowerCase().replace(/\W/g, "")}@example.test`;
    const rec = await p.orderRecipient.create({ data: { orderId: o.id, row: i + 1, offerId: x.mugOfferId, name: u.name, email, amount: 3800 } });
    const redeemed = u.status !== "sent";
    const unit = await p.fulfillmentUnit.create({
      data: {
        orderId: o.id, recipientId: rec.id, vendorId: x.vendorId, offerId: x.mugOfferId, status: u.status, amount: 3800, currency: "USD",
        recipientName: u.name, recipientEmail: email, message: u.message ?? null, choices: [x.variants["mug:default"]!], codeHash: randomUUID(), codeSealed: "s",
        sendAt: new Date(), expiresAt: new Date(Date.now() + 86400_000), redeemedAt: redeemed ? new Date(Date.now() - (100 - i) * 1000) : null,
        chosenVariantId: redeemed ? x.variants["mug:default"] : null,
        shippingAddress: redeemed ? { name: u.name, line1: `${i + 1} Harbour Road`, city: u.city ?? "Portland", region: "OR", postalCode: "97201", country: "US" } : undefined,
        shopifyOrderId: u.status === "pushed" || u.status === "shipped" ? `gid://shopify/Order/${5000 + i}` : null,
        shippedAt: u.status === "shipped" ? new Date() : null,
      },
    });
    ids.push(unit.id);
  }
  return { orderId: o.id, unitIds: ids };
}

function pdfChecks(pdf: Buffer, name: string) {
  const file = path.join(tmp, `${name}.pdf`);
  writeFileSync(file, pdf);
  const prefix = path.join(tmp, name);
  execFileSync("pdftoppm", ["-png", "-r", "60", file, prefix]);
  const pngs = readdirSync(tmp).filter((f) => f.startsWith(`${name}-`) && f.endsWith(".png")).sort();
  const inks = pngs.map((f) => pngInk(readFileSync(path.join(tmp, f))));
  const text = execFileSync("pdftotext", ["-layout", file, "-"]).toString("utf8");
  return { pages: pngs.length, inks, text };
}

beforeAll(async () => {
  deps = await testDeps({ env: { JOB_POLL_INTERVAL_MS: "10", SHOPIFY_APP_URL: "https://app.giftloop.test" } });
  app = createApp(deps, { routes: [(a) => a.route("/v1/vendor/manifests", manifestRoutes(deps))] });
  worker = startWorker(deps);
  s = await seedVendor(deps.db);
  other = await seedVendor(deps.db);
});
afterAll(async () => {
  await worker?.stop();
  await deps?.close();
});

describe("packing manifest PDF", () => {
  it("lays out a fixed number of gifts per page, with header, page numbers and QR codes", async () => {
    const units = Array.from({ length: UNITS_PER_PAGE * 2 + 1 }, (_, i) => ({
      unitId: randomUUID(), orderId: randomUUID(), status: "redeemed", recipientName: `Recipient ${i + 1}`, recipientPhone: i === 0 ? "+1 503 555 0100" : null,
      address: { line1: `${i + 1} Main St`, city: "Salem", region: "OR", postalCode: "97301", country: "US" },
      items: [{ product: "Enamel Mug", variant: "Blue", sku: `MUG-${i}`, quantity: 1 }], message: `Message number ${i + 1}`, shopifyOrderName: null, link: `https://app.test/app/units/${i}`,
    }));
    const { pdf, pages } = await renderManifestPdf({ brand: "Northwind Goods", generatedAt: new Date("2026-11-21T10:00:00Z"), units });
    expect(pages).toBe(3);
    const r = pdfChecks(pdf, "layout");
    expect(r.pages).toBe(3);
    for (const ink of r.inks) {
      expect([ink.width, ink.height]).toEqual([510, 660]); // US Letter at 60 dpi
      expect(ink.darkShare).toBeGreaterThan(0.005); // text and a QR code at least: not a blank page
      expect(ink.darkShare).toBeLessThan(0.5);
    }
    expect(r.inks[0]!.darkShare).toBeGreaterThan(0.03); // a full page: four blocks with QR codes
    expect(r.text).toContain("Northwind Goods");
    expect(r.text).toContain("Packing manifest · 2026-11-21");
    for (const n of [1, 2, 3]) expect(r.text).toContain(`Page ${n} of 3`);
    expect(r.text).toContain("Recipient 9");
    expect(r.text).toContain("MUG-8");
    expect(r.text).toContain("Tel. +1 503 555 0100");
    // One page only, for nothing to pack.
    const empty = await renderManifestPdf({ brand: "Northwind Goods", generatedAt: new Date(), units: [] });
    const e = pdfChecks(empty.pdf, "empty");
    expect([empty.pages, e.pages]).toEqual([1, 1]);
    expect(e.text).toContain("No gifts are waiting to be packed.");
  });

  it("formats addresses without empty lines", () => {
    expect(addressLines({ line1: "1 A St", city: "Town", postalCode: "123", country: "GB" })).toEqual(["1 A St", "Town, 123", "GB"]);
    expect(addressLines(null)).toEqual(["(no address)"]);
  });
});

describe("packing manifests over the vendor API", () => {
  it("builds the manifest of the units waiting to be packed and serves it through an expiring link", async () => {
    const { orderId, unitIds } = await giftOrder(s, [
      { name: "Ada Lovelace", status: "redeemed", message: "Thank you for a brilliant year!", city: "Bend" },
      { name: "Brian Kernighan", status: "pushed", message: "Cheers from the whole team" },
      { name: "Carol Shaw", status: "shipped", message: "Already on its way" },
      { name: "Dennis Ritchie", status: "sent" },
      ...Array.from({ length: UNITS_PER_PAGE }, (_, i) => ({ name: `Extra Person ${i + 1}`, status: "redeemed" as const })),
    ]);
    await giftOrder(other, [{ name: "Other Brand Recipient", status: "redeemed" }]);
    const token = await mintTestSessionToken(deps.config, shopOf(s));
    const res = await app.request("/v1/vendor/manifests", { method: "POST", headers: bearer(token, { "content-type": "application/json" }), body: JSON.stringify({ orderId }) });
    expect(res.status).toBe(202);
    const created = (await res.json()) as { id: string; status: string; downloadUrl: string | null };
    expect([created.status, created.downloadUrl]).toEqual(["pending", null]);

    let body: { status: string; units: number; pages: number; downloadUrl: string | null } = { status: "pending", units: 0, pages: 0, downloadUrl: null };
    await waitUntil(async () => {
      const r = await app.request(`/v1/vendor/manifests/${created.id}`, { headers: bearer(token) });
      body = (await r.json()) as typeof body;
      return body.status === "ready";
    });
    const waiting = 2 + UNITS_PER_PAGE;
    expect(body.units).toBe(waiting);
    expect(body.pages).toBe(Math.ceil(waiting / UNITS_PER_PAGE));
    const url = new URL(body.downloadUrl!);
    expect(url.searchParams.get("expires") ?? url.search).toBeTruthy();
    const file = await app.request(url.pathname + url.search);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toContain("application/pdf");
    const pdf = Buffer.from(await file.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const r = pdfChecks(pdf, "api");
    expect(r.pages).toBe(body.pages);
    for (const ink of r.inks) expect(ink.darkShare).toBeGreaterThan(0.005);
    expect(r.text).toContain("Northwind Goods");
    for (const want of ["Ada Lovelace", "1 Harbour Road", "Bend, OR 97201", "Thank you for a brilliant year!", "Brian Kernighan", "Cheers from the whole team", "Stoneware Mug", "SKU mug-default", "Shopify 5001"]) {
      expect(r.text).toContain(want);
    }
    for (const absent of ["Carol Shaw", "Dennis Ritchie", "Other Brand Recipient"]) expect(r.text).not.toContain(absent);
    expect(unitAppUrl(deps.config, shopOf(s), unitIds[0]!)).toBe(`https://app.giftloop.test/app/units/${unitIds[0]}?shop=${shopOf(s)}`);
    // A tampered link is refused.
    expect((await app.request(url.pathname + url.search.replace(/.$/, (c) => (c === "0" ? "1" : "0")))).status).toBeGreaterThanOrEqual(400);

    // Another brand cannot see it; unknown ids and bad input are clear 4xx.
    const otherToken = await mintTestSessionToken(deps.config, shopOf(other));
    expect((await app.request(`/v1/vendor/manifests/${created.id}`, { headers: bearer(otherToken) })).status).toBe(404);
    expect((await app.request(`/v1/vendor/manifests/${randomUUID()}`, { headers: bearer(token) })).status).toBe(404);
    expect((await app.request(`/v1/vendor/manifests/nope`, { headers: bearer(token) })).status).toBe(400);
    const bad = await app.request("/v1/vendor/manifests", { method: "POST", headers: bearer(token, { "content-type": "application/json" }), body: JSON.stringify({ statuses: ["shipped"] }) });
    expect(bad.status).toBe(422);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    expect((await app.request("/v1/vendor/manifests", { method: "POST" })).status).toBe(401);

    // A customer's erasure takes the PDF that printed their address with it.
    const redacted = await redactCustomer(deps, shopOf(s), { email: "adalovelace@example.test" });
    expect(redacted.manifests).toBe(1);
    const after = (await (await app.request(`/v1/vendor/manifests/${created.id}`, { headers: bearer(token) })).json()) as { status: string; downloadUrl: string | null };
    expect([after.status, after.downloadUrl]).toEqual(["deleted", null]);
  });

  it("a request without a body covers every waiting unit of the brand", async () => {
    const token = await mintTestSessionToken(deps.config, shopOf(other));
    const res = await app.request("/v1/vendor/manifests", { method: "POST", headers: bearer(token) });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    let units = -1;
    await waitUntil(async () => {
      const b = (await (await app.request(`/v1/vendor/manifests/${id}`, { headers: bearer(token) })).json()) as { status: string; units: number };
      units = b.units;
      return b.status === "ready";
    });
    expect(units).toBe(1);
  });
});

describe("packing manifest job", () => {
  it("marks the manifest failed on its last attempt, so the brand stops waiting", async () => {
    const { buildManifestJob, requestManifest, getManifest } = await import("./manifests.service.ts");
    await worker.stop(); // this test runs the job itself
    worker = undefined as unknown as Worker;
    const r = await requestManifest(brandContext(deps, s.vendorId), deps, {});
    const real = deps.storage;
    const storage: typeof real = {
      driver: real.driver,
      put: (key, body, o) => (key.endsWith(".pdf") ? Promise.reject(new Error("disk full")) : real.put(key, body, o)),
      get: (key) => real.get(key),
      exists: (key) => real.exists(key),
      delete: (key) => real.delete(key),
      downloadUrl: (key, o) => real.downloadUrl(key, o),
    };
    const broken = { ...deps, storage };
    const ctx = (attempt: number) => ({ deps: broken, log: deps.log, job: { id: "j", type: buildManifestJob.type, idempotencyKey: "k", attempt, maxAttempts: buildManifestJob.maxAttempts } }) as unknown as Parameters<typeof buildManifestJob.handler>[1];
    await expect(buildManifestJob.handler({ vendorId: s.vendorId, manifestId: r.id }, ctx(1))).rejects.toThrow("disk full");
    expect((await getManifest(brandContext(deps, s.vendorId), deps, r.id))?.status).toBe("pending");
    await expect(buildManifestJob.handler({ vendorId: s.vendorId, manifestId: r.id }, ctx(buildManifestJob.maxAttempts))).rejects.toThrow("disk full");
    expect(await getManifest(brandContext(deps, s.vendorId), deps, r.id)).toMatchObject({ status: "failed", error: "disk full" });
  });
});
