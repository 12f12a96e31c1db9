import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { storefrontPages } from "./storefront-pages.ts";

/** The buyer storefront's page: strict CSP, Stripe's origins only in live mode, data preloads. */
function dist(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "buyer-dist-"));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "buyer.html"), "<!doctype html><html><head><title>x</title></head><body></body></html>");
  writeFileSync(path.join(dir, "index.html"), "<!doctype html><html><head></head><body></body></html>");
  return `${dir}/`;
}

describe("buyer pages", () => {
  it("sandbox: no third-party origin in the CSP, no Stripe key; a brand page preloads its storefront", async () => {
    const app = storefrontPages({ NODE_ENV: "development", STRIPE_API_URL: "http://127.0.0.1:1234", STRIPE_PUBLISHABLE_KEY: "pk_test_abc" }, dist());
    const res = await app.request("/buy/northwind-demo");
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain("stripe");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).not.toContain("stripe-publishable-key");
    expect(html).toContain('<link rel="preload" href="/v1/storefronts/northwind-demo" as="fetch"');
    const order = await (await app.request("/buy/orders/4b21c8d2-17e0-49b3-bcf6-b03dd6e1540c")).text();
    expect(order).toContain('href="/v1/orders/4b21c8d2-17e0-49b3-bcf6-b03dd6e1540c?afterRow=0&amp;limit=100"');
    expect(await (await app.request("/buy/account")).text()).not.toContain("preload");
  });

  it("live: Stripe's origins for the Payment Element, and the publishable key on the page", async () => {
    const app = storefrontPages({ NODE_ENV: "production", STRIPE_API_URL: undefined, STRIPE_PUBLISHABLE_KEY: "pk_live_abc123" }, dist());
    const res = await app.request("/buy/orders/4b21c8d2-17e0-49b3-bcf6-b03dd6e1540c");
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self' https://js.stripe.com;");
    expect(csp).toContain("frame-src https://js.stripe.com https://hooks.stripe.com");
    expect(csp).toContain("connect-src 'self' https://api.stripe.com;");
    expect(await res.text()).toContain('<meta name="stripe-publishable-key" content="pk_live_abc123" />');
  });
});
