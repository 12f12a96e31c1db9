import { randomUUID } from "node:crypto";
import { sign } from "hono/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordDeadLetter } from "../jobs/dead-letters.ts";
import { mintOperatorToken, operatorTokenSecret, verifyOperatorToken } from "./operator-auth.ts";
import { PROBLEM_CONTENT_TYPE, type Problem } from "./problem.ts";
import { bearer, testApp, type TestApp } from "./testing.ts";

let t: TestApp;
let token: string;

beforeAll(async () => {
  t = await testApp();
  token = await t.operatorToken({ sub: "alice@giftloop.test" });
});

afterAll(async () => {
  await t?.close();
});

async function problemOf(res: Response): Promise<Problem> {
  expect(res.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
  return (await res.json()) as Problem;
}

/** A job row and its dead-letter record, as a worker would leave them. */
async function deadJob(type = "test.flaky", payload: unknown = { n: 1 }): Promise<{ jobId: string; deadLetterId: string }> {
  const key = `test:${randomUUID()}`;
  const [job] = await t.deps.db.sql.query<{ id: string }>(
    `INSERT INTO job (id, type, payload, idempotency_key, max_attempts, attempts, status)
     VALUES (gen_random_uuid(), $1, $2::jsonb, $3, 3, 3, 'running') RETURNING id::text AS id`,
    [type, JSON.stringify(payload), key],
  );
  await recordDeadLetter(t.deps.db.prisma, {
    jobId: job!.id,
    type,
    payload,
    idempotencyKey: key,
    attempts: 3,
    lastError: "boom",
    source: "db",
  });
  const [dl] = await t.deps.db.sql.query<{ id: string }>("SELECT id::text AS id FROM dead_letter WHERE job_id = $1::uuid", [
    job!.id,
  ]);
  return { jobId: job!.id, deadLetterId: dl!.id };
}

describe("operator auth", () => {
  const url = "/v1/operator/dead-letters";

  it("401 without a token, with a WWW-Authenticate challenge", async () => {
    const res = await t.app.request(url);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm=/);
    expect((await problemOf(res)).code).toBe("unauthorized");
  });

  it("401 for malformed, forged, unsigned and expired tokens", async () => {
    const secret = operatorTokenSecret(t.deps.config);
    const now = Math.floor(Date.now() / 1000);
    const forged = await sign({ sub: "mallory", role: "operator", exp: now + 600 }, "not-the-secret-0123456789abcdefghij", "HS256");
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    const body = Buffer.from(JSON.stringify({ sub: "mallory", role: "operator", exp: now + 600 })).toString("base64url");
    const unsigned = `${header}.${body}.`;
    const noExp = await sign({ sub: "alice", role: "operator" }, secret, "HS256");
    const noSub = await sign({ role: "operator", exp: now + 600 }, secret, "HS256");
    const expired = await mintOperatorToken(t.deps.config, { sub: "alice", ttlSeconds: 60, now: new Date(Date.now() - 3_600_000) });
    const hs512 = await sign({ sub: "alice", role: "operator", exp: now + 600 }, secret, "HS512");

    const cases: Array<[string, string, string]> = [
      ["Bearer", "invalid_token", "scheme only"],
      ["Bearer not.a.jwt", "invalid_token", "garbage"],
      [`Basic ${Buffer.from("a:b").toString("base64")}`, "invalid_token", "basic"],
      [`Bearer ${forged}`, "invalid_token", "forged"],
      [`Bearer ${unsigned}`, "invalid_token", "alg none"],
      [`Bearer ${noExp}`, "invalid_token", "no exp"],
      [`Bearer ${noSub}`, "invalid_token", "no sub"],
      [`Bearer ${hs512}`, "invalid_token", "other algorithm"],
      [`Bearer ${expired}`, "token_expired", "expired"],
      [`Bearer ${"a".repeat(5000)}`, "invalid_token", "huge"],
    ];
    for (const [authorization, code, label] of cases) {
      const res = await t.app.request(url, { headers: { authorization } });
      expect(res.status, label).toBe(401);
      expect(res.headers.get("www-authenticate"), label).toContain('error="invalid_token"');
      const p = await problemOf(res);
      expect(p.code, label).toBe(code);
      if (authorization.length > 40) expect(JSON.stringify(p), label).not.toContain(authorization.slice(7, 40));
    }
  });

  it("403 for a valid token without the operator role", async () => {
    const secret = operatorTokenSecret(t.deps.config);
    const now = Math.floor(Date.now() / 1000);
    const buyer = await sign({ sub: "buyer-1", role: "buyer", iat: now, exp: now + 600 }, secret, "HS256");
    const res = await t.app.request(url, { headers: bearer(buyer) });
    expect(res.status).toBe(403);
    expect((await problemOf(res)).code).toBe("forbidden");
  });

  it("accepts a minted operator token (scheme is case-insensitive)", async () => {
    expect((await t.app.request(url, { headers: bearer(token) })).status).toBe(200);
    expect((await t.app.request(url, { headers: { authorization: `bearer ${token}` } })).status).toBe(200);
  });

  it("mints tokens with sub, role, iat and exp", async () => {
    const check = await verifyOperatorToken(operatorTokenSecret(t.deps.config), token);
    expect(check.ok).toBe(true);
    if (check.ok) {
      expect(check.claims).toMatchObject({ sub: "alice@giftloop.test", role: "operator" });
      expect(check.claims.exp - check.claims.iat).toBe(600);
    }
    await expect(mintOperatorToken(t.deps.config, { sub: "", ttlSeconds: 60 })).rejects.toThrow();
    await expect(mintOperatorToken(t.deps.config, { sub: "a", ttlSeconds: 0 })).rejects.toThrow();
  });

  it("uses OPERATOR_TOKEN_SECRET when configured", async () => {
    const config = { ...t.deps.config, OPERATOR_TOKEN_SECRET: "s".repeat(40) };
    const minted = await mintOperatorToken(config, { sub: "bob", ttlSeconds: 60 });
    expect((await verifyOperatorToken("s".repeat(40), minted)).ok).toBe(true);
    // A token signed with the configured secret is not valid for the generated one.
    expect((await t.app.request(url, { headers: bearer(minted) })).status).toBe(401);
  });

  it("guards unknown paths under /v1/operator too (no route discovery without a token)", async () => {
    expect((await t.app.request("/v1/operator/secret-things")).status).toBe(401);
    const res = await t.app.request("/v1/operator/secret-things", { headers: bearer(token) });
    expect(res.status).toBe(404);
  });
});

describe("dead letters", () => {
  it("lists dead letters, newest first, filtered by type and replay state", async () => {
    const a = await deadJob("test.alpha", { order: "A-1" });
    const b = await deadJob("test.beta");
    const res = await t.app.request("/v1/operator/dead-letters", { headers: bearer(token) });
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: Array<Record<string, unknown>> };
    const ids = items.map((i) => i.id);
    expect(ids).toEqual(expect.arrayContaining([a.deadLetterId, b.deadLetterId]));
    expect(ids.indexOf(b.deadLetterId)).toBeLessThan(ids.indexOf(a.deadLetterId));
    expect(items.find((i) => i.id === a.deadLetterId)).toMatchObject({
      jobId: a.jobId,
      type: "test.alpha",
      payload: { order: "A-1" },
      attempts: 3,
      lastError: "boom",
      source: "db",
      replayedAt: null,
    });

    const alpha = await t.app.request("/v1/operator/dead-letters?type=test.alpha", { headers: bearer(token) });
    const alphaItems = ((await alpha.json()) as { items: Array<{ type: string }> }).items;
    expect(alphaItems.length).toBeGreaterThan(0);
    expect(alphaItems.every((i) => i.type === "test.alpha")).toBe(true);

    const one = await t.app.request("/v1/operator/dead-letters?limit=1", { headers: bearer(token) });
    expect(((await one.json()) as { items: unknown[] }).items).toHaveLength(1);
  });

  it("rejects bad query parameters with 400", async () => {
    for (const q of ["limit=0", "limit=1001", "limit=abc", "limit=1.5", "includeReplayed=maybe", "type=", "limit=1&limit=2"]) {
      const res = await t.app.request(`/v1/operator/dead-letters?${q}`, { headers: bearer(token) });
      expect(res.status, q).toBe(400);
      const p = await problemOf(res);
      expect(p.code, q).toBe("invalid_parameters");
      expect(p.errors?.[0]?.in, q).toBe("query");
    }
  });

  it("replays once: 202 with the job id, then 409; the job is queued again", async () => {
    const { jobId, deadLetterId } = await deadJob();
    const path = `/v1/operator/dead-letters/${deadLetterId}/replay`;
    const first = await t.app.request(path, { method: "POST", headers: bearer(token) });
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ jobId });
    const [job] = await t.deps.db.sql.query<{ status: string; attempts: number }>(
      "SELECT status::text AS status, attempts FROM job WHERE id = $1::uuid",
      [jobId],
    );
    expect(job).toEqual({ status: "queued", attempts: 0 });

    const second = await t.app.request(path, { method: "POST", headers: bearer(token) });
    expect(second.status).toBe(409);
    expect(await problemOf(second)).toMatchObject({ code: "already_replayed", type: "/problems/already-replayed" });

    // Replayed ones leave the default list and show with includeReplayed=true.
    const listed = async (q: string) =>
      ((await (await t.app.request(`/v1/operator/dead-letters${q}`, { headers: bearer(token) })).json()) as {
        items: Array<{ id: string; replayedAt: string | null }>;
      }).items.find((i) => i.id === deadLetterId);
    expect(await listed("")).toBeUndefined();
    expect((await listed("?includeReplayed=true"))?.replayedAt).toEqual(expect.any(String));

    const log = t.deps.logs.lines.find((l) => l.msg === "dead letter replayed" && l.deadLetterId === deadLetterId);
    expect(log).toMatchObject({ jobId, operator: "alice@giftloop.test" });
  });

  it("404 for an unknown id, 400 for one that is not a UUID", async () => {
    const missing = await t.app.request(`/v1/operator/dead-letters/${randomUUID()}/replay`, { method: "POST", headers: bearer(token) });
    expect(missing.status).toBe(404);
    expect((await problemOf(missing)).code).toBe("not_found");

    const bad = await t.app.request("/v1/operator/dead-letters/not-a-uuid/replay", { method: "POST", headers: bearer(token) });
    expect(bad.status).toBe(400);
    expect((await problemOf(bad)).errors?.[0]).toMatchObject({ in: "path", path: "id" });
  });

  it("405 for GET on the replay path", async () => {
    const res = await t.app.request(`/v1/operator/dead-letters/${randomUUID()}/replay`, { headers: bearer(token) });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });
});

describe("job stats", () => {
  it("counts jobs per status and per type, with every status present", async () => {
    await t.deps.db.sql.query(
      `INSERT INTO job (id, type, payload, idempotency_key, max_attempts, status)
       SELECT gen_random_uuid(), t.type, '{}'::jsonb, 'stats:' || gen_random_uuid(), 3, t.status::"JobStatus"
       FROM (VALUES ('stats.a', 'queued'), ('stats.a', 'queued'), ('stats.a', 'succeeded'), ('stats.b', 'running')) AS t(type, status)`,
    );
    const res = await t.app.request("/v1/operator/jobs/stats", { headers: bearer(token) });
    expect(res.status).toBe(200);
    const stats = (await res.json()) as {
      total: number;
      byStatus: Record<string, number>;
      byType: Array<{ type: string; total: number; byStatus: Record<string, number> }>;
    };
    expect(stats.byType.find((x) => x.type === "stats.a")).toEqual({
      type: "stats.a",
      total: 3,
      byStatus: { queued: 2, running: 0, published: 0, succeeded: 1, dead: 0 },
    });
    expect(stats.byType.find((x) => x.type === "stats.b")?.byStatus.running).toBe(1);
    expect(Object.keys(stats.byStatus).sort()).toEqual(["dead", "published", "queued", "running", "succeeded"]);
    const sum = Object.values(stats.byStatus).reduce((a, b) => a + b, 0);
    expect(stats.total).toBe(sum);
    expect(stats.total).toBe(stats.byType.reduce((a, x) => a + x.total, 0));
  });

  it("needs an operator token", async () => {
    expect((await t.app.request("/v1/operator/jobs/stats")).status).toBe(401);
  });
});
