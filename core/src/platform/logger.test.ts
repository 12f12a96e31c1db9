import { describe, expect, it } from "vitest";
import { LogCapture } from "../testing/deps.ts";
import { formatCode, generateCode } from "../redemption/codes/codes.ts";
import { createLogger, scrubSecrets } from "./logger.ts";

const code = generateCode();
const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcHMifQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg";
const apiKey = "gl_sk_o001nf0a_--zMARXbz_-82uOz5vJ9CBcs4s1i_47In61bidGSiNs";
const recipientToken = "2f1c9a4e-3b7d-4e0a-9c51-8d2f6b1a0e77.1767225600.Qk9CLXNpZ25hdHVyZS1vZi1hLXJlY2lwaWVudC10b2s";

describe("secrets in log lines", () => {
  it.each([
    ["a gift link path", `GET /g/${formatCode(code)} 200`, formatCode(code)],
    ["a gift link path, lower case", `/g/${code.toLowerCase()}`, code.toLowerCase()],
    ["a gift link URL", `https://gifts.example/g/${code}?utm=x`, code],
    ["a formatted code in a message", `no unit for ${formatCode(code).toLowerCase()}`, formatCode(code).toLowerCase()],
    ["a compact code in a message", `looked up ${code}.`, code],
    ["a grouped code joined to a word", `key redeem-${formatCode(code)}`, formatCode(code)],
    ["a code in a query string", `/redeem?code=${code}&x=1`, code],
    ["a signed link's signature", "/files/manifests/a.pdf?expires=1767225600&sig=AbC_dEf-123456", "AbC_dEf-123456"],
    ["an S3 presigned URL", "https://b.s3/k?X-Amz-Credential=AKIA%2F2026&X-Amz-Signature=f00dfeed", "f00dfeed"],
    ["an OAuth callback", "/auth/callback?code=a1b2c3&hmac=deadbeef&shop=x.myshopify.com&state=n0nce", "deadbeef"],
    ["a bearer header value", `authorization: Bearer ${apiKey}`, apiKey],
    ["a JWT", `token ${jwt} expired`, jwt],
    ["a buyer API key", `key ${apiKey} revoked`, apiKey],
    ["a Stripe secret key", "StripeAuthenticationError: Invalid API Key provided: sk_test_51Abc123xyz", "sk_test_51Abc123xyz"],
    ["a webhook secret", "whsec_9f8e7d6c5b4a", "whsec_9f8e7d6c5b4a"],
    ["a Shopify access token", "shpat_0123456789abcdef", "shpat_0123456789abcdef"],
    ["a Stripe client secret", "confirming pi_3MtwBwLkdIwHu7ix28a3tqPa_secret_YrKJUKribcBjcG8HVhfZluoGH", "YrKJUKribcBjcG8HVhfZluoGH"],
    ["a recipient token", `token=${recipientToken}`, recipientToken.split(".")[2]!],
    ["a recipient token in a message", `bad token ${recipientToken}`, recipientToken.split(".")[2]!],
  ])("redacts %s", (_name, text, secret) => {
    const line = JSON.stringify({ msg: text });
    const scrubbed = scrubSecrets(line);
    expect(scrubbed).not.toContain(secret);
    expect(scrubbed).toContain("[redacted]");
    expect(() => JSON.parse(scrubbed)).not.toThrow();
  });

  it("leaves ordinary lines alone", () => {
    for (const text of [
      "POST /v1/orders 201",
      "GET /v1/orders/2f1c9a4e-3b7d-4e0a-9c51-8d2f6b1a0e77?limit=100 200",
      "job fulfillment.push_order succeeded after 2 attempts",
      "payment_intent.succeeded pi_3MtwBwLkdIwHu7ix28a3tqPa",
      "gid://shopify/Order/450789469",
    ]) {
      const line = JSON.stringify({ msg: text });
      expect(scrubSecrets(line)).toBe(line);
    }
  });

  it("applies to every line the logger writes: messages, fields, errors and children", () => {
    const logs = new LogCapture();
    const log = createLogger("debug", logs);
    log.info({ path: `/g/${formatCode(code)}` }, "request");
    log.child({ requestId: "r1" }).warn(`redeem failed for ${code}`);
    log.error({ err: new Error(`fetch https://x/files/a?sig=s3cr3tsig failed with Bearer ${jwt}`) }, "boom");
    log.info({ headers: { authorization: `Bearer ${apiKey}`, "stripe-signature": "t=1,v1=abc" }, token: "plain-token-value" }, "headers");
    const text = logs.lines.map((l) => JSON.stringify(l)).join("\n");
    for (const secret of [code, formatCode(code), "s3cr3tsig", jwt, apiKey, "v1=abc", "plain-token-value"]) expect(text).not.toContain(secret);
    expect(logs.lines).toHaveLength(4);
    expect(logs.lines[1]).toMatchObject({ requestId: "r1", msg: "redeem failed for [redacted]" });
  });
});
