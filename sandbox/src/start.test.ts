import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { eventually, freePort } from "./testing/net.ts";

const start = fileURLToPath(new URL("./start.ts", import.meta.url));

/** `npm start` end to end: a buyer orders a demo gift, pays with a test card, the gift email goes out. */
describe("npm start (sandbox mode)", () => {
  it("runs the demo flow offline: storefront, order, Stripe payment, webhook, units, gift email over SMTP", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "giftloop-sandbox-"));
    const port = await freePort();
    const proc = spawn(process.execPath, ["--import", "tsx", start], {
      env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: "warn", STRIPE_SECRET_KEY: "", SMTP_URL: "", DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    proc.stdout.on("data", (d) => (out += d));
    proc.stderr.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((r) => proc.once("exit", r));
    try {
      const base = `http://127.0.0.1:${port}`;
      await eventually(async () => ((await fetch(`${base}/ready`)).ok && out.includes("Demo buyer key") ? true : undefined), 60_000);
      const stripeUrl = /Stripe stand-in (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
      const key = readFileSync(path.join(dataDir, "demo-buyer.key"), "utf8").trim();
      const auth = { authorization: `Bearer ${key}`, "content-type": "application/json" };

      const storefront = (await (await fetch(`${base}/v1/storefronts/northwind-demo`)).json()) as { offers: Array<{ id: string }> };
      const order = (await (
        await fetch(`${base}/v1/orders`, {
          method: "POST",
          headers: auth,
          body: JSON.stringify({ storefront: "northwind-demo", offerId: storefront.offers[0]!.id, recipients: [{ name: "Ada", email: "ada@example.test", country: "US" }] }),
        })
      ).json()) as { order: { id: string } };
      const checkout = (await (await fetch(`${base}/v1/orders/${order.order.id}/checkout`, { method: "POST", headers: auth })).json()) as { paymentIntentId: string };
      const confirm = await fetch(`${stripeUrl}/v1/payment_intents/${checkout.paymentIntentId}/confirm`, {
        method: "POST",
        headers: { authorization: "Bearer sk_test_sandbox", "content-type": "application/x-www-form-urlencoded" },
        body: "payment_method=pm_card_visa",
      });
      expect(confirm.status).toBe(200);
      const detail = await eventually(async () => {
        const d = (await (await fetch(`${base}/v1/orders/${order.order.id}`, { headers: auth })).json()) as { status: string; recipients: Array<{ unit: { status: string } | null }> };
        return d.recipients[0]?.unit?.status === "sent" ? d : undefined;
      });
      expect(detail.status).toBe("paid");
      proc.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      proc.kill("SIGKILL");
    }
  }, 120_000);
});
