/**
 * The embedded app's cross-tenant suite: every loader and action that takes an id from the
 * URL or the form, called by one shop with another shop's ids (as App Bridge calls them:
 * Remix data requests with the session token). Each answers 404 or ignores the foreign id,
 * and the other shop's rows are exactly as they were. The REST API has its own suite
 * (core/src/tenancy/tenancy.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Seeded } from "@giftloop/core/testing/seed";
import { buyer, paidUnits } from "@giftloop/core/testing/push";
import { appHarness, bearerFor, installedShop, type AppHarness } from "./testing.ts";

let h: AppHarness;
let mine: Seeded & { shop: string };
let theirs: Seeded & { shop: string };
const their: { orderId: string; unitId: string; payoutId: string; manifestId: string } = { orderId: "", unitId: "", payoutId: "", manifestId: "" };

const data = (path: string, route: string, shop: string, init: RequestInit = {}) => {
  const u = new URL(`http://localhost:3999${path}`);
  u.searchParams.set("_data", `routes/${route}`);
  return h.app.request(u.toString(), { ...init, headers: { ...bearerFor(shop), ...(init.headers as Record<string, string>) } });
};
const post = (path: string, route: string, form: Record<string, string | string[]>, shop: string) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  return data(path, route, shop, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
};

/** Everything of `theirs` the suite could change, to compare before and after. */
async function theirRows() {
  const db = h.deps.db.prisma;
  const v = theirs.vendorId;
  return {
    offers: await db.giftOffer.findMany({ where: { vendorId: v }, include: { items: true }, orderBy: { id: "asc" } }),
    products: await db.product.findMany({ where: { vendorId: v }, select: { id: true, giftable: true }, orderBy: { id: "asc" } }),
    storefront: await db.storefront.findMany({ where: { vendorId: v }, include: { offers: true } }),
    rules: await db.shippingRule.findMany({ where: { vendorId: v }, orderBy: { country: "asc" } }),
    units: await db.fulfillmentUnit.findMany({ where: { vendorId: v }, select: { id: true, status: true, version: true }, orderBy: { id: "asc" } }),
    settings: await db.vendor.findUniqueOrThrow({ where: { id: v } }),
  };
}

beforeAll(async () => {
  h = await appHarness();
  mine = await installedShop(h.deps, "tenancy-mine");
  theirs = await installedShop(h.deps, "tenancy-theirs");
  const [unitId] = await paidUnits(h.deps, await buyer(h.deps), theirs, theirs.mugOfferId, 1, "t");
  their.unitId = unitId!;
  their.orderId = (await h.deps.db.prisma.fulfillmentUnit.findUniqueOrThrow({ where: { id: unitId! } })).orderId;
  const run = await h.deps.db.prisma.payoutRun.create({ data: { trigger: "manual", actor: "test", asOf: new Date() } });
  const payout = await h.deps.db.prisma.payout.create({
    data: { runId: run.id, vendorId: theirs.vendorId, currency: "USD", amount: 1000, linesAmount: 1000, commissionAmount: 100, lineCount: 1, lines: { create: [{ unitId: unitId!, orderId: their.orderId, shareAmount: 1000, commissionAmount: 100 }] } },
  });
  their.payoutId = payout.id;
  const manifest = await post("/app/orders", "app.orders._index", { intent: "manifest" }, theirs.shop);
  their.manifestId = ((await manifest.json()) as { manifestId: string }).manifestId;
}, 240_000);
afterAll(async () => {
  await h?.close();
});

describe("another shop's ids in the embedded app", () => {
  it.each([
    ["an offer", () => `/app/offers/${theirs.mugOfferId}`, "app.offers.$offerId"],
    ["an order", () => `/app/orders/${their.orderId}`, "app.orders.$orderId"],
    ["a gift", () => `/app/units/${their.unitId}`, "app.units.$unitId"],
    ["a payout", () => `/app/payouts/${their.payoutId}`, "app.payouts.$payoutId"],
    ["a payout's lines (CSV)", () => `/app/payouts/${their.payoutId}/lines.csv`, "app.payouts.$payoutId.lines[.]csv"],
    ["a packing manifest", () => `/app/orders/manifest/${their.manifestId}`, "app.orders.manifest.$manifestId"],
  ])("loading %s answers 404 and shows nothing of it", async (_what, path, route) => {
    // The owner sees it (so the 404 below is about the shop, not a missing row).
    expect((await data(path(), route, theirs.shop)).status).toBe(200);
    const res = await data(path(), route, mine.shop);
    expect(res.status).toBe(404);
    const body = await res.text();
    for (const id of [theirs.mugOfferId, their.orderId, their.unitId, their.payoutId]) expect(body).not.toContain(id);
    expect(body).not.toContain("Morning mug");
  });

  it("actions with another shop's ids change nothing of theirs", async () => {
    const before = await theirRows();
    const offer = `/app/offers/${theirs.mugOfferId}`;
    const status = await post(offer, "app.offers.$offerId", { intent: "status", status: "archived", version: "1" }, mine.shop);
    expect(status.status).toBe(404);
    const save = await post(
      offer,
      "app.offers.$offerId",
      { intent: "save", name: "Taken over", description: "", kind: "single", price: "1", startsAt: "", endsAt: "", expiryDays: "30", version: "1", item: [theirs.products.mug!] },
      mine.shop,
    );
    expect(save.status).toBe(404);
    // Their product ids in this shop's catalog bulk action are ignored.
    const giftable = await post("/app/catalog", "app.catalog", { intent: "giftable", giftable: "false", id: [theirs.products.mug!, theirs.products.hoodie!] }, mine.shop);
    expect(await giftable.json()).toEqual({ intent: "giftable", message: "0 products no longer giftable" });
    // Their offers cannot be put on this shop's storefront.
    const shown = await post(
      "/app/storefront",
      "app.storefront",
      { intent: "branding", name: "Mine", slug: "tenancy-mine-store", primaryColor: "#112233", accentColor: "#445566", welcomeText: "", active: "on", offerId: [theirs.mugOfferId] },
      mine.shop,
    );
    expect(await shown.json()).toMatchObject({ intent: "branding", ok: false, errors: { "offers.0.offerId": "This brand has no offer with this id." } });
    // A new offer naming their products is refused.
    const created = await post(
      "/app/offers/new",
      "app.offers.$offerId",
      { intent: "save", name: "Theirs", description: "", kind: "single", price: "10", startsAt: "", endsAt: "", expiryDays: "30", item: [theirs.products.mug!] },
      mine.shop,
    );
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({ errors: { items: expect.any(String) } });
    expect(await h.deps.db.prisma.giftOffer.count({ where: { vendorId: mine.vendorId, name: "Theirs" } })).toBe(0);
    expect(await theirRows()).toEqual(before);
  });
});
