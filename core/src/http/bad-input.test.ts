import net from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBuyerOrg } from "../buyers/buyers.service.ts";
import { asPlatform } from "../testing/deps.ts";
import { createOrder } from "../orders/create-order.ts";
import { splitOrder } from "../orders/split-order.ts";
import { mintRecipientToken } from "../redemption/recipient-token.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { PROBLEM_CONTENT_TYPE, type Problem } from "./problem.ts";
import { bearer, testApp, type TestApp } from "./testing.ts";
import { asBuyer } from "../testing/buyer.ts";

/**
 * Inputs of the kinds an outside probe (issue 14) sent: each gets a specific problem, with
 * nothing written. The fuzz test (fuzz.test.ts) generates these classes for every
 * operation; these pin the cases the probe named.
 */
const SHOP = "bad-input.myshopify.com";
let t: TestApp;
let s: Seeded;
let key: string;
let orderId: string;
let recipientToken: string;

beforeAll(async () => {
  t = await testApp({ env: { BODY_LIMIT_BYTES: String(1024 * 1024), LOG_LEVEL: "info" } });
  s = await seedVendor(t.deps.db, { shop: SHOP, slug: "bad-input" });
  const org = await createBuyerOrg(asPlatform(t.deps), { name: "Acme", email: "ap@acme.test" });
  key = org.apiKey.key;
  const created = await createOrder(asBuyer(t.deps, { buyerOrgId: org.id, apiKeyId: org.apiKey.id }), t.deps, {
    storefront: s.storefrontSlug,
    offerId: s.mugOfferId,
    recipients: [{ name: "Ada", email: "ada@example.test", country: "US" }],
  });
  if (!created.ok) throw new Error(JSON.stringify(created));
  orderId = created.orderId;
  await t.deps.db.prisma.giftOrder.update({ where: { id: orderId }, data: { stripePaymentIntentId: "pi_bad_input" } });
  await splitOrder(t.deps, { paymentIntentId: "pi_bad_input", amount: created.quote.totalAmount, currency: "usd" });
  const unit = await t.deps.db.prisma.fulfillmentUnit.findFirstOrThrow({ where: { orderId } });
  recipientToken = await mintRecipientToken(t.deps.config, unit.id);
});
afterAll(async () => {
  await t?.close();
});

async function problem(res: Response, status: number, code: string): Promise<Problem> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
  const body = (await res.json()) as Problem;
  expect(body).toMatchObject({ status, code, type: `/problems/${code.replace(/_/g, "-")}` });
  expect(typeof body.title).toBe("string");
  return body;
}

const json = (method: string, path: string, token: string | undefined, body: string | Uint8Array) =>
  t.app.request(path, { method, headers: { ...(token ? bearer(token) : {}), "content-type": "application/json" }, body });

const counts = async () => ({
  orders: await t.deps.db.prisma.giftOrder.count(),
  recipients: await t.deps.db.prisma.orderRecipient.count(),
  keys: await t.deps.db.prisma.buyerApiKey.count(),
  storefronts: await t.deps.db.prisma.storefront.findMany({ select: { name: true, welcomeText: true } }),
  rules: await t.deps.db.prisma.shippingRule.count(),
  offers: await t.deps.db.prisma.giftOffer.findMany({ select: { name: true, version: true } }),
});

describe("text a database cannot hold: one rule for every body", () => {
  it.each([
    ["POST /v1/orders", "POST", "/v1/orders", "buyer", () => `{"storefront":"${s.storefrontSlug}","offerId":"${s.mugOfferId}","recipients":[{"name":"\\ud800","email":"x@example.test","country":"US"}]}`, "recipients.0.name"],
    ["PUT /v1/vendor/storefront", "PUT", "/v1/vendor/storefront", "vendor", () => `{"name":"Brand","slug":"${s.storefrontSlug}","primaryColor":"#112233","accentColor":"#445566","welcomeText":"Hi \\udc00"}`, "welcomeText"],
    ["POST /v1/buyer/api-keys", "POST", "/v1/buyer/api-keys", "buyer", () => `{"name":"\\ud800 key"}`, "name"],
    ["the quote (which accepted it before)", "POST", "/v1/storefronts/bad-input/quote", undefined, () => `{"offerId":"${s.mugOfferId}","recipients":[{"name":"\\ud83d","email":"x@example.test","country":"US"}]}`, "recipients.0.name"],
  ])("a lone UTF-16 surrogate on %s is a 422 naming the field, nothing written", async (_name, method, path, who, body, field) => {
    const before = await counts();
    const token = who === "buyer" ? key : who === "vendor" ? await t.vendorToken(SHOP) : undefined;
    const p = await problem(await json(method, path, token, body()), 422, "invalid_characters");
    expect(p.errors).toEqual([expect.objectContaining({ in: "body", path: field, code: "lone_surrogate" })]);
    expect(await counts()).toEqual(before);
  });

  it("NUL in a JSON string is the same 422 (nul_character), keys included", async () => {
    const p = await problem(await json("POST", "/v1/buyer/api-keys", key, `{"name":"a\\u0000b","\\u0000":1}`), 422, "invalid_characters");
    expect(p.errors!.map((e) => [e.path, e.code])).toEqual([
      ["name", "nul_character"],
      ["\\u0000", "nul_character"],
    ]);
  });

  it("a JSON body that is not UTF-8 is refused (400 invalid_utf8), not stored with U+FFFD", async () => {
    const before = await counts();
    const body = Uint8Array.from([...Buffer.from('{"name":"'), 0xff, 0xfe, ...Buffer.from('"}')]);
    await problem(await json("POST", "/v1/buyer/api-keys", key, body), 400, "invalid_utf8");
    const cesu = Uint8Array.from([...Buffer.from('{"name":"'), 0xed, 0xa0, 0x80, ...Buffer.from('"}')]);
    await problem(await json("POST", "/v1/buyer/api-keys", key, cesu), 400, "invalid_utf8");
    expect(await counts()).toEqual(before);
  });

  it("a NUL byte inside an uploaded CSV is a 422 naming its line, nothing written", async () => {
    const before = await counts();
    const res = await t.app.request(`/v1/orders/csv?storefront=${s.storefrontSlug}&offerId=${s.mugOfferId}`, {
      method: "POST",
      headers: bearer(key, { "content-type": "text/csv" }),
      body: "name,email,country\nAda,ada@example.test,US\nGr\u0000ace,grace@example.test,US\n",
    });
    const p = await problem(res, 422, "invalid_recipients");
    expect(p.errors).toEqual([expect.objectContaining({ path: "file", code: "nul_character", message: expect.stringContaining("line 3") })]);
    expect(await counts()).toEqual(before);
  });
});

describe("numbers and dates out of range", () => {
  it("GET /v1/orders?before=0000-01-01T00:00:00Z is a 400 naming the parameter", async () => {
    for (const before of ["0000-01-01T00:00:00Z", "1969-12-31T23:59:59Z"]) {
      const p = await problem(await t.app.request(`/v1/orders?before=${before}`, { headers: bearer(key) }), 400, "invalid_parameters");
      expect(p.errors).toEqual([expect.objectContaining({ in: "query", path: "before", code: "out_of_range" })]);
    }
    expect((await t.app.request("/v1/orders?before=9999-12-31T23:59:59Z", { headers: bearer(key) })).status).toBe(200);
  });

  it("GET /v1/orders/{id}?afterRow=2147483648 is a 400 naming the parameter", async () => {
    const p = await problem(await t.app.request(`/v1/orders/${orderId}?afterRow=2147483648`, { headers: bearer(key) }), 400, "invalid_parameters");
    expect(p.errors).toEqual([expect.objectContaining({ in: "query", path: "afterRow", code: "too_big" })]);
    expect((await t.app.request(`/v1/orders/${orderId}?afterRow=10000`, { headers: bearer(key) })).status).toBe(200);
  });

  it("an offer version past a 32-bit integer, and dates before 1970 in a body, are 422s", async () => {
    const vendor = await t.vendorToken(SHOP);
    const version = await problem(await json("PATCH", `/v1/vendor/offers/${s.mugOfferId}`, vendor, JSON.stringify({ version: 2 ** 31, name: "x" })), 422, "validation_failed");
    expect(version.errors).toEqual([expect.objectContaining({ path: "version", code: "too_big" })]);
    const dates = await problem(await json("PATCH", `/v1/vendor/offers/${s.mugOfferId}`, vendor, JSON.stringify({ version: 1, startsAt: "0000-01-01T00:00:00Z" })), 422, "validation_failed");
    expect(dates.errors).toEqual([expect.objectContaining({ path: "startsAt", code: "out_of_range" })]);
  });
});

describe("malformed percent-encoding in path ids", () => {
  it.each(["/v1/vendor/products/{id}/gifting", "/v1/vendor/units/by-shopify-order/{id}"])("GET %s with %%ff%%fe, %%c0%%ae or a cut sequence is a 400, not a 500", async (template) => {
    const vendor = await t.vendorToken(SHOP);
    for (const id of ["%ff%fe", "%c0%ae", "%E2%82", "%zz"]) {
      await problem(await t.app.request(template.replace("{id}", id), { headers: bearer(vendor) }), 400, "invalid_path_encoding");
    }
  });

  it("POST /v1/vendor/products/{id}/giftable with malformed encoding is a 400, nothing changed", async () => {
    const vendor = await t.vendorToken(SHOP);
    await problem(await json("POST", "/v1/vendor/products/%c0%ae/giftable", vendor, '{"giftable":false}'), 400, "invalid_path_encoding");
  });

  it("decodes an id once: %25s is the id `%s` (not a number: 400), never decoded again", async () => {
    const vendor = await t.vendorToken(SHOP);
    await problem(await t.app.request("/v1/vendor/products/%25s/gifting", { headers: bearer(vendor) }), 400, "invalid_product_id");
    await problem(await t.app.request("/v1/vendor/units/by-shopify-order/%25s", { headers: bearer(vendor) }), 400, "invalid_order_id");
    // One decoding of an encoded GID still works.
    const product = await t.deps.db.prisma.product.findFirstOrThrow({ where: { vendorId: s.vendorId } });
    expect((await t.app.request(`/v1/vendor/products/${encodeURIComponent(product.shopifyId)}/gifting`, { headers: bearer(vendor) })).status).toBe(200);
  });

  it("the storefront's asset path and the file downloads are covered by the same rule", async () => {
    await problem(await t.app.request("/s/%ff.js"), 400, "invalid_path_encoding");
    await problem(await t.app.request("/files/%c0%ae/x.pdf?expires=1&sig=x"), 400, "invalid_path_encoding");
  });
});

describe("unknown fields are refused on every write", () => {
  it.each([
    ["PATCH /v1/vendor/offers/{id}", "PATCH", () => `/v1/vendor/offers/${s.mugOfferId}`, { version: 1, name: "Renamed", colour: "red" }, "colour"],
    ["PUT /v1/vendor/storefront", "PUT", () => "/v1/vendor/storefront", { name: "B", slug: "bad-input", primaryColor: "#112233", accentColor: "#445566", welcomText: "typo" }, "welcomText"],
    ["PUT /v1/vendor/shipping-rules", "PUT", () => "/v1/vendor/shipping-rules", { rules: [{ country: "US", rateAmount: 500, currency: "EUR" }] }, "rules.0.currency"],
    ["POST /v1/buyer/api-keys", "POST", () => "/v1/buyer/api-keys", { name: "k", scopes: ["admin"] }, "scopes"],
    ["POST /v1/redeem/gift/redeem", "POST", () => "/v1/redeem/gift/redeem", { variantId: "00000000-0000-4000-8000-000000000000", address: { name: "A", line1: "1 Main", city: "X", country: "US", postalCode: "62701", region: "IL", floor: 3 } }, "address.floor"],
  ])("%s: 422 unknown_field at the field, nothing changed", async (name, method, path, body, field) => {
    const before = await counts();
    const token = name.includes("vendor") ? await t.vendorToken(SHOP) : name.includes("redeem") ? recipientToken : key;
    const p = await problem(await json(method, path(), token, JSON.stringify(body)), 422, "validation_failed");
    expect(p.errors).toEqual([expect.objectContaining({ in: "body", path: field, code: "unknown_field" })]);
    expect(await counts()).toEqual(before);
  });
});

describe("country codes are ISO 3166-1 alpha-2 codes that exist", () => {
  it("a recipient in ZZ is refused (a gift that could never be redeemed), in JSON and CSV", async () => {
    await t.app.request("/v1/vendor/shipping-rules", {
      method: "PUT",
      headers: bearer(await t.vendorToken(SHOP), { "content-type": "application/json" }),
      body: JSON.stringify({ rules: [{ country: "US", rateAmount: 800 }, { country: "*", rateAmount: 2000 }] }),
    });
    const before = await counts();
    const order = (country: string) => json("POST", "/v1/orders", key, JSON.stringify({ storefront: s.storefrontSlug, offerId: s.mugOfferId, recipients: [{ name: "Z", email: "z@example.test", country }] }));
    const p = await problem(await order("ZZ"), 422, "invalid_recipients");
    expect((p as Problem & { rows: unknown[] }).rows).toEqual([expect.objectContaining({ row: 1, field: "country", message: expect.stringContaining("ISO 3166-1") })]);
    const csv = await t.app.request(`/v1/orders/csv?storefront=${s.storefrontSlug}&offerId=${s.mugOfferId}`, { method: "POST", headers: bearer(key, { "content-type": "text/csv" }), body: "name,email,country\nZ,z@example.test,XX\n" });
    await problem(csv, 422, "invalid_recipients");
    expect(await counts()).toEqual(before);
    expect((await order("fr")).status).toBe(201); // an existing code, in any case, ships under "*"
  });

  it("a shipping rule for ZZ is refused; * (everywhere else) still works", async () => {
    const res = await json("PUT", "/v1/vendor/shipping-rules", await t.vendorToken(SHOP), JSON.stringify({ rules: [{ country: "ZZ", rateAmount: 500 }] }));
    const p = await problem(res, 422, "validation_failed");
    expect(p.errors).toEqual([expect.objectContaining({ path: "rules.0.country", message: expect.stringContaining("ISO 3166-1") })]);
  });

  it("a redemption address in ZZ is refused with invalid_country", async () => {
    const variant = Object.values(s.variants)[0]!;
    const res = await json("POST", "/v1/redeem/gift/redeem", recipientToken, JSON.stringify({ variantId: variant, address: { name: "A", line1: "1 Main", city: "X", country: "ZZ" } }));
    const p = await problem(res, 422, "validation_failed");
    expect(p.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: "address.country", code: "invalid_country" })]));
  });
});

describe("bodies over the limit, over a real connection", () => {
  let server: ServerType;
  let port: number;
  beforeAll(async () => {
    server = await new Promise<ServerType>((resolve) => {
      const srv = serve({ fetch: t.app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(srv));
    });
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
  });

  /**
   * Sends a 2 MB body slowly (in 16 KB pieces, one every 10 ms), as a client on a slow link
   * does, and reads the whole answer: a server that answers and closes while the client is
   * still sending makes the client's next write fail with a reset before it reads anything.
   */
  function slowUpload(head: string, body: Buffer, chunked: boolean): Promise<{ response: string; sentAll: boolean; error?: string }> {
    return new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      let response = "";
      let error: string | undefined;
      let sentAll = false;
      socket.on("data", (d) => (response += d.toString("latin1")));
      socket.on("error", (e) => (error ??= e.message));
      socket.on("close", () => resolve({ response, sentAll, ...(error ? { error } : {}) }));
      socket.write(head);
      let at = 0;
      const pump = () => {
        // The client goes on sending whatever it sees, as an HTTP client uploading a body does.
        if (socket.destroyed) return void (error ??= `the server closed the connection after ${at} of ${body.length} bytes`);
        const piece = body.subarray(at, at + 16 * 1024);
        at += piece.length;
        const last = at >= body.length;
        const data = chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from(last ? "\r\n0\r\n\r\n" : "\r\n")]) : piece;
        if (last) return void socket.write(data, (err) => (sentAll = !err));
        socket.write(data);
        setTimeout(pump, 10);
      };
      pump();
    });
  }

  it.each([
    ["chunked", true],
    ["with a Content-Length", false],
  ])("a 2 MB JSON body %s gets its 413 problem, no connection reset, and one log line", async (_name, chunked) => {
    const body = Buffer.alloc(2 * 1024 * 1024, "a");
    const requestId = `limit-${chunked ? "chunked" : "length"}`;
    const head = [
      "POST /v1/buyer/api-keys HTTP/1.1",
      "Host: 127.0.0.1",
      `Authorization: Bearer ${key}`,
      "Content-Type: application/json",
      `X-Request-Id: ${requestId}`,
      chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${body.length}`,
      "Connection: close",
      "",
      "",
    ].join("\r\n");
    const { response, error, sentAll } = await slowUpload(head, body, chunked);
    expect(error).toBeUndefined();
    expect(sentAll).toBe(true);
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response).toContain('"code":"payload_too_large"');
    const lines = t.deps.logs.lines.filter((l) => l.requestId === requestId);
    expect(lines).toEqual([expect.objectContaining({ msg: "request", status: 413, method: "POST", path: "/v1/buyer/api-keys" })]);
  }, 120_000);
});
