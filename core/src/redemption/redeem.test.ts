import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBuyerOrg } from "../buyers/buyers.service.ts";
import { asPlatform } from "../testing/deps.ts";
import { testApp, type TestApp } from "../http/testing.ts";
import { createOrder } from "../orders/create-order.ts";
import { splitOrder } from "../orders/split-order.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { formatCode, openCode } from "./codes/codes.ts";
import { asBuyer } from "../testing/buyer.ts";

let t: TestApp;
let s: Seeded;
let buyer: { buyerOrgId: string; apiKeyId: string };
let buyerKey: string;

beforeAll(async () => {
  t = await testApp({ env: { TRUST_PROXY: "true" } });
  s = await seedVendor(t.deps.db);
  const org = await createBuyerOrg(asPlatform(t.deps), { name: "Acme", email: "a@acme.test" });
  buyer = { buyerOrgId: org.id, apiKeyId: org.apiKey.id };
  buyerKey = org.apiKey.key;
});
afterAll(async () => {
  await t?.close();
});

let ipSeq = 0;
const json = (extra: Record<string, string> = {}) => ({ "content-type": "application/json", "x-forwarded-for": `10.0.0.${++ipSeq % 250}`, ...extra });

/** A paid order of `n` recipients of `offerId`; returns each unit's id and plaintext code. */
async function paidUnits(n: number, offerId: string): Promise<Array<{ id: string; code: string }>> {
  const created = await createOrder(asBuyer(t.deps, buyer), t.deps, {
    storefront: s.storefrontSlug,
    offerId,
    recipients: Array.from({ length: n }, (_, i) => ({ name: `R${i}`, email: `r${i}@example.test`, country: "US" })),
  });
  if (!created.ok) throw new Error(JSON.stringify(created));
  const pi = `pi_test_${created.orderId.slice(0, 8)}`;
  await t.deps.db.prisma.giftOrder.update({ where: { id: created.orderId }, data: { stripePaymentIntentId: pi } });
  await splitOrder(t.deps, { paymentIntentId: pi, amount: created.quote.totalAmount, currency: "usd" });
  const units = await t.deps.db.prisma.fulfillmentUnit.findMany({ where: { orderId: created.orderId } });
  return Promise.all(units.map(async (u) => ({ id: u.id, code: await openCode(t.deps.secrets, u.codeSealed, u.id) })));
}

async function session(code: string, headers = json()) {
  return t.app.request("/v1/redeem/session", { method: "POST", headers, body: JSON.stringify({ code }) });
}
async function tokenFor(code: string): Promise<string> {
  const res = await session(code);
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}
const address = { name: "Ada Lovelace", line1: "1 Main St", city: "Springfield", region: "IL", postalCode: "62701", country: "US" };

describe("recipient flow", () => {
  it("exchanges a code, typed in any case and grouping, for a token and shows the gift", async () => {
    const [unit] = await paidUnits(1, s.choiceOfferId);
    const typed = formatCode(unit!.code).toLowerCase().replace(/-/g, " ");
    const token = await tokenFor(typed);
    const res = await t.app.request("/v1/redeem/gift", { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store"); // a recipient's name, message and later address
    const gift = (await res.json()) as { status: string; brand: { name: string }; choices: Array<{ variantTitle: string; available: number }>; shipsTo: string[] };
    expect(gift).toMatchObject({ status: "available", brand: { name: "Northwind Goods" }, shipsTo: ["US"] }); // the buyer paid shipping to the US
    expect(gift.choices.map((c) => c.variantTitle)).toContain("M / Navy");
  });

  it("redeems once: 100 concurrent attempts give exactly one success and 99 clear 409s", async () => {
    const [unit] = await paidUnits(1, s.mugOfferId);
    const token = await tokenFor(unit!.code);
    const variantId = s.variants["mug:default"]!;
    const before = (await t.deps.db.prisma.variant.findUniqueOrThrow({ where: { id: variantId } })).inventoryReserved;
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        t.app.request("/v1/redeem/gift/redeem", {
          method: "POST",
          headers: json({ authorization: `Bearer ${token}` }),
          body: JSON.stringify({ variantId, address }),
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((x) => x === 200)).toHaveLength(1);
    expect(statuses.filter((x) => x === 409)).toHaveLength(99);
    const conflict = results.find((r) => r.status === 409)!;
    expect(await conflict.json()).toMatchObject({ code: "already_redeemed" });
    const after = (await t.deps.db.prisma.variant.findUniqueOrThrow({ where: { id: variantId } })).inventoryReserved;
    expect(after - before).toBe(1);
    const stored = await t.deps.db.prisma.fulfillmentUnit.findUniqueOrThrow({ where: { id: unit!.id } });
    expect(stored).toMatchObject({ status: "redeemed", chosenVariantId: variantId, shippingAddress: expect.objectContaining({ city: "Springfield" }) });
    // The move is recorded once, in the recipient's name.
    const moves = await t.deps.db.prisma.stateTransition.findMany({ where: { entityId: unit!.id, toState: "redeemed" } });
    expect(moves.map((m) => m.actor)).toEqual([`recipient:${unit!.id}`]);
    // The recipient sees what they chose.
    const gift = (await (await t.app.request("/v1/redeem/gift", { headers: { authorization: `Bearer ${token}` } })).json()) as { status: string; redemption: { choice: { variantId: string } } };
    expect(gift.status).toBe("redeemed");
    expect(gift.redemption.choice.variantId).toBe(variantId);
  }, 60_000);

  it("checks the address per country, the choice, the shipping country and the stock", async () => {
    const [a, b, c, d, e] = await paidUnits(5, s.choiceOfferId);
    const redeem = async (code: string, body: unknown) =>
      t.app.request("/v1/redeem/gift/redeem", { method: "POST", headers: json({ authorization: `Bearer ${await tokenFor(code)}` }), body: JSON.stringify(body) });
    const noRegion = await redeem(a!.code, { variantId: s.variants["hoodie:M/Navy"], address: { ...address, region: undefined } });
    expect(noRegion.status).toBe(422);
    expect(JSON.stringify(await noRegion.json())).toContain("region");
    const badZip = await redeem(a!.code, { variantId: s.variants["hoodie:M/Navy"], address: { ...address, postalCode: "ABC" } });
    expect(badZip.status).toBe(422);
    // A form sent with blanks hears of every problem at once, each on its field.
    const blanks = await redeem(a!.code, { variantId: s.variants["hoodie:M/Navy"], address: { name: "", line1: "", city: "", region: "", postalCode: "1", country: "US" } });
    expect(blanks.status).toBe(422);
    const errs = ((await blanks.json()) as { errors: Array<{ path: string; code: string }> }).errors.map((e) => `${e.path}:${e.code}`).sort();
    expect(errs).toEqual(["address.city:required", "address.line1:required", "address.name:required", "address.postalCode:invalid_postal_code", "address.region:required"]);
    const notChoice = await redeem(b!.code, { variantId: s.variants["mug:default"], address });
    expect(notChoice.status).toBe(422);
    expect(await notChoice.json()).toMatchObject({ code: "not_a_choice" });
    const japan = await redeem(c!.code, { variantId: s.variants["hoodie:M/Navy"], address: { ...address, country: "JP", region: "Tokyo", postalCode: "100-0001" } });
    expect(japan.status).toBe(422);
    expect(await japan.json()).toMatchObject({ code: "country_not_shipped", errors: [{ path: "address.country", code: "country_not_shipped" }] });
    // The brand ships to Canada, but this gift's shipping was paid to the US.
    const canada = await redeem(e!.code, { variantId: s.variants["hoodie:M/Navy"], address: { ...address, country: "CA", region: "ON", postalCode: "M5V 2T6" } });
    expect(canada.status).toBe(422);
    expect(await canada.json()).toMatchObject({ code: "country_not_shipped", errors: [{ path: "address.country" }] });
    expect((await redeem(e!.code, { variantId: s.variants["hoodie:M/Navy"], address })).status).toBe(200);
    const soldOut = await redeem(d!.code, { variantId: s.variants["hoodie:M/Sand"], address });
    expect(soldOut.status).toBe(409);
    expect(await soldOut.json()).toMatchObject({ code: "out_of_stock" });
    // Nothing of those attempts stuck: each unit can still be redeemed.
    expect((await redeem(d!.code, { variantId: s.variants["notebook:Green"], address })).status).toBe(200);
  });

  it("concurrent redemptions of one variant take exactly its stock; the rest are out of stock and change nothing", async () => {
    const units = await paidUnits(6, s.choiceOfferId);
    const variantId = s.variants["hoodie:L/Navy"]!;
    const before = await t.deps.db.prisma.variant.findUniqueOrThrow({ where: { id: variantId } });
    await t.deps.db.prisma.variant.update({ where: { id: variantId }, data: { inventoryQuantity: before.inventoryReserved + 4 } });
    const tokens = await Promise.all(units.map((u) => tokenFor(u.code)));
    // Two attempts for the first unit as well: one unit, one redemption.
    const attempts = [...tokens, tokens[0]!];
    const results = await Promise.all(
      attempts.map((token) =>
        t.app.request("/v1/redeem/gift/redeem", { method: "POST", headers: json({ authorization: `Bearer ${token}` }), body: JSON.stringify({ variantId, address }) }),
      ),
    );
    const bodies = (await Promise.all(results.map((r) => r.json()))) as Array<{ code?: string; status?: string; choices?: Array<{ variantId: string; available: number }> }>;
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(4);
    expect(bodies.filter((b) => b.code === "out_of_stock").length + bodies.filter((b) => b.code === "already_redeemed").length).toBe(3);
    const won = bodies.find((b) => b.status === "redeemed")!;
    expect(won.choices?.find((c) => c.variantId === variantId)?.available).toBeGreaterThanOrEqual(0);
    const after = await t.deps.db.prisma.variant.findUniqueOrThrow({ where: { id: variantId } });
    expect(after.inventoryReserved - before.inventoryReserved).toBe(4);
    const stored = await t.deps.db.prisma.fulfillmentUnit.findMany({ where: { id: { in: units.map((u) => u.id) } } });
    expect(stored.filter((u) => u.status === "redeemed")).toHaveLength(4);
    expect(stored.filter((u) => u.status !== "redeemed").every((u) => u.chosenVariantId === null && u.shippingAddress === null)).toBe(true);
    const transitions = await t.deps.db.prisma.stateTransition.count({ where: { entityId: { in: units.map((u) => u.id) }, toState: "redeemed" } });
    expect(transitions).toBe(4);
  });

  it("refuses unknown codes and typos, and limits attempts per address and per code", async () => {
    expect((await session("not a code")).status).toBe(422);
    const [unit] = await paidUnits(1, s.mugOfferId);
    const typo = unit!.code.slice(0, -2) + (unit!.code.at(-2) === "A" ? "B" : "A") + unit!.code.at(-1);
    expect([404, 422]).toContain((await session(typo)).status);
    // Recipients behind one office address opening valid links are never held up...
    const office = { "content-type": "application/json", "x-forwarded-for": "192.0.2.78" };
    for (let i = 0; i < 25; i++) expect((await session(unit!.code, office)).status).toBe(200);
    // ...while guesses from one address are limited.
    const fixedIp = { "content-type": "application/json", "x-forwarded-for": "192.0.2.77" };
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await session("ZZZZZ-ZZZZZ-ZZZZZ", fixedIp)).status);
    expect(statuses.slice(-1)[0]).toBe(429);
    const limited = await session(unit!.code, fixedIp);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("lets the buyer download their recipients' gift links as CSV and each link as a QR code", async () => {
    const units = await paidUnits(2, s.mugOfferId);
    const unit = await t.deps.db.prisma.fulfillmentUnit.findUniqueOrThrow({ where: { id: units[0]!.id } });
    const auth = { authorization: `Bearer ${buyerKey}` };
    const csv = await t.app.request(`/v1/orders/${unit.orderId}/gift-links.csv`, { headers: auth });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const text = await csv.text();
    expect(text.split("\n")[0]).toBe("row,name,email,status,code,gift_url,expires_at");
    for (const u of units) expect(text).toContain(`/g/${u.code}`);
    const svg = await t.app.request(`/v1/orders/${unit.orderId}/units/${unit.id}/qr`, { headers: auth });
    expect(svg.headers.get("content-type")).toBe("image/svg+xml");
    expect(await svg.text()).toContain("<svg");
    const png = await t.app.request(`/v1/orders/${unit.orderId}/units/${unit.id}/qr?format=png`, { headers: auth });
    expect(Buffer.from(await png.arrayBuffer()).subarray(1, 4).toString()).toBe("PNG");
    const stranger = (await createBuyerOrg(asPlatform(t.deps), { name: "S", email: "s@s.test" })).apiKey.key;
    expect((await t.app.request(`/v1/orders/${unit.orderId}/gift-links.csv`, { headers: { authorization: `Bearer ${stranger}` } })).status).toBe(404);
    expect((await t.app.request(`/v1/orders/${unit.orderId}/units/${unit.id}/qr`, { headers: { authorization: `Bearer ${stranger}` } })).status).toBe(404);
  });

  it("rejects requests without a valid recipient token", async () => {
    expect((await t.app.request("/v1/redeem/gift")).status).toBe(401);
    expect((await t.app.request("/v1/redeem/gift", { headers: { authorization: "Bearer forged.token.here" } })).status).toBe(401);
  });
});
