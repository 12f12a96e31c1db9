import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, testApp, type TestApp } from "../http/testing.ts";
import { hashApiKey } from "./api-keys.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t?.close();
});

const json = (token: string) => bearer(token, { "content-type": "application/json" });

async function newBuyer(name = "Acme Corp") {
  const res = await t.app.request("/v1/operator/buyers", {
    method: "POST",
    headers: json(await t.operatorToken()),
    body: JSON.stringify({ name, email: "gifts@acme.test" }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; apiKey: { id: string; key: string; prefix: string } };
}

describe("buyer organisations and API keys", () => {
  it("an operator creates a buyer; its key is shown once and stored only as a hash", async () => {
    const buyer = await newBuyer();
    expect(buyer.apiKey.key).toMatch(/^gl_sk_[a-z0-9]{8}_/);
    const row = await t.deps.db.prisma.buyerApiKey.findUniqueOrThrow({ where: { id: buyer.apiKey.id } });
    expect(row.keyHash).toBe(hashApiKey(buyer.apiKey.key));
    const dump = JSON.stringify(await t.deps.db.sql.query("SELECT row_to_json(k)::text AS r FROM buyer_api_key k"));
    // The secret is everything after `gl_sk_<prefix>_` (base64url: it may itself hold "_").
    expect(dump).not.toContain(buyer.apiKey.key.slice("gl_sk_".length + 9));
    const list = await t.app.request("/v1/buyer/api-keys", { headers: bearer(buyer.apiKey.key) });
    expect(JSON.stringify(await list.json())).not.toContain(buyer.apiKey.key);
  });

  it("only operators create buyers", async () => {
    const buyer = await newBuyer();
    const res = await t.app.request("/v1/operator/buyers", {
      method: "POST",
      headers: json(buyer.apiKey.key),
      body: JSON.stringify({ name: "x", email: "x@x.test" }),
    });
    expect(res.status).toBe(401);
  });

  it("a key resolves its own buyer, and only that buyer", async () => {
    const a = await newBuyer("A");
    const b = await newBuyer("B");
    const me = await t.app.request("/v1/buyer", { headers: bearer(a.apiKey.key) });
    expect(await me.json()).toMatchObject({ id: a.id, name: "A" });
    // B cannot revoke A's key: it is not B's.
    const res = await t.app.request(`/v1/buyer/api-keys/${a.apiKey.id}`, { method: "DELETE", headers: bearer(b.apiKey.key) });
    expect(res.status).toBe(404);
    expect((await t.app.request("/v1/buyer", { headers: bearer(a.apiKey.key) })).status).toBe(200);
  });

  it("creates more keys and revokes them; a revoked key stops working", async () => {
    const buyer = await newBuyer();
    const created = await t.app.request("/v1/buyer/api-keys", {
      method: "POST",
      headers: json(buyer.apiKey.key),
      body: JSON.stringify({ name: "CI" }),
    });
    expect(created.status).toBe(201);
    const second = (await created.json()) as { id: string; key: string };
    expect((await t.app.request("/v1/buyer", { headers: bearer(second.key) })).status).toBe(200);
    const del = await t.app.request(`/v1/buyer/api-keys/${second.id}`, { method: "DELETE", headers: bearer(buyer.apiKey.key) });
    expect(del.status).toBe(204);
    const after = await t.app.request("/v1/buyer", { headers: bearer(second.key) });
    expect(after.status).toBe(401);
    expect(after.headers.get("content-type")).toContain("application/problem+json");
    expect(await after.json()).toMatchObject({ code: "invalid_api_key" });
  });

  it("rejects missing, malformed and unknown keys with 401 problems", async () => {
    for (const headers of [{}, bearer("nope"), bearer(`gl_sk_abcdefgh_${"A".repeat(43)}`)] as Record<string, string>[]) {
      const res = await t.app.request("/v1/buyer", { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toContain("giftloop-buyer");
    }
  });

  it("validates the new buyer's fields", async () => {
    const res = await t.app.request("/v1/operator/buyers", {
      method: "POST",
      headers: json(await t.operatorToken()),
      body: JSON.stringify({ name: "", email: "not-an-email" }),
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: Array<{ path: string }> };
    expect(body.errors.map((e) => e.path).sort()).toEqual(["email", "name"]);
  });
});
