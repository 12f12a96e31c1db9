import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../platform/deps.ts";
import { createApp } from "./app.ts";
import { PROBLEM_CONTENT_TYPE } from "./problem.ts";
import { testApp, type TestApp } from "./testing.ts";

let t: TestApp;

beforeAll(async () => {
  t = await testApp();
});

afterAll(async () => {
  await t?.close();
});

/** The same deps with the queue's ping replaced. */
function withPing(deps: Deps, ping: () => Promise<void>): Deps {
  return { ...deps, jobs: { ...deps.jobs, ping } };
}

interface Readiness {
  status?: string;
  code?: string;
  detail?: string;
  checks: Record<string, { status: string; reason?: string; durationMs: number }>;
}

describe("GET /health", () => {
  it("answers 200 ok, uncached", async () => {
    const res = await t.app.request("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(res.headers.get("cache-control")).toBe("no-store");
  });
});

describe("GET /ready", () => {
  it("answers 200 with each check when the database and queue answer", async () => {
    const res = await t.app.request("/ready");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Readiness;
    expect(body.status).toBe("ok");
    expect(body.checks.database).toMatchObject({ status: "ok" });
    expect(body.checks.queue).toMatchObject({ status: "ok" });
  });

  it("answers 503 naming the failed check when the queue ping fails, without the error's text", async () => {
    const app = createApp(withPing(t.deps, async () => {
      throw new Error("getaddrinfo ENOTFOUND sqs.internal.example");
    }));
    const res = await app.request("/ready");
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
    const text = await res.clone().text();
    expect(text).not.toContain("ENOTFOUND");
    const body = (await res.json()) as Readiness;
    expect(body).toMatchObject({ code: "not_ready", status: 503 });
    expect(body.detail).toContain("queue");
    expect(body.checks.queue).toMatchObject({ status: "fail", reason: "error" });
    expect(body.checks.database).toMatchObject({ status: "ok" });
    const logged = t.deps.logs.lines.find((l) => l.msg === "readiness check failed" && l.check === "queue");
    expect(JSON.stringify(logged)).toContain("ENOTFOUND");
  });

  it("times a hanging check out", async () => {
    const app = createApp(withPing(t.deps, () => new Promise<void>(() => {})), { readinessTimeoutMs: 50 });
    const started = Date.now();
    const res = await app.request("/ready");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(res.status).toBe(503);
    const body = (await res.json()) as Readiness;
    expect(body.checks.queue).toMatchObject({ status: "fail", reason: "timeout" });
  });

  it("answers 503 when the database is gone (health still 200)", async () => {
    const own = await testApp();
    await own.deps.db.close();
    const res = await own.app.request("/ready");
    expect(res.status).toBe(503);
    const body = (await res.json()) as Readiness;
    expect(body.checks.database?.status).toBe("fail");
    expect(body.detail).toContain("database");
    expect((await own.app.request("/health")).status).toBe(200);
  });
});
