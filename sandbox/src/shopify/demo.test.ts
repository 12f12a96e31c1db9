import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { BUILD_CEILING_MS, ensureSandboxBuilds } from "../testing/builds.ts";
import { eventually, freePort } from "../testing/net.ts";

const start = fileURLToPath(new URL("../start.ts", import.meta.url));
const SHOP = "northwind-demo.myshopify.com";

beforeAll(ensureSandboxBuilds, BUILD_CEILING_MS);

/**
 * Through the sandbox's API, as a buyer and then a recipient: an order of one gift from the
 * demo storefront's first offer, paid with Stripe's test card at the stand-in, and the gift
 * redeemed once its code is issued. Answers the order's id.
 */
async function orderPaidAndRedeemed(
  at: { base: string; stripeUrl: string; auth: Record<string, string> },
  recipient: { name: string; email: string; message: string },
  address: { name: string; line1: string },
): Promise<string> {
  const { base, stripeUrl, auth } = at;
  const storefront = (await (await fetch(`${base}/v1/storefronts/northwind-demo`)).json()) as { offers: Array<{ id: string }> };
  const order = (await (
    await fetch(`${base}/v1/orders`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ storefront: "northwind-demo", offerId: storefront.offers[0]!.id, recipients: [{ ...recipient, country: "US" }] }),
    })
  ).json()) as { order: { id: string } };
  const checkout = (await (await fetch(`${base}/v1/orders/${order.order.id}/checkout`, { method: "POST", headers: auth })).json()) as { paymentIntentId: string };
  await fetch(`${stripeUrl}/v1/payment_intents/${checkout.paymentIntentId}/confirm`, {
    method: "POST",
    headers: { authorization: "Bearer sk_test_sandbox", "content-type": "application/x-www-form-urlencoded" },
    body: "payment_method=pm_card_visa",
  });
  const csv = await eventually(async () => {
    const r = await fetch(`${base}/v1/orders/${order.order.id}/gift-links.csv`, { headers: auth });
    const text = await r.text();
    return r.ok && /[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}/.test(text) ? text : undefined;
  });
  const code = /([A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})/.exec(csv)![1]!;
  const session = (await (await fetch(`${base}/v1/redeem/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code }) })).json()) as { token: string };
  const gift = (await (await fetch(`${base}/v1/redeem/gift`, { headers: { authorization: `Bearer ${session.token}` } })).json()) as { choices: Array<{ variantId: string }> };
  const redeemed = await fetch(`${base}/v1/redeem/gift/redeem`, {
    method: "POST",
    headers: { authorization: `Bearer ${session.token}`, "content-type": "application/json" },
    body: JSON.stringify({ variantId: gift.choices[0]!.variantId, address: { ...address, city: "Springfield", region: "IL", postalCode: "62701", country: "US" } }),
  });
  expect(redeemed.status).toBe(200);
  return order.order.id;
}

/**
 * `npm start`: a redeemed demo gift becomes an order in the demo brand's shop in the Shopify
 * stand-in, the orders page lists it, "Fulfil" there (its control route) ships the gift and
 * the tracking flows back to the buyer's order view. Then `npm start` again on the same data
 * folder: the shop is as it was (its order, the app's access token), so the next redeemed
 * gift becomes an order there too.
 */
describe("npm start: the fulfillment loop in sandbox mode", () => {
  it("order, pay, redeem -> Shopify order in the stand-in -> fulfil from the sandbox control -> shipped with tracking", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "giftloop-sandbox-push-"));
    const port = await freePort();
    const proc = spawn(process.execPath, ["--import", "tsx", start], {
      env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), ADMIN_FRAME_PORT: String(await freePort()), LOG_LEVEL: "warn", STRIPE_SECRET_KEY: "", SMTP_URL: "", DATABASE_URL: "", SHOPIFY_API_SECRET: "", SHOPIFY_SANDBOX_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    proc.stdout.on("data", (d) => (out += d));
    proc.stderr.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((r) => proc.once("exit", r));
    try {
      const base = `http://127.0.0.1:${port}`;
      await eventually(async () => ((await fetch(`${base}/ready`)).ok && out.includes("Brand's orders") ? true : undefined), 240_000);
      const stripeUrl = /Stripe stand-in (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
      const ordersPage = /Brand's orders\s+(\S+)/.exec(out)![1]!;
      const shopifyUrl = ordersPage.split("/_sandbox/")[0]!;
      const key = readFileSync(path.join(dataDir, "demo-buyer.key"), "utf8").trim();
      const auth = { authorization: `Bearer ${key}`, "content-type": "application/json" };

      const orderId = await orderPaidAndRedeemed({ base, stripeUrl, auth }, { name: "Ada", email: "ada@example.test", message: "Enjoy!" }, { name: "Ada Lovelace", line1: "1 Main St" });

      const shopOrder = await eventually(async () => {
        const list = (await (await fetch(`${shopifyUrl}/_sandbox/shops/${SHOP}/orders`)).json()) as { orders: Array<{ id: number; note: string; tags: string }> };
        return list.orders[0];
      });
      expect(shopOrder.note).toBe("Enjoy!");
      expect(shopOrder.tags).toContain("giftloop-gift");
      const page = await (await fetch(ordersPage)).text();
      expect(page).toContain("Fulfil");
      // The documented sandbox control (README): fulfil with tracking.
      const fulfil = await fetch(`${shopifyUrl}/_sandbox/shops/${SHOP}/orders/${shopOrder.id}/fulfill`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ carrier: "UPS", number: "1Z999AA1", url: "https://www.ups.com/track?tracknum=1Z999AA1" }),
      });
      expect(fulfil.status).toBe(201);
      const shipped = await eventually(async () => {
        const d = (await (await fetch(`${base}/v1/orders/${orderId}`, { headers: auth })).json()) as { recipients: Array<{ unit: { status: string; tracking: unknown } | null }> };
        return d.recipients[0]?.unit?.status === "shipped" ? d.recipients[0].unit : undefined;
      });
      expect(shipped.tracking).toEqual({ carrier: "UPS", number: "1Z999AA1", url: "https://www.ups.com/track?tracknum=1Z999AA1" });
      proc.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      proc.kill("SIGKILL");
    }

    // A restart on the same data folder: the stand-in's shop kept its order and the app's token.
    const again = spawn(process.execPath, ["--import", "tsx", start], {
      env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), ADMIN_FRAME_PORT: "0", SHOPIFY_STANDIN_PORT: "0", LOG_LEVEL: "warn", STRIPE_SECRET_KEY: "", SMTP_URL: "", DATABASE_URL: "", SHOPIFY_API_SECRET: "", SHOPIFY_SANDBOX_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out2 = "";
    again.stdout.on("data", (d) => (out2 += d));
    again.stderr.on("data", (d) => (out2 += d));
    const exited2 = new Promise<number | null>((r) => again.once("exit", r));
    try {
      const base = `http://127.0.0.1:${port}`;
      await eventually(async () => ((await fetch(`${base}/ready`)).ok && out2.includes("Brand's orders") ? true : undefined), 240_000);
      const shopifyUrl = /Brand's orders\s+(\S+)/.exec(out2)![1]!.split("/_sandbox/")[0]!;
      const kept = (await (await fetch(`${shopifyUrl}/_sandbox/shops/${SHOP}/orders`)).json()) as { orders: Array<{ note: string }> };
      expect(kept.orders.map((o) => o.note)).toEqual(["Enjoy!"]);
      // The app's stored token still works: the next redeemed gift is pushed, with the next order number.
      expect(out2).not.toContain("connection marked broken");
      const stripeUrl = /Stripe stand-in (http:\/\/127\.0\.0\.1:\d+)/.exec(out2)![1]!;
      const key = readFileSync(path.join(dataDir, "demo-buyer.key"), "utf8").trim();
      const auth = { authorization: `Bearer ${key}`, "content-type": "application/json" };
      await orderPaidAndRedeemed({ base, stripeUrl, auth }, { name: "Bo", email: "bo@example.test", message: "Again!" }, { name: "Bo Diddley", line1: "2 Main St" });
      const both = await eventually(async () => {
        const list = (await (await fetch(`${shopifyUrl}/_sandbox/shops/${SHOP}/orders`)).json()) as { orders: Array<{ name: string; note: string }> };
        return list.orders.length === 2 ? list.orders : undefined;
      }, 60_000);
      expect(both.map((o) => [o.name, o.note])).toEqual([
        ["#1001", "Enjoy!"],
        ["#1002", "Again!"],
      ]);
      again.kill("SIGTERM");
      expect(await exited2).toBe(0);
    } finally {
      again.kill("SIGKILL");
    }
  }, 600_000);
});
