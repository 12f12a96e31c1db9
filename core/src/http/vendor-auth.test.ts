import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { verifySessionToken } from "./vendor-auth.ts";

const secret = "test-app-secret";
const apiKey = "test-app-key";
const shop = "acme.myshopify.com";

async function token(claims: Record<string, unknown> = {}, key = secret): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign({ iss: `https://${shop}/admin`, dest: `https://${shop}`, aud: apiKey, sub: "7", exp: now + 60, nbf: now - 5, iat: now, ...claims }, key, "HS256");
}

describe("verifySessionToken (Shopify's decoder, then dest and iss)", () => {
  it("accepts a token App Bridge would send, giving the shop and the user", async () => {
    expect(await verifySessionToken(await token(), { secret, apiKey })).toEqual({ ok: true, shop, userId: "7" });
  });

  it.each([
    ["signature", () => token({}, "another-secret")],
    ["expired", () => token({ exp: Math.floor(Date.now() / 1000) - 60 })],
    ["not_yet_valid", () => token({ nbf: Math.floor(Date.now() / 1000) + 120 })],
    ["audience", () => token({ aud: "another-app" })],
    ["destination", () => token({ dest: "https://evil.example.com", iss: "https://evil.example.com/admin" })],
    ["destination", () => token({ dest: "https://acme.myshopify.com/extra" })],
    ["issuer", () => token({ iss: "https://other.myshopify.com/admin" })],
    ["expired", () => token({ exp: undefined })],
    ["signature", async () => "not-a-jwt"],
  ])("refuses with reason %s", async (reason, make) => {
    expect(await verifySessionToken(await make(), { secret, apiKey })).toEqual({ ok: false, reason });
  });
});
