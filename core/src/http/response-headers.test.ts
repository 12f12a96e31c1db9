import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDeps, type TestDeps } from "../testing/deps.ts";
import { seedVendor, type Seeded } from "../testing/seed.ts";
import { serveApp } from "../webhooks/testing.ts";

/**
 * The headers every response carries, as the server writes them (`@hono/node-server`, where
 * they are set on Node's response rather than on Hono's: see `setResponseHeader`): the
 * request id on every answer, `Cache-Control: no-store` on `/v1` answers unless the route
 * sets its own.
 */
let deps: TestDeps;
let served: Awaited<ReturnType<typeof serveApp>>;
let s: Seeded;

beforeAll(async () => {
  deps = await testDeps({ env: { LOG_LEVEL: "warn" } });
  served = await serveApp(deps);
  s = await seedVendor(deps.db);
  await deps.storage.put(`logos/${s.storefrontId}.png`, Buffer.from("not really a png"), { contentType: "image/png" });
  await deps.db.prisma.storefront.update({ where: { id: s.storefrontId }, data: { logoKey: `logos/${s.storefrontId}.png`, active: true } });
});
afterAll(async () => {
  await served?.close();
  await deps?.close();
});

describe("response headers on the served app", () => {
  it("carry a request id on every answer (the caller's when sane), once", async () => {
    const fresh = await fetch(`${served.url}/health`);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await fetch(`${served.url}/health`, { headers: { "x-request-id": "lb-1234" } });
    expect(echoed.headers.get("x-request-id")).toBe("lb-1234");
    const problem = await fetch(`${served.url}/v1/nothing-here`, { headers: { "x-request-id": "lb-5678" } });
    expect(problem.status).toBe(404);
    expect(problem.headers.get("x-request-id")).toBe("lb-5678");
    expect(((await problem.json()) as { requestId: string }).requestId).toBe("lb-5678");
    const webhook = await fetch(`${served.url}/webhooks/shopify`, { method: "POST", body: "{}" });
    expect(webhook.status).toBe(401);
    expect(webhook.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("keep /v1 answers out of caches unless the route says otherwise", async () => {
    const view = await fetch(`${served.url}/v1/storefronts/${s.storefrontSlug}`);
    expect(view.status).toBe(200);
    expect(view.headers.get("cache-control")).toBe("no-store");
    const problem = await fetch(`${served.url}/v1/redeem/gift`);
    expect(problem.status).toBe(401);
    expect(problem.headers.get("cache-control")).toBe("no-store");
    const logo = await fetch(`${served.url}/v1/storefronts/${s.storefrontSlug}/logo`);
    expect(logo.status).toBe(200);
    expect(logo.headers.get("cache-control")).toBe("public, max-age=300");
  });
});
