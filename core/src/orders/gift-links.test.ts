import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBuyerOrg } from "../buyers/buyers.service.ts";
import { asPlatform } from "../testing/deps.ts";
import { bearer, testApp, type TestApp } from "../http/testing.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { createOrder } from "./create-order.ts";
import { splitOrder } from "./split-order.ts";
import { asBuyer } from "../testing/buyer.ts";

/** The buyer's gift-links CSV as Excel and a CSV parser read it. */
let t: TestApp;
let s: Seeded;
let key: string;
let orderId: string;
beforeAll(async () => {
  t = await testApp();
  s = await seedVendor(t.deps.db);
  const org = await createBuyerOrg(asPlatform(t.deps), { name: "Acme", email: "a@acme.test" });
  key = org.apiKey.key;
  const created = await createOrder(asBuyer(t.deps, { buyerOrgId: org.id, apiKeyId: org.apiKey.id }), t.deps, {
    storefront: s.storefrontSlug,
    offerId: s.mugOfferId,
    recipients: [
      { name: "José Müller", email: "jose@example.test", country: "US" },
      { name: "Grace Hopper", email: "grace@example.test", country: "US" },
      { name: "Formula", email: "formula@example.test", country: "US" },
    ],
  });
  if (!created.ok) throw new Error(JSON.stringify(created));
  orderId = created.orderId;
  await t.deps.db.prisma.giftOrder.update({ where: { id: orderId }, data: { stripePaymentIntentId: "pi_gift_links" } });
  await splitOrder(t.deps, { paymentIntentId: "pi_gift_links", amount: created.quote.totalAmount, currency: "usd" });
  // Names that did not come through the API's checks (e.g. older rows) are still defused.
  await t.deps.db.prisma.orderRecipient.updateMany({ where: { orderId, email: "formula@example.test" }, data: { name: '=HYPERLINK("http://evil.test","x")' } });
});
afterAll(async () => {
  await t?.close();
});

const download = () => t.app.request(`/v1/orders/${orderId}/gift-links.csv`, { headers: bearer(key) });

describe("gift links CSV", () => {
  it("starts with a UTF-8 BOM so Excel shows accented names, and parses as CSV", async () => {
    const res = await download();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    expect(text.startsWith("\uFEFFrow,name,email,status,code,gift_url,expires_at\n")).toBe(true);
    const rows = parse(text, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r.row, r.name])).toEqual([
      ["1", "José Müller"],
      ["2", "Grace Hopper"],
      ["3", `'=HYPERLINK("http://evil.test","x")`],
    ]);
  });

  it("keeps canceled gifts as rows, with their status, so a buyer can tell which links are live", async () => {
    const unit = await t.deps.db.prisma.fulfillmentUnit.findFirstOrThrow({ where: { orderId, recipientEmail: "grace@example.test" } });
    const cancel = await t.app.request(`/v1/orders/${orderId}/units/${unit.id}/cancel`, { method: "POST", headers: bearer(key) });
    expect(cancel.status).toBe(200);
    const rows = parse(await (await download()).text(), { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => [r.email, r.status])).toEqual([
      ["jose@example.test", expect.stringMatching(/^(issued|sent)$/)],
      ["grace@example.test", "canceled"],
      ["formula@example.test", expect.stringMatching(/^(issued|sent)$/)],
    ]);
    expect(rows[1]!.gift_url).toMatch(/\/g\//);
  });
});
