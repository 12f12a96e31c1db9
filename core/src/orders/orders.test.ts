import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBuyerOrg } from "../buyers/buyers.service.ts";
import { asPlatform } from "../testing/deps.ts";
import { bearer, testApp, type TestApp } from "../http/testing.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";

let t: TestApp;
let s: Seeded;
let key: string;
let otherKey: string;
beforeAll(async () => {
  t = await testApp();
  s = await seedVendor(t.deps.db);
  key = (await createBuyerOrg(asPlatform(t.deps), { name: "Acme", email: "a@acme.test" })).apiKey.key;
  otherKey = (await createBuyerOrg(asPlatform(t.deps), { name: "Other", email: "o@other.test" })).apiKey.key;
});
afterAll(async () => {
  await t?.close();
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  t.app.request("/v1/orders", {
    method: "POST",
    headers: bearer(key, { "content-type": "application/json", ...headers }),
    body: JSON.stringify(body),
  });
const postCsv = (csv: string, query: string, headers: Record<string, string> = {}) =>
  t.app.request(`/v1/orders/csv?${query}`, { method: "POST", headers: bearer(key, { "content-type": "text/csv", ...headers }), body: csv });

const people = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `Person ${i + 1}`, email: `p${i + 1}@example.test`, country: "US" }));

describe("creating orders", () => {
  it("creates an order awaiting payment with every recipient, priced like the quote", async () => {
    const res = await post({ storefront: s.storefrontSlug, offerId: s.mugOfferId, recipients: people(3), buyerReference: "PO-42" });
    expect(res.status).toBe(201);
    const { order } = (await res.json()) as { order: { id: string; status: string; totalAmount: number; recipientCount: number } };
    expect(order).toMatchObject({ status: "awaiting_payment", totalAmount: 3 * 3800, recipientCount: 3, buyerReference: "PO-42" });
    const detail = await t.app.request(`/v1/orders/${order.id}`, { headers: bearer(key) });
    const body = (await detail.json()) as { recipients: Array<{ row: number; email: string; amount: number; unit: unknown }> };
    expect(body.recipients.map((r) => [r.row, r.email, r.amount, r.unit])).toEqual([
      [1, "p1@example.test", 3800, null],
      [2, "p2@example.test", 3800, null],
      [3, "p3@example.test", 3800, null],
    ]);
  });

  it("writes nothing when any row is invalid, and names every bad row", async () => {
    const before = await t.deps.db.prisma.orderRecipient.count();
    const recipients = [...people(3), { name: "X", email: "bad" }, { name: "", email: "y@example.test", country: "US" }];
    const res = await post({ storefront: s.storefrontSlug, offerId: s.mugOfferId, recipients });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { rows: Array<{ row: number; field: string; code: string; message: string }>; detail: string };
    expect([...new Set(body.rows.map((r) => r.row))]).toEqual([4, 5]);
    expect(body.rows.find((r) => r.row === 5)).toEqual({ row: 5, field: "name", code: "required", message: "name is required" });
    expect(body.detail).toContain("nothing was saved");
    expect(await t.deps.db.prisma.orderRecipient.count()).toBe(before);
  });

  it("is safe to retry with an Idempotency-Key, and refuses the key for another order", async () => {
    const body = { storefront: s.storefrontSlug, offerId: s.mugOfferId, recipients: people(2) };
    const headers = { "idempotency-key": "order-retry-0001" };
    const [a, b] = await Promise.all([post(body, headers), post(body, headers)]);
    const ids = await Promise.all([a, b].map(async (r) => ((await r.json()) as { order: { id: string } }).order.id));
    expect(ids[0]).toBe(ids[1]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    const other = await post({ ...body, recipients: people(3) }, headers);
    expect(other.status).toBe(409);
  });

  it("creates an order from a CSV file", async () => {
    const day = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const csv = `Name,Email,Country,Message,Send date\nAda Lovelace,ada@example.test,US,"Thanks, Ada!",\nGrace Hopper,grace@example.test,CA,,${day}\n`;
    const res = await postCsv(csv, `storefront=${s.storefrontSlug}&offerId=${s.mugOfferId}`);
    expect(res.status).toBe(201);
    const { order } = (await res.json()) as { order: { id: string; totalAmount: number } };
    expect(order.totalAmount).toBe(3000 + 800 + 3000 + 1500);
    const rows = await t.deps.db.prisma.orderRecipient.findMany({ where: { orderId: order.id }, orderBy: { row: "asc" } });
    expect(rows.map((r) => [r.name, r.message, r.country, r.sendAt?.toISOString() ?? null])).toEqual([
      ["Ada Lovelace", "Thanks, Ada!", "US", null],
      ["Grace Hopper", null, "CA", `${day}T00:00:00.000Z`],
    ]);
  });

  it("reports CSV problems with row numbers: unknown columns, bad cells, wrong cell counts", async () => {
    const unknown = await postCsv("name,email,shoe size\nA,a@example.test,42\n", `storefront=${s.storefrontSlug}&offerId=${s.mugOfferId}`);
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(await unknown.json())).toContain("shoe size");
    const bad = await postCsv("name,email,country\nA,a@example.test,US\nB,not-an-email,US\nC,c@example.test\n", `storefront=${s.storefrontSlug}&offerId=${s.mugOfferId}`);
    expect(bad.status).toBe(422);
    const rows = ((await bad.json()) as { rows: Array<{ row: number; code: string }> }).rows;
    expect(rows.map((r) => r.row)).toContain(3);
  });

  it("refuses bad files specifically and writes nothing: encoding, headers, size, duplicates, formulas", async () => {
    const q = `storefront=${s.storefrontSlug}&offerId=${s.mugOfferId}`;
    const before = await t.deps.db.prisma.giftOrder.count();
    const latin1 = Buffer.from("name,email,country\nJos\xe9,jose@example.test,US\n", "latin1");
    const cases: Array<[string | Buffer, string]> = [
      [latin1, "csv_encoding"],
      ["email,country\na@example.test,US\n", "csv_missing_column"],
      ["name,email\n", "csv_empty"],
      [["name,email,country", ...people(10_001).map((p) => `${p.name},${p.email},US`)].join("\n"), "too_many_recipients"],
      ["name,email,country\nA,dup@example.test,US\nB,DUP@example.test,US\n", "duplicate_email"],
      ["name,email,country,message\n=cmd|' /C calc'!A0,f@example.test,US,hi\n", "invalid_field"],
      ["name,email,country,message\nF,f@example.test,US,@SUM(1+1)\n", "invalid_field"],
    ];
    for (const [body, code] of cases) {
      const res = await t.app.request(`/v1/orders/csv?${q}`, {
        method: "POST",
        headers: bearer(key, { "content-type": "text/csv" }),
        body: typeof body === "string" ? body : new Uint8Array(body),
      });
      expect(res.status, code).toBe(422);
      const problem = (await res.json()) as { errors: Array<{ code: string; message: string; pointer: string }> };
      expect(problem.errors.map((r) => r.code), code).toContain(code);
      for (const e of problem.errors) expect(e.pointer, code).toMatch(/^(|\/recipients\/\d+(\/[a-zA-Z]+)?)$/);
    }
    expect(await t.deps.db.prisma.giftOrder.count()).toBe(before);
  }, 60_000);

  it("refuses a file with a repeated column, naming it, and writes nothing", async () => {
    const before = await t.deps.db.prisma.giftOrder.count();
    const res = await postCsv("name,email,country,Email\nA,a@example.test,US,b@example.test\n", `storefront=${s.storefrontSlug}&offerId=${s.mugOfferId}`);
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { code: string; detail: string; rows: unknown[]; errors: Array<{ path: string; pointer: string; code: string; message: string }> };
    expect(problem.code).toBe("invalid_recipients");
    expect(problem.errors).toEqual([
      { in: "body", path: "header", pointer: "", code: "csv_duplicate_column", message: expect.stringContaining('"Email" (column 4)') },
    ]);
    expect(problem.detail).toContain('"Email"');
    expect(problem.rows).toEqual([]);
    expect(await t.deps.db.prisma.giftOrder.count()).toBe(before);
  });

  it("reports file problems on the file, with no row and a valid pointer", async () => {
    const res = await postCsv("email,country\na@example.test,US\n", `storefront=${s.storefrontSlug}&offerId=${s.mugOfferId}`);
    const problem = (await res.json()) as { detail: string; errors: Array<{ path: string; pointer: string; code: string; message: string }> };
    expect(problem.errors).toEqual([{ in: "body", path: "header", pointer: "", code: "csv_missing_column", message: "missing column(s): name" }]);
    expect(problem.detail).toBe("Missing column(s): name. Nothing was saved; fix the file and send it again.");
  });

  it("reports every row with the wrong cell count, blank required cells and bad cells at once, with data-row numbers", async () => {
    const csv = 'name,email,country\n"Ada\nLovelace",ada@example.test,US,extra\nB,b@example.test,US\nC,c@example.test\n,,\nE,not-an-email,US\n';
    const res = await postCsv(csv, `storefront=${s.storefrontSlug}&offerId=${s.mugOfferId}`);
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { rows: Array<{ row: number; field: string; code: string }>; errors: Array<{ pointer: string; message: string }> };
    expect(problem.rows.map((r) => [r.row, r.field, r.code])).toEqual([
      [1, "row", "csv_column_count"],
      [3, "row", "csv_column_count"],
      [4, "name", "required"],
      [4, "email", "required"],
      [5, "email", "invalid_field"],
    ]);
    expect(problem.errors.map((e) => [e.pointer, e.message])).toEqual([
      ["/recipients/0", "row 1: has 4 cells; the header has 3"],
      ["/recipients/2", "row 3: has 2 cells; the header has 3"],
      ["/recipients/3/name", "row 4: name is required"],
      ["/recipients/3/email", "row 4: email is required"],
      ["/recipients/4/email", "row 5: email is not an email address"],
    ]);
  });

  it("names the row an unclosed quote opens on", async () => {
    const res = await postCsv('name,email,country\n"Ada,ada@example.test,US\nB,b@example.test,US\n', `storefront=${s.storefrontSlug}&offerId=${s.mugOfferId}`);
    const problem = (await res.json()) as { rows: Array<{ row: number; code: string }> };
    expect(problem.rows.map((r) => [r.row, r.code])).toEqual([[1, "csv_syntax"]]);
  });

  it("reads blank cells of an otherwise valid file as `required`, next to the order's other problems", async () => {
    const res = await postCsv("name,email,country\nA,a@example.test,US\n,,\nC,c@example.test,JP\n,,\n", `storefront=${s.storefrontSlug}&offerId=${s.mugOfferId}`);
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { rows: Array<{ row: number; field: string; code: string; message: string }> };
    expect(problem.rows.map((r) => [r.row, r.field, r.code, r.message])).toEqual([
      [2, "name", "required", "name is required"],
      [2, "email", "required", "email is required"],
      [3, "country", "country_not_shipped", expect.any(String)],
    ]);
  });

  it("answers 415 for a body that is not sent as text/csv (multipart upload, JSON, none), and writes nothing", async () => {
    const q = `storefront=${s.storefrontSlug}&offerId=${s.mugOfferId}`;
    const before = await t.deps.db.prisma.giftOrder.count();
    const form = new FormData();
    form.append("file", new Blob(["name,email,country\nA,a@example.test,US\n"], { type: "text/csv" }), "x.csv");
    const bodies: Array<[string, RequestInit]> = [
      ["multipart", { body: form }],
      ["json", { body: JSON.stringify({ recipients: [] }), headers: { "content-type": "application/json" } }],
      ["form", { body: "name,email", headers: { "content-type": "application/x-www-form-urlencoded" } }],
      ["none", { body: new TextEncoder().encode("name,email\nA,a@example.test\n") }],
      ["latin1", { body: "name,email\nA,a@example.test\n", headers: { "content-type": "text/csv; charset=iso-8859-1" } }],
    ];
    for (const [label, init] of bodies) {
      const res = await t.app.request(`/v1/orders/csv?${q}`, { method: "POST", ...init, headers: bearer(key, (init.headers ?? {}) as Record<string, string>) });
      expect(res.status, label).toBe(415);
      expect(res.headers.get("content-type"), label).toBe("application/problem+json");
      const problem = (await res.json()) as { code: string; detail: string; title: string; status: number };
      expect(problem, label).toMatchObject({ code: "unsupported_media_type", status: 415, title: "Unsupported Media Type" });
      expect(problem.detail, label).toContain("text/csv");
    }
    expect(await t.deps.db.prisma.giftOrder.count()).toBe(before);
  });

  it("reads the file sent as text/csv with a charset, application/csv or text/plain", async () => {
    for (const [i, type] of ["text/csv; charset=utf-8", "application/csv", "text/plain;charset=UTF-8"].entries()) {
      const res = await postCsv(`name,email,country\nJosé Müller,jose${i}@example.test,US\n`, `storefront=${s.storefrontSlug}&offerId=${s.mugOfferId}`, { "content-type": type });
      expect(res.status, type).toBe(201);
    }
  });

  it("creates 10,000 recipients in one order, with messages (a body of megabytes)", async () => {
    const message = "Thank you for everything you did for the team this year. Enjoy the holidays!";
    const csv = ["name,email,country,message", ...people(10_000).map((p) => `${p.name},${p.email},US,${message}`)].join("\n");
    expect(Buffer.byteLength(csv)).toBeGreaterThan(t.deps.config.BODY_LIMIT_BYTES); // more than other routes accept
    await t.deps.db.prisma.variant.update({ where: { id: s.variants["mug:default"]! }, data: { inventoryQuantity: 20_000 } }); // stock for all
    const res = await postCsv(csv, `storefront=${s.storefrontSlug}&offerId=${s.mugOfferId}`);
    expect(res.status).toBe(201);
    const { order } = (await res.json()) as { order: { id: string; recipientCount: number } };
    expect(order.recipientCount).toBe(10_000);
    expect(await t.deps.db.prisma.orderRecipient.count({ where: { orderId: order.id } })).toBe(10_000);
    const page = await t.app.request(`/v1/orders/${order.id}?afterRow=9990&limit=100`, { headers: bearer(key) });
    const body = (await page.json()) as { recipients: Array<{ row: number }>; nextAfterRow: number | null };
    expect(body.recipients.map((r) => r.row)).toEqual(Array.from({ length: 10 }, (_, i) => 9991 + i));
    expect(body.nextAfterRow).toBeNull();

    // Other routes keep the small limit.
    const big = await t.app.request("/v1/buyer/api-keys", {
      method: "POST",
      headers: bearer(key, { "content-type": "application/json" }),
      body: JSON.stringify({ name: "x".repeat(t.deps.config.BODY_LIMIT_BYTES) }),
    });
    expect(big.status).toBe(413);
  }, 60_000);

  it("shows a buyer only their own orders", async () => {
    const res = await post({ storefront: s.storefrontSlug, offerId: s.mugOfferId, recipients: people(1) });
    const { order } = (await res.json()) as { order: { id: string } };
    expect((await t.app.request(`/v1/orders/${order.id}`, { headers: bearer(otherKey) })).status).toBe(404);
    const list = (await (await t.app.request("/v1/orders", { headers: bearer(otherKey) })).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
    expect((await t.app.request("/v1/orders", { headers: bearer(key) })).status).toBe(200);
  });
});
