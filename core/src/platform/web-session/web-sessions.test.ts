import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase, type TestDatabase } from "../../testing/db.ts";
import { assertCsrf } from "./csrf.ts";
import { displayCode, sha256 } from "./tokens.ts";
import { WebSessions, type WebSessionOptions } from "./web-sessions.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => {
  await db?.close();
});

let clock = Date.parse("2026-12-01T10:00:00Z");
const now = () => clock;
let n = 0;
const email = () => `person${++n}@acme.test`;

function sessions(o: Partial<WebSessionOptions> = {}) {
  return new WebSessions(db, { kind: "buyer", cookieName: "gl_test", secure: false, now, ...o });
}

/** A tiny app over the module, as a principal kind's routes use it. */
function appOver(ws: WebSessions) {
  const app = new Hono();
  app.onError((err, c) => c.json({ code: (err as { code?: string }).code ?? "error" }, (err as { status?: 403 }).status ?? 500));
  app.post("/sign-in/:token", async (c) => {
    const v = await ws.verifyToken(c.req.param("token"));
    if (!v.ok) return c.json({ reason: v.reason }, 400);
    const s = await ws.start(c, `principal:${v.link.email}`);
    return c.json({ csrf: s.csrfToken });
  });
  app.get("/me", async (c) => {
    const s = await ws.resolve(c);
    return s ? c.json({ principalId: s.principalId }) : c.json({}, 401);
  });
  app.post("/write", async (c) => {
    const s = await ws.resolve(c);
    if (!s) return c.json({}, 401);
    assertCsrf(c, s.csrfToken, ["https://shop.example"]);
    return c.json({ ok: true });
  });
  app.post("/sign-out", async (c) => {
    await ws.end(c);
    return c.body(null, 204);
  });
  return app;
}

const cookieOf = (res: Response) => res.headers.get("set-cookie")!.split(";")[0]!;

describe("sign-in links", () => {
  it("stores only hashes, and a link signs in once", async () => {
    const ws = sessions();
    const r = await ws.requestLink({ email: " Ada@Acme.TEST ", purpose: "sign_in", clientKey: "c1" });
    if (!r.ok) throw new Error("limited");
    const row = await db.prisma.webLoginToken.findUniqueOrThrow({ where: { id: r.link.id } });
    expect(row.email).toBe("ada@acme.test");
    expect(row.tokenHash).toBe(sha256(r.link.token));
    expect(JSON.stringify(row)).not.toContain(r.link.token);
    expect(JSON.stringify(row)).not.toContain(r.link.code);
    const first = await ws.verifyToken(r.link.token);
    expect(first).toMatchObject({ ok: true, link: { email: "ada@acme.test", purpose: "sign_in" } });
    expect(await ws.verifyToken(r.link.token)).toEqual({ ok: false, reason: "used" });
  });

  it("an expired link says so; an unknown one is invalid", async () => {
    const ws = sessions({ linkTtlSeconds: 60 });
    const r = await ws.requestLink({ email: email(), purpose: "sign_in", clientKey: "c2" });
    if (!r.ok) throw new Error("limited");
    clock += 61_000;
    expect(await ws.verifyToken(r.link.token)).toEqual({ ok: false, reason: "expired" });
    expect(await ws.verifyToken("x".repeat(43))).toEqual({ ok: false, reason: "invalid" });
  });

  it("a link of one principal kind does not sign in another", async () => {
    const r = await sessions({ kind: "staff" }).requestLink({ email: email(), purpose: "sign_in", clientKey: "c3" });
    if (!r.ok) throw new Error("limited");
    expect(await sessions().verifyToken(r.link.token)).toEqual({ ok: false, reason: "invalid" });
  });

  it("the pasted code works for its email only, in any case and with its dash, once", async () => {
    const ws = sessions();
    const to = email();
    const r = await ws.requestLink({ email: to, purpose: "sign_in", clientKey: "c4" });
    if (!r.ok) throw new Error("limited");
    expect((await ws.verifyCode("someone@else.test", r.link.code)).ok).toBe(false);
    const v = await ws.verifyCode(to.toUpperCase(), displayCode(r.link.code).toLowerCase());
    expect(v).toMatchObject({ ok: true, link: { email: to } });
    expect(await ws.verifyCode(to, r.link.code)).toEqual({ ok: false, reason: "used" });
    // The link of a code already used is used too.
    expect(await ws.verifyToken(r.link.token)).toEqual({ ok: false, reason: "used" });
  });

  it("five wrong codes burn the link, even for the right code after", async () => {
    const ws = sessions();
    const to = email();
    const r = await ws.requestLink({ email: to, purpose: "sign_in", clientKey: "c5" });
    if (!r.ok) throw new Error("limited");
    const wrong = r.link.code === "AAAAAAAA" ? "BBBBBBBB" : "AAAAAAAA";
    const results = await Promise.all(Array.from({ length: 5 }, () => ws.verifyCode(to, wrong)));
    expect(results.every((x) => !x.ok)).toBe(true);
    expect(await ws.verifyCode(to, r.link.code)).toEqual({ ok: false, reason: "too_many_attempts" });
    expect((await ws.verifyToken(r.link.token)).ok).toBe(false);
  });

  it("concurrent uses of one link: exactly one signs in", async () => {
    const ws = sessions();
    const r = await ws.requestLink({ email: email(), purpose: "sign_in", clientKey: "c6" });
    if (!r.ok) throw new Error("limited");
    const all = await Promise.all(Array.from({ length: 10 }, () => ws.verifyToken(r.link.token)));
    expect(all.filter((x) => x.ok)).toHaveLength(1);
  });

  it("limits links per email and per client", async () => {
    const ws = sessions({ perEmail: { limit: 2, windowSeconds: 600 }, perClient: { limit: 3, windowSeconds: 600 } });
    const to = email();
    expect((await ws.requestLink({ email: to, purpose: "sign_in", clientKey: "e1" })).ok).toBe(true);
    expect((await ws.requestLink({ email: to.toUpperCase(), purpose: "sign_in", clientKey: "e2" })).ok).toBe(true);
    const third = await ws.requestLink({ email: to, purpose: "sign_in", clientKey: "e3" });
    expect(third).toMatchObject({ ok: false });
    expect(!third.ok && third.retryAfterSeconds).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) expect((await ws.requestLink({ email: email(), purpose: "sign_in", clientKey: "k" })).ok).toBe(true);
    expect((await ws.requestLink({ email: email(), purpose: "sign_in", clientKey: "k" })).ok).toBe(false);
    clock += 601_000;
    expect((await ws.requestLink({ email: to, purpose: "sign_in", clientKey: "k" })).ok).toBe(true);
  });
});

describe("sessions", () => {
  async function signIn(app: Hono, ws: WebSessions, cookie?: string) {
    const r = await ws.requestLink({ email: email(), purpose: "sign_in", clientKey: `s${n}` });
    if (!r.ok) throw new Error("limited");
    const res = await app.request(`/sign-in/${r.link.token}`, { method: "POST", headers: cookie ? { cookie } : {} });
    expect(res.status).toBe(200);
    return { cookie: cookieOf(res), csrf: ((await res.json()) as { csrf: string }).csrf, setCookie: res.headers.get("set-cookie")! };
  }

  it("the cookie is httpOnly, SameSite=Lax, and Secure with the __Host- prefix over https", async () => {
    const plain = await signIn(appOver(sessions()), sessions());
    expect(plain.setCookie).toMatch(/HttpOnly/i);
    expect(plain.setCookie).toMatch(/SameSite=Lax/i);
    expect(plain.setCookie).not.toMatch(/Secure/i);
    const ws = sessions({ secure: true });
    const secure = await signIn(appOver(ws), ws);
    expect(secure.setCookie).toMatch(/^__Host-gl_test=/);
    expect(secure.setCookie).toMatch(/; Secure/i);
    expect(secure.setCookie).toMatch(/Path=\//);
  });

  it("stores the session hashed; signs in, out, and a second sign-in rotates the session", async () => {
    const ws = sessions();
    const app = appOver(ws);
    const a = await signIn(app, ws);
    const token = a.cookie.split("=")[1]!;
    expect(await db.prisma.webSession.count({ where: { tokenHash: sha256(token) } })).toBe(1);
    expect(await db.prisma.webSession.count({ where: { tokenHash: token } })).toBe(0);
    expect((await app.request("/me", { headers: { cookie: a.cookie } })).status).toBe(200);
    // Signing in again from the same browser replaces the session: the old cookie is dead.
    const b = await signIn(app, ws, a.cookie);
    expect(b.cookie).not.toBe(a.cookie);
    expect((await app.request("/me", { headers: { cookie: a.cookie } })).status).toBe(401);
    expect((await app.request("/me", { headers: { cookie: b.cookie } })).status).toBe(200);
    const out = await app.request("/sign-out", { method: "POST", headers: { cookie: b.cookie } });
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/i);
    expect((await app.request("/me", { headers: { cookie: b.cookie } })).status).toBe(401);
  });

  it("a session expires", async () => {
    const ws = sessions({ sessionTtlSeconds: 3600 });
    const app = appOver(ws);
    const a = await signIn(app, ws);
    clock += 3_599_000;
    expect((await app.request("/me", { headers: { cookie: a.cookie } })).status).toBe(200);
    clock += 2_000;
    expect((await app.request("/me", { headers: { cookie: a.cookie } })).status).toBe(401);
  });

  it("revokeAll ends every session of a principal", async () => {
    const ws = sessions();
    const app = appOver(ws);
    const a = await signIn(app, ws);
    const me = (await (await app.request("/me", { headers: { cookie: a.cookie } })).json()) as { principalId: string };
    expect(await ws.revokeAll(me.principalId)).toBe(1);
    expect((await app.request("/me", { headers: { cookie: a.cookie } })).status).toBe(401);
  });

  it("a cookie-authenticated write needs our origin and the session's CSRF token", async () => {
    const ws = sessions();
    const app = appOver(ws);
    const a = await signIn(app, ws);
    const write = (headers: Record<string, string>) => app.request("/write", { method: "POST", headers: { cookie: a.cookie, ...headers } });
    expect((await write({ origin: "https://shop.example", "x-csrf-token": a.csrf })).status).toBe(200);
    expect(await (await write({ origin: "https://evil.example", "x-csrf-token": a.csrf })).json()).toEqual({ code: "csrf_origin" });
    expect(await (await write({ origin: "https://shop.example" })).json()).toEqual({ code: "csrf_token" });
    expect((await write({ origin: "https://shop.example", "x-csrf-token": `${a.csrf}x` })).status).toBe(403);
    expect((await write({ "sec-fetch-site": "cross-site", "x-csrf-token": a.csrf })).status).toBe(403);
    // Another session's token does not do.
    const b = await signIn(app, ws);
    expect((await write({ origin: "https://shop.example", "x-csrf-token": b.csrf })).status).toBe(403);
  });
});
