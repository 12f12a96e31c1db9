import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, testApp, type TestApp } from "../http/testing.ts";
import type { SentEmail } from "../integrations/email/email.ts";

let t: TestApp;
let outbox: SentEmail[];
beforeAll(async () => {
  t = await testApp();
  outbox = (t.deps.email as unknown as { sent: SentEmail[] }).sent;
});
afterAll(async () => {
  await t?.close();
});

const ORIGIN = "http://localhost:3000";
let n = 0;
const workEmail = (who = "maya") => `${who}${++n}@acme-${n}.test`;

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return t.app.request(path, { method: "POST", headers: { "content-type": "application/json", origin: ORIGIN, ...headers }, body: JSON.stringify(body) });
}

/** The token and code of the newest sign-in email to this address. */
function lastLink(to: string) {
  const mail = [...outbox].reverse().find((m) => m.to === to);
  if (!mail) throw new Error(`no email to ${to}`);
  return {
    token: /#token=([A-Za-z0-9_-]+)/.exec(mail.text)![1]!,
    code: /code on the sign-in page: ([A-Z0-9-]+)/.exec(mail.text)![1]!,
    mail,
  };
}

interface Session {
  cookie: string;
  csrf: string;
  body: { member: { id: string; role: string }; organisation: { id: string }; permissions: string[] };
}

async function verify(body: unknown): Promise<Session> {
  const res = await post("/v1/buyer-auth/verify", body);
  expect(res.status, await res.clone().text()).toBe(200);
  const json = (await res.json()) as Session["body"] & { csrfToken: string };
  return { cookie: res.headers.get("set-cookie")!.split(";")[0]!, csrf: json.csrfToken, body: json };
}

async function signUp(email = workEmail()): Promise<Session & { email: string }> {
  expect((await post("/v1/buyer-auth/sign-up", { email, organisation: "Acme Corp", name: "Maya" })).status).toBe(202);
  return { ...(await verify({ token: lastLink(email).token })), email };
}

const as = (s: Session, extra: Record<string, string> = {}) => ({ cookie: s.cookie, origin: ORIGIN, "x-csrf-token": s.csrf, ...extra });

describe("buyer accounts on the storefront", () => {
  it("signs up with a work email: the link creates the organisation and its owner; nothing exists before", async () => {
    const email = workEmail();
    const before = await t.deps.db.prisma.buyerOrg.count();
    expect((await post("/v1/buyer-auth/sign-up", { email, organisation: "Acme Corp" })).status).toBe(202);
    expect(await t.deps.db.prisma.buyerOrg.count()).toBe(before);
    const { mail, code } = lastLink(email);
    expect(mail.subject).toContain(code);
    const s = await verify({ token: lastLink(email).token });
    expect(s.body.member.role).toBe("owner");
    expect(s.body.permissions).toContain("receipts.read");
    const me = await t.app.request("/v1/buyer", { headers: { cookie: s.cookie } });
    expect(await me.json()).toMatchObject({ id: s.body.organisation.id, name: "Acme Corp" });
  });

  it("refuses a personal email for sign-up", async () => {
    const res = await post("/v1/buyer-auth/sign-up", { email: "maya@gmail.com", organisation: "Acme" });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: "work_email_required" });
  });

  it("signs in by pasted code; a reused or expired link is a clear 410", async () => {
    const a = await signUp();
    expect((await post("/v1/buyer-auth/sign-in", { email: a.email.toUpperCase() })).status).toBe(202);
    const link = lastLink(a.email);
    const s = await verify({ email: a.email, code: link.code });
    expect(s.body.member.id).toBe(a.body.member.id);
    const reused = await post("/v1/buyer-auth/verify", { token: link.token });
    expect(reused.status).toBe(410);
    expect(await reused.json()).toMatchObject({ code: "link_used" });
    const bad = await post("/v1/buyer-auth/verify", { token: "nope-nope-nope-nope-nope-nope" });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ code: "link_invalid" });
  });

  it("answers the same for an unknown email and sends nothing", async () => {
    const count = outbox.length;
    const res = await post("/v1/buyer-auth/sign-in", { email: "nobody@nowhere.test" });
    expect(res.status).toBe(202);
    expect(outbox.length).toBe(count);
  });

  it("limits sign-in emails per address", async () => {
    const a = await signUp();
    const results = [];
    for (let i = 0; i < 6; i++) results.push((await post("/v1/buyer-auth/sign-in", { email: a.email })).status);
    expect(results.slice(0, 4)).toEqual([202, 202, 202, 202]);
    expect(results.at(-1)).toBe(429);
  });

  it("a session works on the /v1 buyer operations; writes need the CSRF token and our origin", async () => {
    const a = await signUp();
    const noCsrf = await post("/v1/buyer/api-keys", { name: "CI" }, { cookie: a.cookie });
    expect(noCsrf.status).toBe(403);
    expect(await noCsrf.json()).toMatchObject({ code: "csrf_token" });
    const otherSite = await post("/v1/buyer/api-keys", { name: "CI" }, { ...as(a), origin: "https://evil.test" });
    expect(otherSite.status).toBe(403);
    const created = await post("/v1/buyer/api-keys", { name: "CI" }, as(a));
    expect(created.status).toBe(201);
    const key = ((await created.json()) as { key: string; id: string });
    // The key works on its own, for the same organisation, and is listed without its secret.
    expect(await (await t.app.request("/v1/buyer", { headers: bearer(key.key) })).json()).toMatchObject({ id: a.body.organisation.id });
    const list = await t.app.request("/v1/buyer/api-keys", { headers: { cookie: a.cookie } });
    expect(JSON.stringify(await list.json())).not.toContain(key.key);
    expect((await t.app.request(`/v1/buyer/api-keys/${key.id}`, { method: "DELETE", headers: as(a) })).status).toBe(204);
    expect((await t.app.request("/v1/buyer", { headers: bearer(key.key) })).status).toBe(401);
  });

  it("invites team members by email; roles are enforced on the server", async () => {
    const owner = await signUp();
    const senderEmail = workEmail("sam");
    const inv = await post("/v1/buyer/members", { email: senderEmail, role: "sender" }, as(owner));
    expect(inv.status).toBe(201);
    expect(lastLink(senderEmail).mail.subject).toContain("Join Acme Corp");
    const sender = await verify({ token: lastLink(senderEmail).token });
    expect(sender.body).toMatchObject({ member: { role: "sender" }, organisation: { id: owner.body.organisation.id } });
    // A sender orders but does not manage the team, keys, or see receipts.
    expect((await post("/v1/buyer/members", { email: workEmail(), role: "admin" }, as(sender))).status).toBe(403);
    expect((await post("/v1/buyer/api-keys", { name: "x" }, as(sender))).status).toBe(403);
    expect((await t.app.request("/v1/orders", { headers: { cookie: sender.cookie } })).status).toBe(200);
    expect((await t.app.request(`/v1/buyer/orders/${crypto.randomUUID()}/receipt`, { headers: { cookie: sender.cookie } })).status).toBe(403);
    // Inviting twice is a conflict; the last owner cannot leave.
    expect((await post("/v1/buyer/members", { email: senderEmail, role: "finance" }, as(owner))).status).toBe(409);
    const self = await t.app.request(`/v1/buyer/members/${owner.body.member.id}`, { method: "DELETE", headers: as(owner) });
    expect(self.status).toBe(409);
    // Removing a member ends their session at once.
    const removed = await t.app.request(`/v1/buyer/members/${sender.body.member.id}`, { method: "DELETE", headers: as(owner) });
    expect(removed.status).toBe(204);
    expect((await t.app.request("/v1/orders", { headers: { cookie: sender.cookie } })).status).toBe(401);
  });

  it("another organisation's member cannot reach this team", async () => {
    const a = await signUp();
    const b = await signUp();
    const res = await t.app.request(`/v1/buyer/members/${a.body.member.id}`, {
      method: "PATCH",
      headers: { ...as(b), "content-type": "application/json" },
      body: JSON.stringify({ role: "sender" }),
    });
    expect(res.status).toBe(404);
  });

  it("signs out", async () => {
    const a = await signUp();
    expect((await t.app.request("/v1/buyer-auth/session", { headers: { cookie: a.cookie } })).status).toBe(200);
    expect((await t.app.request("/v1/buyer-auth/sign-out", { method: "POST", headers: as(a) })).status).toBe(204);
    expect((await t.app.request("/v1/buyer-auth/session", { headers: { cookie: a.cookie } })).status).toBe(401);
  });
});
