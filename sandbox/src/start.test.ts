import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { BUILD_CEILING_MS, ensureSandboxBuilds } from "./testing/builds.ts";
import { eventually, freePort } from "./testing/net.ts";
import { testDatabase } from "@giftloop/core/testing/db";

const start = fileURLToPath(new URL("./start.ts", import.meta.url));

beforeAll(ensureSandboxBuilds, BUILD_CEILING_MS);

/**
 * `npm start` end to end, as the README's Quick start has a newcomer do it: a buyer orders a
 * demo gift, pays with a test card through the checkout answer's pay URL (no API key), the
 * gift email goes out and is read in the sandbox mailbox. On the embedded database under
 * `npm test`; on a fresh PostgreSQL database (DATABASE_URL) under `npm run test:stack`,
 * where the demo is seeded too.
 */
describe("npm start (sandbox mode)", () => {
  it("runs the demo flow offline: storefront, order, one-step test payment, webhook, units, gift email in the mailbox", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "giftloop-sandbox-"));
    const port = await freePort();
    const mailboxPort = await freePort();
    const pg = process.env.TEST_PG_ADMIN_URL ? await testDatabase() : undefined;
    const proc = spawn(process.execPath, ["--import", "tsx", start], {
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: String(port),
        MAILBOX_PORT: String(mailboxPort),
        LOG_LEVEL: "warn",
        STRIPE_SECRET_KEY: "",
        SMTP_URL: "",
        DATABASE_URL: pg?.url ?? "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    proc.stdout.on("data", (d) => (out += d));
    proc.stderr.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((r) => proc.once("exit", r));
    try {
      const base = `http://127.0.0.1:${port}`;
      await eventually(async () => ((await fetch(`${base}/ready`)).ok && out.includes("Demo buyer key") ? true : undefined), 180_000);
      expect(out).toContain(`Mailbox         http://localhost:${mailboxPort}/`);
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
      const checkout = (await (await fetch(`${base}/v1/orders/${order.order.id}/checkout`, { method: "POST", headers: auth })).json()) as {
        sandbox: { payUrl: string };
      };
      const paid = await fetch(checkout.sandbox.payUrl, { method: "POST" });
      expect(paid.status).toBe(200);
      const detail = await eventually(async () => {
        const d = (await (await fetch(`${base}/v1/orders/${order.order.id}`, { headers: auth })).json()) as { status: string; recipients: Array<{ unit: { status: string } | null }> };
        return d.recipients[0]?.unit?.status === "sent" ? d : undefined;
      });
      expect(detail.status).toBe("paid");
      // The gift email, in the mailbox: from the demo buyer via the demo brand, with the gift link.
      const mailbox = `http://127.0.0.1:${mailboxPort}`;
      const list = (await (await fetch(`${mailbox}/api/messages?to=ada@example.test`)).json()) as { items: Array<{ id: number; fromName: string; subject: string }> };
      expect(list.items).toHaveLength(1);
      expect(list.items[0]!.fromName).toMatch(/ via /);
      const mail = (await (await fetch(`${mailbox}/api/messages/${list.items[0]!.id}`)).json()) as { links: string[] };
      const giftLink = mail.links.find((l) => l.includes("/g/"))!;
      expect((await fetch(giftLink.replace("localhost", "127.0.0.1"), { redirect: "manual" })).status).toBeLessThan(400);
      expect((await fetch(`${mailbox}/`)).status).toBe(200);
      proc.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      proc.kill("SIGKILL");
      await exited;
      await pg?.close();
    }
  }, 300_000);
});
